"""Factories of accompaniment rows. Each takes its organisation from the person (or goal) it is
about, so a test only names the person: `FollowUpFactory(person=person, author=referent)`."""

import datetime

import factory

from accompaniment.models import FollowUp, Goal, GoalStatus, Place, Step, Task
from beneficiaries.models import Pathway
from tests.beneficiaries.factories import PersonFactory


class FollowUpFactory(factory.django.DjangoModelFactory):
    """`participants` defaults to the person alone; pass a list to add household members
    (the person is always included, as accompaniment.services does)."""

    class Meta:
        model = FollowUp
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    author = None
    date = datetime.date(2026, 6, 1)
    place = Place.OFFICE
    pathways = factory.LazyFunction(lambda: [Pathway.RIGHTS])
    note = "Point sur la domiciliation."

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if not create:
            return
        self.participants.set({self.person, *(extracted or [])})


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    title = factory.Sequence(lambda n: f"Appeler la CAF ({n})")
    due_on = datetime.date(2026, 6, 8)
    assigned_to = None
    created_by = factory.SelfAttribute("assigned_to")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    pathway = Pathway.RIGHTS
    title = factory.Sequence(lambda n: f"Ouvrir les droits à la santé ({n})")
    status = GoalStatus.IN_PROGRESS


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Déposer le dossier ({n})")
    who = "La personne"
    due_on = datetime.date(2026, 6, 15)
