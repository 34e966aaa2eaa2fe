"""The demo gives both partner accounts files to open, and shows expired and withdrawn consents."""

from io import StringIO

import pytest
from django.core.management import call_command

from beneficiaries.models import Person
from mia import demo
from mia.models import User
from partners.models import Consent


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale="small", date=demo.REFERENCE_DATE, stdout=StringIO())


@pytest.mark.parametrize(
    ("email", "sections"),
    [
        ("partenaire@demo.mia", {"identity", "employment"}),
        ("partenaire2@demo.mia", {"identity", "rights"}),
    ],
)
def test_each_demo_partner_sees_its_shares_and_only_them(seeded, email, sections):
    user = User.objects.get(email=email)
    shared = Person.objects.visible_to(user)
    valid = Consent.objects.valid().filter(organisation=user.organisation)

    assert user.groups.filter(pk=user.organisation.group_id).exists()
    assert 10 <= shared.count() <= 30
    assert set(shared) == {consent.person for consent in valid}
    assert set(valid.values_list("sections", flat=True)[0]) == sections
    assert user.has_perm(f"beneficiaries.view_section_{sorted(sections)[0]}", shared.first())


def test_some_demo_consents_are_withdrawn_or_expired(seeded):
    invalid = Consent.objects.exclude(pk__in=Consent.objects.valid())

    assert invalid.filter(withdrawn_on__isnull=False).exists()
    assert invalid.filter(withdrawn_on__isnull=True).exists()  # expired
    assert not invalid.filter(grants__isnull=False).exists()
