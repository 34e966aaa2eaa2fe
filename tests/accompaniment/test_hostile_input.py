"""Tampered `next` addresses and ids on the social workers' and coordinators' pages: a default
page or a 404, never a 500 after the write (issue 14, points 5 and 7)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import FollowUp
from beneficiaries.models import ReferentAssignment
from tests.accompaniment.factories import TaskFactory

TODAY = timezone.localdate()
# A word redirect() read as the name of a URL, one of no page, other sites, another scheme.
BAD_NEXT = [
    "foo",
    "personnes",
    "/nulle-part/",
    "//example.org/",
    "https://example.org/",
    "javascript:alert(1)",
]
NOT_IDS = ["²", "٣", "1" * 5000, "-1", "1.5"]


@pytest.fixture(autouse=True)
def errors_as_responses(client):
    # A server error is a 500 page here, as a user sees it, not an exception in the test.
    client.raise_request_exception = False


@pytest.mark.parametrize("target", BAD_NEXT)
def test_a_follow_up_with_a_bad_next_is_saved_once_and_goes_to_the_file(login_as, person, target):
    url = reverse("accompaniment:followup_create", args=[person.pk])
    client = login_as("referent")

    form = client.get(url, {"next": target})
    response = client.post(
        f"{url}?next={target}",
        {"date": TODAY.isoformat(), "place": "office", "note": "Vu", "next": target},
    )

    assert form.context["next"] == "", "the form carries no `next` to post back"
    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])
    assert FollowUp.objects.filter(person=person).count() == 1


def test_a_follow_up_goes_back_to_the_page_it_was_opened_from(login_as, person):
    url = reverse("accompaniment:followup_create", args=[person.pk])
    back = reverse("beneficiaries:person_list") + "?status=active&page=2"
    client = login_as("referent")

    form = client.get(url, {"next": back})
    response = client.post(url, {"date": TODAY.isoformat(), "place": "office", "next": back})

    assert f'name="next" value="{back.replace("&", "&amp;")}"' in form.content.decode()
    assert response["Location"] == back


@pytest.mark.parametrize("target", BAD_NEXT)
def test_a_task_ticked_off_with_a_bad_next_is_done_and_goes_home(
    login_as, referent, person, target
):
    task = TaskFactory(person=person, assigned_to=referent, due_on=TODAY)

    response = login_as("referent").post(
        reverse("accompaniment:task_done", args=[task.pk]), {"next": target}
    )

    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    task.refresh_from_db()
    assert task.done_on == TODAY


@pytest.mark.parametrize("scope", ["personne", "menage", "site", "referent"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_a_transfer_of_something_that_is_no_id_is_not_found(
    login_as, person, colleague, scope, value
):
    url = reverse("accompaniment:transfer")
    client = login_as("coordinator")

    shown = client.get(url, {"portee": scope, "id": value})
    posted = client.post(url, {"portee": scope, "id": value, "vers": colleague.pk, "attendu": 1})

    assert (shown.status_code, posted.status_code) == (404, 404)
    assert not ReferentAssignment.objects.filter(referent=colleague).exists()
