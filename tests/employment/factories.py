"""Factories of the employment pathway. Like tests/accompaniment/factories_pathways.py, each
takes its organisation from what it belongs to: `OfferFactory(employer=employer)`,
`ContractFactory(person=person, employer=employer)`."""

import datetime
from decimal import Decimal

import factory

from employment.models import (
    Candidacy,
    CandidacyChange,
    CandidacyStatus,
    Contract,
    ContractType,
    Employer,
    EmployerKind,
    JobOffer,
    OfferStatus,
    Training,
    TrainingOutcome,
    Workshop,
    WorkshopKind,
)
from tests.beneficiaries.factories import PersonFactory
from tests.mia.factories import OrganisationFactory


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Ressourcerie {n}")
    kind = EmployerKind.ACI


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobOffer

    employer = factory.SubFactory(EmployerFactory)
    organisation = factory.SelfAttribute("employer.organisation")
    title = factory.Sequence(lambda n: f"Agent·e de tri {n}")
    contract_type = ContractType.CDDI
    weekly_hours = Decimal("26")
    published_on = datetime.date(2026, 1, 5)
    status = OfferStatus.OPEN


class CandidacyFactory(factory.django.DjangoModelFactory):
    """A candidacy with its first history row (proposed)."""

    class Meta:
        model = Candidacy
        skip_postgeneration_save = True

    offer = factory.SubFactory(OfferFactory)
    organisation = factory.SelfAttribute("offer.organisation")
    person = factory.SubFactory(PersonFactory)
    status = CandidacyStatus.PROPOSED
    proposed_on = factory.SelfAttribute("offer.published_on")
    changed_on = factory.SelfAttribute("proposed_on")

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            CandidacyChange.objects.create(
                candidacy=self, status=CandidacyStatus.PROPOSED, on=self.proposed_on
            )


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    employer = factory.SubFactory(
        EmployerFactory, organisation=factory.SelfAttribute("..organisation")
    )
    contract_type = ContractType.CDDI
    starts_on = datetime.date(2026, 1, 12)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    title = "CACES R489"
    provider_name = "AFPA de Montreuil"
    starts_on = datetime.date(2026, 1, 12)
    outcome = TrainingOutcome.ONGOING


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    kind = WorkshopKind.CV
    held_on = datetime.date(2026, 1, 20)
