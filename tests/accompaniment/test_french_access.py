# ruff: noqa: F811 (the fixtures of french_world, imported, are the tests' arguments)
"""What each persona gets on every page of the French pathway, by GET and by POST (STYLE.md's
cast, plus `trainer`: a partner account of the organisation that gives the course, and
`other_trainer`, of another training organisation).

Courses are the organisation's business: its field workers manage them and enrol people;
managers and the administrator read them. A trainer reads the courses their organisation
gives and takes attendance; a person's French page opens to them only when that person's
French section is shared with their organisation. Pages about one person hide it (404)."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from accompaniment.models import (
    Assessment,
    Attendance,
    Certification,
    ClassSession,
    Course,
    Learner,
)
from tests.accompaniment.factories_pathways import (
    AssessmentFactory,
    CertificationFactory,
    ClassSessionFactory,
)
from tests.accompaniment.french_world import (  # noqa: F401 (fixtures)
    TODAY,
    course,
    enrol,
    new_person,
    other_trainer,
    past_weekday,
    provider,
    share_french,
    trainer,
)
from tests.conftest import PERSONAS

CAST = [*PERSONAS, "trainer", "other_trainer"]


@pytest.fixture
def objects(person, household, referent, course, provider):
    """`person` enrolled in `course`, a class held last Monday, a level and a certification;
    `person`'s French section shared with the course's provider. `newcomer`: a person of the
    organisation not enrolled yet."""
    share_french(person, provider, referent)
    return {
        "person": person,
        "course": course,
        "learner": enrol(course, person, referent),
        "session": ClassSessionFactory(course=course, date=past_weekday(0)),
        "assessment": AssessmentFactory(person=person),
        "certification": CertificationFactory(person=person, taken_on=TODAY),
        "newcomer": new_person(referent, household, first_name="Ana", last_name="Pop"),
        "provider": provider,
    }


def url(name: str, kind: str | None, objects: dict) -> str:
    return reverse(f"accompaniment:{name}", args=[objects[kind].pk] if kind else [])


# route -> the object its URL names.
ROUTES = {
    "courses": None,
    "course_create": None,
    "course_detail": "course",
    "course_edit": "course",
    "learner_add": "course",
    "learner_edit": "learner",
    "session_open": "course",
    "attendance_sheet": "session",
    "attendance_tick": "session",
    "person_french": "person",
    "assessment_create": "person",
    "assessment_edit": "assessment",
    "certification_create": "person",
    "certification_edit": "certification",
}

# What a GET gets, persona by persona (CAST's order). 405: a route that takes a POST only,
# to whoever reaches its object; the others get the 404 they get on the object's pages.
GETS = {
    #                       anon ref  coll coord mgr  adm  part p-w/o out  trainer other
    "courses":              (302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "course_create":        (302, 200, 200, 200, 403, 403, 403, 403, 200, 403, 403),
    "course_detail":        (302, 200, 200, 200, 200, 200, 404, 404, 404, 200, 404),
    "course_edit":          (302, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "learner_add":          (302, 405, 405, 405, 404, 404, 404, 404, 404, 404, 404),
    "learner_edit":         (302, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "session_open":         (302, 405, 405, 405, 403, 403, 404, 404, 404, 405, 404),
    "attendance_sheet":     (302, 200, 200, 200, 403, 403, 404, 404, 404, 200, 404),
    "attendance_tick":      (302, 405, 405, 405, 403, 403, 404, 404, 404, 405, 404),
    "person_french":        (302, 200, 200, 200, 200, 200, 404, 404, 404, 200, 404),
    "assessment_create":    (302, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "assessment_edit":      (302, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "certification_create": (302, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "certification_edit":   (302, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
}  # fmt: skip


def test_every_french_route_is_in_the_tables():
    from accompaniment.urls_french import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == ROUTES.keys()
    assert GETS.keys() == ROUTES.keys() == POSTS.keys() == WRITES.keys()


@pytest.mark.parametrize("route", GETS)
def test_what_a_get_gets(client, login_as, objects, route):
    """Every persona of the cast in turn, on one world: a GET changes nothing."""
    path = url(route, ROUTES[route], objects)
    for persona, expected in zip(CAST, GETS[route], strict=True):
        client.logout()
        response = login_as(persona).get(path)

        assert response.status_code == expected, persona
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), persona
        if expected != 200:
            assert "Ionescu" not in response.content.decode(), persona


# --- Writes --------------------------------------------------------------------------------------

OK = "written"


def _count(model):
    return lambda o: model.objects.count()


def _row(kind: str):
    return lambda o: type(o[kind]).objects.filter(pk=o[kind].pk).values().first()


def _slots(prefix="creneaux", rows=((0, "09:30", "11:30"),)) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "7",
    }
    for index, (weekday, start, end) in enumerate(rows):
        data |= {
            f"{prefix}-{index}-weekday": str(weekday),
            f"{prefix}-{index}-starts_at": start,
            f"{prefix}-{index}-ends_at": end,
        }
    return data


def course_body(o, **changes) -> dict:
    return {
        "provider": o["provider"].pk,
        "kind": "fle",
        "name": "FLE débutants",
        "place": "Maison de quartier",
        "starts_on": (TODAY - datetime.timedelta(days=30)).isoformat(),
        "ends_on": (TODAY + datetime.timedelta(days=90)).isoformat(),
        "hours_per_class": "2.5",
        **_slots(),
        **changes,
    }


# route -> (a body the allowed personas' POST saves, what it changes).
POSTS = {
    "courses": (lambda o: {}, _count(Course)),
    "course_create": (course_body, _count(Course)),
    "course_edit": (lambda o: course_body(o, name="ASL renommé"), _row("course")),
    "course_detail": (lambda o: {}, _row("course")),
    "learner_add": (
        lambda o: {"person": o["newcomer"].pk, "status": "enrolled", "enrolled_on": TODAY},
        _count(Learner),
    ),
    "learner_edit": (
        lambda o: {
            "status": "completed",
            "enrolled_on": o["learner"].enrolled_on.isoformat(),
            "left_on": TODAY.isoformat(),
        },
        _row("learner"),
    ),
    "session_open": (
        lambda o: {"date": past_weekday(3).isoformat()},
        _count(ClassSession),
    ),
    "attendance_sheet": (lambda o: {"hours": "1.5"}, _row("session")),
    "attendance_tick": (
        lambda o: {"personne": o["person"].pk, "present": "1"},
        _count(Attendance),
    ),
    "person_french": (lambda o: {}, _count(Assessment)),
    "assessment_create": (
        lambda o: {
            "assessed_on": TODAY.isoformat(),
            "skill": "oral",
            "level": "a1",
            "assessor": "Mme Diallo",
        },
        _count(Assessment),
    ),
    "assessment_edit": (
        lambda o: {
            "assessed_on": o["assessment"].assessed_on.isoformat(),
            "skill": "overall",
            "level": "a2",
            "assessor": "Mme Diallo",
        },
        _row("assessment"),
    ),
    "certification_create": (
        lambda o: {"kind": "delf_a1", "taken_on": TODAY.isoformat(), "result": "passed"},
        _count(Certification),
    ),
    "certification_edit": (
        lambda o: {
            "kind": "dilf",
            "taken_on": o["certification"].taken_on.isoformat(),
            "result": "failed",
        },
        _row("certification"),
    ),
}

WRITES = {
    #                       anon   ref coll coord mgr  adm  part p-w/o out  trainer other
    "courses":              (302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "course_create":        (302, OK,  OK,  OK,  403, 403, 403, 403, OK,  403, 403),
    "course_detail":        (302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "course_edit":          (302, OK,  OK,  OK,  404, 404, 404, 404, 404, 404, 404),
    "learner_add":          (302, OK,  OK,  OK,  404, 404, 404, 404, 404, 404, 404),
    "learner_edit":         (302, OK,  OK,  OK,  404, 404, 404, 404, 404, 404, 404),
    "session_open":         (302, OK,  OK,  OK,  403, 403, 404, 404, 404, OK,  404),
    "attendance_sheet":     (302, OK,  OK,  OK,  403, 403, 404, 404, 404, OK,  404),
    "attendance_tick":      (302, OK,  OK,  OK,  403, 403, 404, 404, 404, OK,  404),
    "person_french":        (302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "assessment_create":    (302, OK,  OK,  OK,  404, 404, 404, 404, 404, 404, 404),
    "assessment_edit":      (302, OK,  OK,  OK,  404, 404, 404, 404, 404, 404, 404),
    "certification_create": (302, OK,  OK,  OK,  404, 404, 404, 404, 404, 404, 404),
    "certification_edit":   (302, OK,  OK,  OK,  404, 404, 404, 404, 404, 404, 404),
}  # fmt: skip


@pytest.mark.parametrize("route", WRITES)
def test_what_a_post_gets(client, login_as, objects, route, request):
    """Every persona of the cast in turn, each POST in a savepoint rolled back after it: each
    finds the world as the others did (the accounts are made before, outside the savepoints)."""
    for persona in CAST[1:]:
        request.getfixturevalue(persona)
    body, changed = POSTS[route]
    path = url(route, ROUTES[route], objects)
    for persona, expected in zip(CAST, WRITES[route], strict=True):
        client.logout()
        with transaction.atomic():
            before = changed(objects)
            response = login_as(persona).post(path, body(objects))
            after = changed(objects)
            transaction.set_rollback(True)

        if expected == OK:
            assert response.status_code == 302, (persona, response.content.decode()[:2000])
            assert not response["Location"].startswith(reverse("account_login")), persona
            assert after != before, f"{persona}: an allowed POST is saved"
        else:
            assert response.status_code == expected, persona
            if expected == 302:
                assert response["Location"].startswith(reverse("account_login")), persona
            assert after == before, persona


def test_the_trainer_of_another_provider_opens_none_of_the_course_s_pages(
    login_as, objects, other_trainer
):
    client = login_as("other_trainer")

    listed = client.get(reverse("accompaniment:courses")).content.decode()

    assert objects["course"].name not in listed
    for route in ("course_detail", "attendance_sheet", "person_french"):
        assert client.get(url(route, ROUTES[route], objects)).status_code == 404
