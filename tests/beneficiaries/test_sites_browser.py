"""The sites' map in Chromium on a phone, with tiles pointing nowhere (no network for them): the
page lists the sites, and Leaflet, vendored, draws one marker per located site."""

import pytest
from playwright.sync_api import expect

from beneficiaries.models import SitePopulation
from tests.beneficiaries.factories import SiteFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_lists_and_draws_the_sites_without_tiles(
    live_server,
    phone,  # noqa: F811
    referent,
    association,
    settings,
):
    # A port nobody listens on: every tile fails, as on a site with no network.
    settings.MIA_MAP_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    canal = SiteFactory(
        organisation=association, name="Terrain du Canal", latitude=48.91, longitude=2.45
    )
    SiteFactory(organisation=association, name="Squat des Lilas", latitude=48.79, longitude=2.46)
    SiteFactory(organisation=association, name="Campement sans coordonnées")
    SitePopulation.objects.create(site=canal, observed_on=canal.created_at.date(), people=85)
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))

    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}/sites/carte/")

    listed = phone.locator(".sites-map-list")
    expect(listed.get_by_role("link", name="Terrain du Canal")).to_be_visible()
    expect(listed.get_by_role("link", name="Campement sans coordonnées")).to_be_visible()
    expect(listed).to_contain_text("85 personnes")
    markers = phone.locator(".leaflet-marker-icon")
    expect(markers).to_have_count(2)
    # The tap itself: Leaflet opens the popup on the marker's click event.
    phone.locator('.leaflet-marker-icon[title="Terrain du Canal"]').dispatch_event("click")
    popup = phone.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Terrain du Canal")
    expect(popup).to_contain_text("85 personnes")
    expect(popup.get_by_role("link", name="Ouvrir la fiche")).to_have_attribute(
        "href", f"/sites/{canal.pk}/"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
