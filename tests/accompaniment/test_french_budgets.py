# ruff: noqa: F811 (the fixtures of french_world, imported, are the tests' arguments)
"""Query budgets of the French pathway's pages: the same number of queries with 3 rows as
with 30 (courses, learners, classes, assessments), so that an N+1 would show. Every budget
names its queries; the first two of every page are the session and the user."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accompaniment import services_french as services
from accompaniment.models import Attendance
from tests.accompaniment.factories_pathways import (
    AssessmentFactory,
    CertificationFactory,
    ClassSessionFactory,
    CourseFactory,
    CourseSlotFactory,
)
from tests.accompaniment.french_world import (  # noqa: F401 (fixtures)
    DAY,
    MONDAY,
    TODAY,
    course,
    enrol,
    new_person,
    past_weekday,
    provider,
    share_french,
    trainer,
)

SIZES = [3, 30]


@pytest.fixture
def learners(request, course, household, referent, provider):
    """`size` people enrolled in `course`, each ticked present at `size` classes (the half of
    them with their French section shared with the provider)."""
    size = request.param
    people = [new_person(referent, household) for _ in range(size)]
    sessions = [
        ClassSessionFactory(course=course, date=TODAY - (index + 1) * DAY) for index in range(size)
    ]
    for index, person in enumerate(people):
        enrol(course, person, referent)
        if index % 2:
            share_french(person, provider, referent)
    # The ticks in one insert: attendance_mark's own tests are in test_french.py, and size²
    # calls of it made this file's setup the longest of the suite.
    Attendance.objects.bulk_create(
        Attendance(session=session, person=person, present=True, marked_by=referent)
        for person in people
        for session in sessions
    )
    return {"people": people, "sessions": sessions}


@pytest.mark.parametrize("size", SIZES)
def test_course_list(
    login_as, association, provider, household, referent, size, django_assert_num_queries
):
    for index in range(size):
        current = CourseFactory(organisation=association, provider=provider, ends_on=TODAY + DAY)
        past = CourseFactory(
            organisation=association,
            provider=provider,
            starts_on=TODAY - 100 * DAY,
            ends_on=TODAY - (index + 1) * DAY,
        )
        for one in (current, past):
            CourseSlotFactory(course=one)
            enrol(one, new_person(referent, household), referent, on=one.starts_on)
    client = login_as("referent")
    # + the current courses (providers joined), the past ones, their slots (one prefetch), their
    #   learners with their classes attended and held (one query for every course shown).
    with django_assert_num_queries(6):
        response = client.get(reverse("accompaniment:courses"))
    assert len(response.context["current"]) == len(response.context["past"]) == size


@pytest.mark.parametrize("learners", SIZES, indirect=True)
def test_course_detail(login_as, course, learners, django_assert_num_queries):
    client = login_as("referent")
    # + the course (provider joined); its learners with their hours, classes attended and
    #   held; its classes with their present counts; its slots; the audit entry naming them.
    with django_assert_num_queries(7):
        response = client.get(reverse("accompaniment:course_detail", args=[course.pk]))
    assert len(response.context["learners"]) == len(learners["people"])


@pytest.mark.parametrize("learners", SIZES, indirect=True)
@pytest.mark.parametrize("persona", ["referent", "trainer"])
def test_attendance_sheet(login_as, learners, persona, django_assert_num_queries):
    session = learners["sessions"][0]
    client = login_as(persona)
    # + the class (course and provider joined); its learners with their tick and, for a
    #   trainer, whether their French is shared (a semi-join in the same query); the course's
    #   slots (is it a scheduled day?); the audit entry naming them.
    with django_assert_num_queries(6):
        response = client.get(reverse("accompaniment:attendance_sheet", args=[session.pk]))
    assert response.context["present_count"] == len(learners["people"])


@pytest.mark.parametrize("learners", SIZES, indirect=True)
def test_a_tick(login_as, learners, django_assert_num_queries):
    session = learners["sessions"][0]
    person = learners["people"][-1]
    client = login_as("referent")
    # + the class (course and provider joined); the learner's row on the sheet; the upsert:
    #   is the learner on the sheet, a savepoint, SELECT ... FOR UPDATE, the audit's read of
    #   the row as it was, the UPDATE, the audit entry, the savepoint released; the count.
    with django_assert_num_queries(12):
        response = client.post(
            reverse("accompaniment:attendance_tick", args=[session.pk]),
            {"personne": person.pk, "present": "0"},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_person_french(
    login_as, person, provider, referent, association, size, django_assert_num_queries
):
    for index in range(size):
        one = CourseFactory(organisation=association, provider=provider)
        enrol(one, person, referent, on=one.starts_on)
        session = ClassSessionFactory(course=one, date=one.starts_on, hours=Decimal("2"))
        services.attendance_mark(session=session, person=person, present=True, by=referent)
        AssessmentFactory(person=person, assessed_on=TODAY - index * DAY, skill="oral")
        CertificationFactory(person=person)
    client = login_as("referent")
    # + the person; the assessments (course joined); the enrolments with their courses,
    #   providers, hours and rates; the audit entry; the certifications.
    with django_assert_num_queries(7):
        response = client.get(reverse("accompaniment:person_french", args=[person.pk]))
    assert len(response.context["learners"]) == size
    assert len(response.context["certifications"]) == size
