"""A coordinator on a 390 px phone records, from the site's page, that an evacuation is announced,
then on its board records that three households wish shelter and makes each an offer: the
headline "N des M ménages…" follows each tap, and a refusal puts the household back among those
waiting for an offer."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from housing.models import Evacuation, ShelterOffer
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.housing.world import new_household
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_coordinator_records_an_evacuation_and_offers_on_a_phone(
    live_server,
    phone,  # noqa: F811
    coordinator,
    referent,
    site,
    household,
):
    today = timezone.localdate()
    others = [new_household(referent, site, name) for name in ("Popa", "Stan")]
    households = [household, *others]
    log_in(phone, live_server, coordinator.email, PASSWORD)

    phone.goto(f"{live_server.url}/sites/{site.pk}/")
    card = phone.locator(
        "section", has=phone.get_by_role("heading", name="Évacuations et solutions")
    )
    expect(card.get_by_text("Aucune évacuation enregistrée.")).to_be_visible()
    card.get_by_role("link", name="Annoncer une évacuation").click()

    expect(phone.get_by_role("heading", name=re.compile("Annoncer une évacuation"))).to_be_visible()
    fits(phone)
    phone.get_by_label("Décision de justice").check()
    phone.get_by_label("Date de la décision").fill((today - datetime.timedelta(days=5)).isoformat())
    phone.get_by_label("Évacuation prévue le").fill(
        (today + datetime.timedelta(days=10)).isoformat()
    )
    phone.get_by_role("button", name="Enregistrer").click()

    expect(
        phone.get_by_text("L'évacuation est enregistrée : le tableau est ouvert.")
    ).to_be_visible()
    evacuation = Evacuation.objects.get()
    assert (evacuation.site, evacuation.basis) == (site, "court")
    headline = phone.locator("#entete-evacuation")
    expect(headline).to_contain_text("0 des 0 ménages qui souhaitent un hébergement")
    expect(phone.locator("ul.board > li")).to_have_count(3)
    fits(phone)

    for index, one in enumerate(households, start=1):
        row = phone.locator(f"#menage-{one.pk}")
        row.get_by_role("button", name="Oui").tap()
        expect(headline).to_contain_text(f"{index - 1} des {index} ménages")
        row = phone.locator(f"#menage-{one.pk}")
        row.get_by_text("Faire une proposition").tap()
        row.get_by_label("Hébergement proposé").select_option("chu" if index == 2 else "hotel_115")
        row.get_by_label("Lieu").fill(f"Lieu {index}")
        row.get_by_role("button", name="Enregistrer la proposition").tap()
        expect(headline).to_contain_text(f"{index} des {index} ménages")
        expect(phone.locator(f"#menage-{one.pk}")).to_contain_text(f"Lieu {index}")
    fits(phone)

    # The second household refuses: it waits for another offer.
    row = phone.locator(f"#menage-{others[0].pk}")
    row.get_by_label("Motif du refus").select_option("too_far")
    row.get_by_role("button", name="Refusée").tap()
    expect(headline).to_contain_text("2 des 3 ménages")
    expect(phone.locator(f"#menage-{others[0].pk}")).to_contain_text(
        "une nouvelle proposition est due"
    )

    assert sorted(ShelterOffer.objects.values_list("household__name", "type", "answer")) == [
        ("Famille Ionescu", "hotel_115", "pending"),
        ("Popa", "chu", "refused"),
        ("Stan", "hotel_115", "pending"),
    ]
    phone.reload()
    expect(phone.locator("#entete-evacuation")).to_contain_text("2 des 3 ménages")
