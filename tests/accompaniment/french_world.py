"""Fixtures of the French pathway's tests: a training organisation giving a course of
`association`, its trainer (a partner account), a trainer of another provider, and helpers.
Imported by the tests that use them (`from tests.accompaniment.french_world import ...`), as
tests/browser.py's fixtures are.

The course runs from 60 days ago to 60 days ahead and meets on Mondays and Thursdays, so that
every test has past class dates whatever the day it runs."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accompaniment import services_french
from accompaniment.models import CourseKind, LearnerStatus
from beneficiaries import services as beneficiaries_services
from mia.models import OrganisationKind, Role
from partners import services as partner_services
from tests.accompaniment.factories_pathways import CourseFactory, CourseSlotFactory
from tests.beneficiaries.factories import PersonFactory
from tests.mia.factories import OrganisationFactory, UserFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
MONDAY, THURSDAY = 0, 3


def past_weekday(weekday: int, *, weeks_ago: int = 1) -> datetime.date:
    """A date of that weekday, `weeks_ago` weeks back (1: the latest one before today)."""
    back = (TODAY.weekday() - weekday) % 7 or 7
    return TODAY - datetime.timedelta(days=back + 7 * (weeks_ago - 1))


def not_scheduled_day() -> datetime.date:
    """A recent past date that is neither a Monday nor a Thursday."""
    day = TODAY - DAY
    while day.weekday() in (MONDAY, THURSDAY):
        day -= DAY
    return day


@pytest.fixture
def provider(db):
    return OrganisationFactory(name="Langues pour tous", kind=OrganisationKind.TRAINING)


@pytest.fixture
def trainer(provider):
    """A trainer of the organisation that gives `course`: a partner account."""
    return UserFactory(email="formatrice@test.mia", organisation=provider, role=Role.PARTNER)


@pytest.fixture
def other_trainer(db):
    """A trainer of another training organisation, which gives none of these courses."""
    organisation = OrganisationFactory(name="Autre organisme", kind=OrganisationKind.TRAINING)
    return UserFactory(email="formateur2@test.mia", organisation=organisation, role=Role.PARTNER)


@pytest.fixture
def course(association, provider, referent):
    course = CourseFactory(
        organisation=association,
        provider=provider,
        kind=CourseKind.ASL,
        name="ASL du Centre social",
        starts_on=TODAY - 60 * DAY,
        ends_on=TODAY + 60 * DAY,
        hours_per_class=Decimal("2.00"),
        created_by=referent,
    )
    CourseSlotFactory(course=course, weekday=MONDAY)
    CourseSlotFactory(course=course, weekday=THURSDAY)
    return course


def new_person(referent, household, **names):
    return beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(household=household, **names)
    )


def enrol(course, person, referent, *, on=None, status=LearnerStatus.ENROLLED):
    return services_french.learner_enrol(
        course=course,
        person=person,
        by=referent,
        enrolled_on=on or course.starts_on,
        status=status,
    )


def share_french(person, organisation, referent, *, sections=("french",)):
    """The person's consent to share these sections with `organisation` (valid from a week
    ago)."""
    return partner_services.consent_record(
        person=person,
        organisation=organisation,
        purpose="Cours de français",
        sections=list(sections),
        given_on=TODAY - 7 * DAY,
        by=referent,
    )
