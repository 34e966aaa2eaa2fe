"""Factories of housing's rows, written as they are (no service): for the data a test needs
around what it checks. Tests of the services call the services."""

import datetime

import factory

from housing.models import (
    Evacuation,
    EvacuationBasis,
    EvacuationHousehold,
    HousingRecourse,
    Placement,
    PlacementType,
    RecourseKind,
    ShelterOffer,
    SiaoRequest,
    SocialHousingApplication,
    Wish,
)

DAY = datetime.date(2026, 3, 2)


class EvacuationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evacuation

    organisation = factory.SelfAttribute("site.organisation")
    basis = EvacuationBasis.COURT
    decided_on = DAY


class BoardRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvacuationHousehold

    wish = Wish.YES


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShelterOffer

    organisation = factory.SelfAttribute("evacuation.organisation")
    type = PlacementType.HOTEL_115
    offered_on = DAY


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    organisation = factory.SelfAttribute("household.organisation")
    type = PlacementType.CHU
    started_on = DAY


class SiaoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiaoRequest

    organisation = factory.SelfAttribute("household.organisation")
    reference = factory.Sequence(lambda n: f"SIAO-93-{n:05d}")
    filed_on = DAY


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialHousingApplication

    organisation = factory.SelfAttribute("household.organisation")
    number = factory.Sequence(lambda n: f"093{n:07d}")
    filed_on = DAY


class RecourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingRecourse

    organisation = factory.SelfAttribute("household.organisation")
    kind = RecourseKind.DALO
    filed_on = DAY
