"""Two people editing one file at once, each in their own browser session: the second save is
refused with a clear message, their input is shown back, and nothing is overwritten."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from beneficiaries.models import Household, Person


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _as_posted(form) -> dict:
    """What the browser would send back for an untouched form (hidden version included)."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif value is True:
            value = "on"
        data[field.html_name] = value
    return data


def _open(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return _as_posted(response.context["form"])


CONFLICT = "a été modifié par quelqu&#x27;un d&#x27;autre pendant que vous le modifiiez"


@pytest.fixture
def worker(referent):
    return _signed_in(referent)


@pytest.fixture
def coordination(coordinator):
    return _signed_in(coordinator)


def test_person_edited_by_two_people_at_once(worker, coordination, person):
    url = reverse("beneficiaries:person_edit", args=[person.pk])
    seen_by_worker = _open(worker, url)
    seen_by_coordination = _open(coordination, url)

    first = worker.post(url, {**seen_by_worker, "phone": "06 12 34 56 78"})
    second = coordination.post(url, {**seen_by_coordination, "other_names": "Stefan Ionesco"})

    assert first.status_code == 302
    assert second.status_code == 200
    html = second.content.decode()
    assert CONFLICT in html
    assert 'value="Stefan Ionesco"' in html, "the coordinator's input is shown back"
    person.refresh_from_db()
    assert person.phone == "06 12 34 56 78"
    assert person.other_names == ""

    # Once warned, saving again is a deliberate choice based on the current version.
    again = coordination.post(url, second.context["form"].data)
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.other_names == "Stefan Ionesco"


def test_household_edited_by_two_people_at_once(worker, coordination, household):
    url = reverse("beneficiaries:household_edit", args=[household.pk])
    seen_by_worker = _open(worker, url)
    seen_by_coordination = _open(coordination, url)

    first = worker.post(url, {**seen_by_worker, "name": "Famille Ionescu-Radu"})
    second = coordination.post(url, {**seen_by_coordination, "name": "Ionescu (Ștefan)"})

    assert first.status_code == 302
    assert second.status_code == 200
    html = second.content.decode()
    assert CONFLICT in html
    assert 'value="Ionescu (Ștefan)"' in html
    assert Household.objects.get(pk=household.pk).name == "Famille Ionescu-Radu"


def test_a_save_without_version_overwrites_nothing(worker, person):
    url = reverse("beneficiaries:person_edit", args=[person.pk])
    data = _open(worker, url)
    del data["version"]

    response = worker.post(url, {**data, "phone": "07 00 00 00 00"})

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert Person.objects.get(pk=person.pk).phone == ""
