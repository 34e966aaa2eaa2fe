"""The small demo gives travailleur@demo.mia every employment page filled, with data that
holds together: each hire has its contract, each history starts with the proposal and ends at
the candidacy's status, no status dates from before its offer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from employment.models import (
    SIAE_KINDS,
    Candidacy,
    Contract,
    Employer,
    JobOffer,
    Training,
    Workshop,
)
from mia import demo
from mia.models import User


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale="small", date=demo.REFERENCE_DATE, stdout=StringIO())


def test_the_small_demo_s_employment_rows_hold_together(seeded):
    assert Employer.objects.filter(kind__in=SIAE_KINDS).exists()
    assert Employer.objects.filter(kind="geiq").exists()
    assert JobOffer.objects.count() >= 10
    assert Training.objects.exists() and Workshop.objects.exists()
    hired = Candidacy.objects.filter(status="hired")
    assert hired.exists()
    assert set(hired.values_list("pk", flat=True)) == set(
        Contract.objects.filter(candidacy__isnull=False).values_list("candidacy_id", flat=True)
    )
    assert not Candidacy.objects.filter(proposed_on__lt=F("offer__published_on")).exists()
    assert not Candidacy.objects.exclude(organisation_id=F("offer__organisation_id")).exists()
    assert not Candidacy.objects.exclude(organisation_id=F("person__organisation_id")).exists()
    for candidacy in Candidacy.objects.prefetch_related("changes"):
        changes = sorted(candidacy.changes.all(), key=lambda change: (change.on, change.pk))
        assert changes[0].status == "proposed" and changes[0].previous == ""
        assert changes[-1].status == candidacy.status
        assert changes[-1].on == candidacy.changed_on
    assert not Contract.objects.filter(starts_on__gt=demo.REFERENCE_DATE).exists()
    assert not Contract.objects.exclude(organisation_id=F("employer__organisation_id")).exists()


def test_travailleur_finds_every_employment_page_filled(seeded, client):
    user = User.objects.get(email="travailleur@demo.mia")
    client.force_login(user)
    offers = JobOffer.objects.filter(organisation=user.organisation)
    waiting = offers.filter(status="open", candidacies__isnull=True).first()
    with_candidates = offers.filter(status="open", candidacies__isnull=False).first()
    hire = Contract.objects.filter(
        person__referent=user, candidacy__isnull=False, pass_iae_number__gt=""
    ).first()

    listed = client.get(reverse("employment:offers"))
    suggested = client.get(reverse("employment:offer_suggestions", args=[waiting.pk]))
    detail = client.get(reverse("employment:offer_detail", args=[with_candidates.pk]))
    person = client.get(reverse("employment:person_employment", args=[hire.person_id]))

    assert len(listed.context["page"].object_list) >= 10
    assert len(suggested.context["lines"]) >= 5
    assert len(detail.context["candidacies"]) >= 3
    assert hire.is_running_on(demo.REFERENCE_DATE)
    assert person.context["current"] == hire
