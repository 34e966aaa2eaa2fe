"""A social worker on a 390 px phone opens a household: every child's schooling at a glance.
She taps the child whose schooling is not recorded yet, records it (élémentaire, with school
mediation), and the household page shows it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment.models import Schooling, SchoolLevel
from beneficiaries import services
from tests.accompaniment.factories_pathways import SchoolingFactory
from tests.beneficiaries.factories import PersonFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_household_page_shows_the_children_s_schooling_on_a_phone(
    live_server,
    phone,  # noqa: F811
    referent,
    person,
    household,
):
    today = timezone.localdate()
    mihai = services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Mihai",
            last_name="Ionescu",
            household=household,
            birth_date=datetime.date(today.year - 13, 3, 1),
        ),
    )
    SchoolingFactory(
        person=mihai,
        since=today - datetime.timedelta(days=90),
        level=SchoolLevel.COLLEGE,
        school="Collège Politzer",
        attendance_concern=True,
    )
    ana = services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Ana",
            last_name="Ionescu",
            household=household,
            birth_date=datetime.date(today.year - 7, 3, 1),
        ),
    )
    log_in(phone, live_server, referent.email, PASSWORD)

    phone.goto(f"{live_server.url}/menages/{household.pk}/")
    block = phone.get_by_role("region", name="Scolarité des enfants 2 enfants")
    expect(block).to_be_visible()
    expect(block.get_by_text("Collège — Collège Politzer")).to_be_visible()
    expect(block.get_by_text("Assiduité préoccupante")).to_be_visible()
    expect(block.get_by_text("Scolarité non renseignée")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    block.get_by_role("link", name="Ana Ionescu (7 ans)").click()
    expect(phone.get_by_role("heading", name="Scolarité — Ana Ionescu")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Élémentaire").check()
    phone.get_by_label("École, collège, lycée…").fill("École Jean-Jaurès")
    phone.get_by_label("Commune de l'établissement").select_option(label="Montreuil (93)")
    phone.get_by_label("Accompagnement par la médiation scolaire").check()
    phone.get_by_role("button", name="Enregistrer").click()

    expect(phone.get_by_text("La scolarité est enregistrée.")).to_be_visible()
    row = Schooling.objects.get(person=ana)
    assert (row.level, row.school, row.commune_id, row.mediation) == (
        SchoolLevel.ELEMENTAIRE,
        "École Jean-Jaurès",
        "93048",
        True,
    )

    phone.get_by_role("link", name="Ménage").click()
    block = phone.get_by_role("region", name="Scolarité des enfants 2 enfants")
    expect(block.get_by_text("Élémentaire — École Jean-Jaurès, Montreuil")).to_be_visible()
    expect(block.get_by_text("Médiation scolaire")).to_be_visible()
    expect(block.get_by_text("Scolarité non renseignée")).to_be_hidden()
