import datetime

import factory

from beneficiaries.models import Commune, Household, Person, Sex, Site, SiteKind
from tests.mia.factories import OrganisationFactory


def commune(insee: str = "93066") -> Commune:
    """Communes come from the migration's reference data; tests use the real ones."""
    return Commune.objects.get(insee=insee)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Terrain {n}")
    kind = SiteKind.SLUM
    commune = factory.LazyFunction(commune)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Famille {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name", locale="ro_RO")
    last_name = factory.Faker("last_name", locale="ro_RO")
    sex = Sex.FEMALE
    birth_year = 1990
    entered_on = datetime.date(2025, 3, 1)
