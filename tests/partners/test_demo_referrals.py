"""The demo gives both partner accounts referrals to answer, in every status, some of them for
people whose file is shared with the partner."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from beneficiaries.models import Person
from mia import demo
from mia.models import User
from partners.models import Referral, ReferralStatus


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale="small", date=demo.REFERENCE_DATE, stdout=StringIO())


@pytest.mark.parametrize("email", ["partenaire@demo.mia", "partenaire2@demo.mia"])
def test_each_demo_partner_has_referrals_some_under_consent(seeded, client, email):
    user = User.objects.get(email=email)
    received = Referral.objects.answerable_by(user)
    shared = received.filter(person__in=Person.objects.visible_to(user))

    assert received.count() >= 10
    assert 0 < shared.count() < received.count()
    assert {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DONE} <= set(
        received.values_list("status", flat=True)
    )
    assert not received.filter(status=ReferralStatus.DECLINED, decline_reason="").exists()
    for referral in received.filter(status=ReferralStatus.DONE):
        assert [event.status for event in referral.events.all()][-1] == ReferralStatus.DONE
        assert referral.done_on <= demo.REFERENCE_DATE
    client.force_login(user)
    page = client.get(reverse("partners:referrals_received"))
    # The work list: to handle, in progress, then the others (a page of them).
    listed = page.context["to_handle_count"] + page.context["in_progress_count"]
    assert listed + page.context["page"].paginator.count == received.count()
