"""A social worker on a 390 px phone records a health-cover procedure (AME) from filed to
obtained and reads when to renew it; then, from a child's rights page, records the town hall's
refusal to enrol the child at school."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment import services_rights
from accompaniment.models import Obstacle, Procedure
from beneficiaries import services
from tests.beneficiaries.factories import PersonFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_health_cover_from_filed_to_obtained(live_server, phone, referent, person):  # noqa: F811
    today = timezone.localdate()
    log_in(phone, live_server, referent.email, PASSWORD)

    phone.goto(f"{live_server.url}/personnes/{person.pk}/droits/")
    expect(phone.get_by_role("heading", name="Accès aux droits — Ștefan Ionescu")).to_be_visible()
    grid = phone.locator("#grille-droits")
    ame = grid.locator("li", has_text="Aide médicale de l'État (AME)")
    expect(ame.get_by_text("Manquant")).to_be_visible()
    fits(phone)

    ame.get_by_role("link", name="Commencer : Aide médicale de l'État (AME)").click()
    expect(phone.get_by_role("heading", name="Nouvelle démarche — Ștefan Ionescu")).to_be_visible()
    expect(phone.get_by_label("Démarche")).to_have_value("ame")
    fits(phone)
    phone.locator("label.chip", has_text="Déposée").click()
    phone.get_by_label("Déposée le").fill((today - 40 * DAY).isoformat())
    phone.get_by_label("Organisme (autre)").fill("CPAM de Seine-Saint-Denis")
    phone.get_by_label("Prochaine étape").fill("Relancer la CPAM")
    phone.get_by_label("Pour le").fill((today + 7 * DAY).isoformat())
    phone.get_by_role("button", name="Enregistrer").click()

    expect(
        phone.get_by_text("La démarche « Aide médicale de l'État (AME) » est enregistrée.")
    ).to_be_visible()
    ame = phone.locator("#grille-droits li", has_text="Aide médicale de l'État (AME)")
    expect(ame.get_by_text("En cours")).to_be_visible()
    expect(phone.get_by_text("Relancer la CPAM")).to_be_visible()

    ame.get_by_role("link", name="Mettre à jour : Aide médicale de l'État (AME)").click()
    phone.locator("label.chip", has_text="Obtenue").click()
    phone.get_by_label("Décision le").fill((today - DAY).isoformat())
    phone.get_by_role("button", name="Enregistrer").click()

    procedure = Procedure.objects.get()
    until = services_rights.add_months(today - DAY, 12) - DAY
    assert (procedure.status, procedure.valid_until) == ("obtained", until)
    expect(phone.get_by_text(f"valable jusqu'au {until:%d/%m/%Y}").first).to_be_visible()
    renew = until - 60 * DAY
    card = phone.locator(f"#demarche-{procedure.pk}")
    expect(card.get_by_text(f"à partir du {renew:%d/%m/%Y}")).to_be_visible()
    expect(
        phone.locator("#grille-droits li", has_text="Aide médicale").get_by_text("Obtenu")
    ).to_be_visible()
    card.get_by_text("Historique").click()
    expect(card.get_by_text("Déposée → Obtenue")).to_be_visible()
    fits(phone)


def test_a_school_enrolment_refused_for_a_child(
    live_server,
    phone,  # noqa: F811
    referent,
    person,
    household,
):
    today = timezone.localdate()
    ana = services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Ana",
            last_name="Ionescu",
            household=household,
            relationship="child",
            birth_date=datetime.date(today.year - 7, 3, 1),
        ),
    )
    log_in(phone, live_server, referent.email, PASSWORD)

    phone.goto(f"{live_server.url}/personnes/{ana.pk}/droits/")
    phone.get_by_role("link", name="Enregistrer un refus").click()
    expect(phone.get_by_role("heading", name="Enregistrer un refus — Ana Ionescu")).to_be_visible()
    fits(phone)
    phone.get_by_label("Inscription scolaire refusée par la mairie").check()
    phone.get_by_role("textbox", name="Par").fill("Mairie de Saint-Denis")
    phone.get_by_label(re.compile(r"^Le\b")).fill((today - 2 * DAY).isoformat())
    phone.get_by_label("Saisine du Défenseur des droits").check()
    phone.get_by_label("Suite le").fill(today.isoformat())
    phone.get_by_label("Précisions").fill("Refus faute de justificatif de domicile.")
    phone.get_by_role("button", name="Enregistrer").click()

    expect(
        phone.get_by_text("Le refus est enregistré : Inscription scolaire refusée par la mairie.")
    ).to_be_visible()
    refusals = phone.locator(".obstacles")
    expect(refusals.locator("strong", has_text="Inscription scolaire refusée")).to_be_visible()
    expect(refusals.get_by_text("Mairie de Saint-Denis", exact=False)).to_be_visible()
    expect(refusals.get_by_text("Saisine du Défenseur des droits", exact=False)).to_be_visible()
    fits(phone)
    obstacle = Obstacle.objects.get()
    assert (obstacle.person, obstacle.kind, obstacle.follow_up) == (
        ana,
        "school_refused",
        "defender",
    )
