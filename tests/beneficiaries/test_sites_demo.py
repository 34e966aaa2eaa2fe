"""The small demo fills every site page: population entries over time that pass the checks a
form would make, living conditions, diagnostics, legal procedures and closures with their
cause, coordinates inside the three départements."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max
from django.test import override_settings

from beneficiaries.demo import DEPARTEMENT_BOXES
from beneficiaries.models import Site, SiteLegalProcedure, SitePopulation, SiteStatus

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("seed_demo", scale="small", date=TODAY, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return None


def test_every_site_has_population_entries_that_pass_the_checks(seeded):
    counts = dict(
        SitePopulation.objects.values("site").annotate(n=Count("pk")).values_list("site", "n")
    )
    assert set(counts) == set(Site.objects.values_list("pk", flat=True))
    assert all(2 <= n <= 4 for n in counts.values())
    for entry in SitePopulation.objects.all():
        entry.full_clean(exclude=["site", "recorded_by"], validate_unique=False)
    assert SitePopulation.objects.filter(minors_0_3__isnull=False, minors_in_school__gt=0).exists()
    assert SitePopulation.objects.filter(huts__gt=0).exists()
    # The most crowded open site of each association: 80 households or more.
    assert SitePopulation.objects.filter(households__gte=80, site__status="open").exists()


def test_conditions_legal_procedures_and_closures(seeded):
    sites = Site.objects.all()
    assert sites.exclude(electricity="").exists() and sites.filter(water_access="none").exists()
    assert sites.filter(social_diagnostic="done", social_diagnostic_on__isnull=False).exists()
    assert SiteLegalProcedure.objects.filter(site__status="open").exists()
    assert sites.filter(status=SiteStatus.OPEN).exists()
    assert sites.exclude(status=SiteStatus.OPEN).exists()
    assert not sites.filter(status="closed", closed_reason="").exists()
    for site in sites.select_related("commune"):
        (south, north), (west, east) = DEPARTEMENT_BOXES[site.commune.departement]
        assert south <= site.latitude <= north and west <= site.longitude <= east, site.pk


def test_an_open_site_was_counted_within_five_months(seeded):
    latest = dict(
        SitePopulation.objects.values("site")
        .annotate(last=Max("observed_on"))
        .values_list("site", "last")
    )
    for site in Site.objects.filter(closed_on__isnull=True):
        assert (TODAY - latest[site.pk]).days <= 150, site.pk
