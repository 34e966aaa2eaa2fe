"""Shares for the partners tests: `person` (followed by `referent`) is shared with `partner`'s
organisation for identity and employment; `partner_without_share`'s organisation gets nothing."""

import datetime

import pytest

from partners import services
from tests.beneficiaries.factories import PersonFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def consent(person, partner, referent):
    return services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Inscription à France Travail",
        sections=["identity", "employment"],
        given_on=datetime.date(2026, 1, 5),
        expires_on=None,
        proof=None,
        by=referent,
    )


@pytest.fixture
def not_shared(association, household, referent):
    """Another file of the same association, in the same household, never shared."""
    from beneficiaries import services as beneficiaries_services

    return beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Maria", last_name="Ionescu", household=household, relationship="partner"
        ),
    )
