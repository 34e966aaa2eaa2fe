# ruff: noqa: F811 (the fixtures of french_world, imported, are the tests' arguments)
"""Two people ticking the same attendance sheet at the same moment, on PostgreSQL, each from a
thread of their own (a request each, a connection each): both ticks are kept, and the same
learner ticked twice at once is one row, not an error. (On SQLite, which serialises writes,
tests/accompaniment/test_french.py ticks from two clients one after the other.)"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accompaniment.models import Attendance
from tests.accompaniment.factories_pathways import ClassSessionFactory
from tests.accompaniment.french_world import (  # noqa: F401 (fixtures)
    MONDAY,
    course,
    enrol,
    new_person,
    past_weekday,
    provider,
    trainer,
)

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _at_once(posts) -> list[int]:
    """Runs each (user, url, data) in a thread of its own, all released together."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []

    def post(user, url, data):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=args) for args in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


@pytest.fixture
def sheet(course, person, household, referent):
    ana = new_person(referent, household, first_name="Ana", last_name="Pop")
    enrol(course, person, referent)
    enrol(course, ana, referent)
    session = ClassSessionFactory(course=course, date=past_weekday(MONDAY))
    return {
        "url": reverse("accompaniment:attendance_tick", args=[session.pk]),
        "people": [person, ana],
        "session": session,
    }


def test_two_people_ticking_two_learners_at_once_both_keep_their_ticks(sheet, referent, trainer):
    first, second = sheet["people"]

    statuses = _at_once(
        [
            (referent, sheet["url"], {"personne": first.pk, "present": "1"}),
            (trainer, sheet["url"], {"personne": second.pk, "present": "1"}),
        ]
    )

    assert statuses == [302, 302]
    assert dict(Attendance.objects.values_list("person_id", "present")) == {
        first.pk: True,
        second.pk: True,
    }


def test_one_learner_ticked_twice_at_once_is_one_row(sheet, referent, trainer):
    first, _second = sheet["people"]

    statuses = _at_once(
        [
            (referent, sheet["url"], {"personne": first.pk, "present": "1"}),
            (trainer, sheet["url"], {"personne": first.pk, "present": "1"}),
        ]
    )

    assert statuses == [302, 302]
    assert list(Attendance.objects.values_list("person_id", "present")) == [(first.pk, True)]
