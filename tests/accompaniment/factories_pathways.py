"""Factories of the pathways' rows (rights, school, French). Like tests/accompaniment/factories.py,
each takes its organisation from the person it is about: `ProcedureFactory(person=person)`.
Procedure types are the defaults the migration loads: `default_type("ame")`."""

import datetime
from decimal import Decimal

import factory

from accompaniment.models import (
    Assessment,
    Attendance,
    CefrLevel,
    Certification,
    CertificationKind,
    ClassSession,
    Course,
    CourseKind,
    CourseSlot,
    Learner,
    LearnerStatus,
    Obstacle,
    ObstacleKind,
    Procedure,
    ProcedureStatus,
    ProcedureType,
    Schooling,
    SchoolLevel,
    Skill,
)
from mia.models import OrganisationKind
from tests.beneficiaries.factories import PersonFactory
from tests.mia.factories import OrganisationFactory


def default_type(code: str) -> ProcedureType:
    """A default procedure type (accompaniment/data/procedure_types.csv), as migrated."""
    return ProcedureType.objects.get(organisation=None, code=code)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    type = factory.LazyFunction(lambda: default_type("ame"))
    status = ProcedureStatus.FILED
    filed_on = datetime.date(2026, 3, 2)


class ObstacleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obstacle

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    kind = ObstacleKind.DOMICILIATION_REFUSED
    body = "CCAS de Bondy"
    occurred_on = datetime.date(2026, 3, 9)


class SchoolingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schooling

    person = factory.SubFactory(PersonFactory, birth_year=2018, birth_date=None)
    organisation = factory.SelfAttribute("person.organisation")
    since = datetime.date(2025, 9, 1)
    level = SchoolLevel.ELEMENTAIRE
    school = "École élémentaire Jean-Jaurès"
    enrolled_on = datetime.date(2025, 9, 1)


class CourseFactory(factory.django.DjangoModelFactory):
    """A course of `organisation`, given by a training organisation (a partner)."""

    class Meta:
        model = Course

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.OPERATOR)
    provider = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.TRAINING)
    kind = CourseKind.ASL
    name = factory.Sequence(lambda n: f"Atelier sociolinguistique {n}")
    place = "Centre social, 12 rue de Paris, Montreuil"
    starts_on = datetime.date(2026, 1, 5)
    ends_on = datetime.date(2026, 6, 26)
    hours_per_class = Decimal("2.00")


class CourseSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSlot

    course = factory.SubFactory(CourseFactory)
    weekday = 0
    starts_at = datetime.time(9, 30)
    ends_at = datetime.time(11, 30)


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    course = factory.SubFactory(CourseFactory)
    person = factory.SubFactory(PersonFactory)
    status = LearnerStatus.ENROLLED
    enrolled_on = factory.SelfAttribute("course.starts_on")


class ClassSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassSession

    course = factory.SubFactory(CourseFactory)
    date = factory.SelfAttribute("course.starts_on")
    hours = factory.SelfAttribute("course.hours_per_class")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(ClassSessionFactory)
    person = factory.SubFactory(PersonFactory)
    present = True


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    assessed_on = datetime.date(2026, 1, 12)
    skill = Skill.OVERALL
    level = CefrLevel.A1_1
    assessor = "Formatrice de l'atelier"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    kind = CertificationKind.DILF
    taken_on = datetime.date(2026, 5, 20)
