"""A partner on a 390 px phone works from their "to handle" list: opens a referral, replies
with a comment and the appointment given to the person; the sender is told by a notice and
reads the reply on the referral's page (issue 9)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners import referrals
from partners.models import Referral
from tests.browser import PHONE, browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Rendez-vous à l'agence, venir avec une pièce d'identité."


def test_a_partner_replies_and_the_sender_is_told(
    live_server,
    phone,  # noqa: F811
    browser,  # noqa: F811
    person,
    partner,
    referent,
):
    referral = referrals.referral_create(
        person=person,
        organisation=partner.organisation,
        pathway="employment",
        reason="Inscription et atelier CV.",
        by=referent,
        base_url=live_server.url,
    )
    day = timezone.localdate() + datetime.timedelta(days=5)

    log_in(phone, live_server, partner.email, PASSWORD)
    phone.goto(f"{live_server.url}/orientations/recues/")
    to_handle = phone.get_by_role("region", name="À traiter 1 orientation")
    expect(to_handle).to_be_visible()
    # A file number, never the name: nothing shares the person's identity with the partner.
    expect(phone.get_by_text("Ionescu")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    accept = to_handle.get_by_role("button", name=f"Accepter l'orientation n° {referral.pk}")
    expect(accept).to_be_visible()
    to_handle.get_by_role("link", name=f"Répondre à l'orientation n° {referral.pk}").click()

    expect(phone.get_by_role("heading", level=1)).to_contain_text(f"Orientation n° {referral.pk}")
    expect(phone.get_by_role("heading", name="Contact du référent")).to_be_visible()
    expect(phone.get_by_text(str(referent), exact=True).first).to_be_visible()
    phone.get_by_label("Rendez-vous donné à la personne").fill(f"{day.isoformat()}T09:30")
    phone.get_by_label("Votre réponse au référent").fill(COMMENT)
    phone.get_by_role("button", name="Envoyer la réponse").click()

    expect(phone.get_by_text("Votre réponse est transmise au référent.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Réponse du partenaire")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.partner_comment == COMMENT
    assert timezone.localtime(referral.partner_appointment_at).date() == day

    # The sender, on their own phone: the bell counts the reply, the notice opens the referral.
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    sender = context.new_page()
    sender.set_default_timeout(10_000)
    log_in(sender, live_server, referent.email, PASSWORD)
    sender.get_by_role("link", name="Notifications, 1 non lue").click()
    sender.get_by_role("button", name="Réponse à une orientation pour Ștefan Ionescu").click()

    expect(sender.get_by_role("heading", level=1)).to_contain_text(f"Orientation n° {referral.pk}")
    expect(sender.get_by_text(COMMENT, exact=True)).to_be_visible()
    expect(sender.get_by_role("definition").filter(has_text="09:30")).to_be_visible()
    context.close()
