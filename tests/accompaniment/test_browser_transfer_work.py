import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment.models import Appointment
from tests.accompaniment.factories import TaskFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_transfer_carries_the_work_and_tells_the_new_referent(
    live_server,
    browser,  # noqa: F811
    phone,  # noqa: F811
    coordinator,
    referent,
    colleague,
    person,
):
    colleague.first_name, colleague.last_name = "Bruno", "Petit"
    colleague.save()
    today = timezone.localdate()
    TaskFactory(person=person, assigned_to=referent, due_on=today, title="Rappeler la CAF")
    Appointment.objects.create(
        organisation=person.organisation,
        person=person,
        worker=referent,
        date=today + datetime.timedelta(days=3),
        time=datetime.time(10, 0),
        place="office",
    )

    log_in(phone, live_server, coordinator.email, PASSWORD)
    phone.goto(f"{live_server.url}/coordination/transfert/?portee=personne&id={person.pk}")
    phone.get_by_label("Nouveau·elle référent·e").select_option(label="Bruno Petit")
    phone.get_by_role("button", name="Voir qui change de référent·e").click()
    expect(phone.get_by_role("heading", name="1 personne passera à Bruno Petit")).to_be_visible()
    expect(
        phone.get_by_text("Travail transmis : 1 tâche ouverte et 1 rendez-vous à venir.")
    ).to_be_visible()
    # The reason is required: the browser asks for it before sending.
    expect(phone.get_by_label("Motif du transfert")).to_have_attribute("required", "")
    phone.get_by_label("Motif du transfert").fill("Départ en congé")
    phone.get_by_role("button", name="Confirmer : confier 1 personne à Bruno Petit").click()
    expect(phone.get_by_text("1 personne est désormais suivie par Bruno Petit.")).to_be_visible()

    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = other.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, colleague.email, PASSWORD)
    bell = page.get_by_role("link", name="Notifications, 1 non lue")
    expect(bell).to_be_visible()
    bell.click()
    page.get_by_role(
        "button", name="Non lue : Le dossier de Ștefan Ionescu vous a été confié."
    ).click()
    expect(page.get_by_role("link", name="Notifications, aucune non lue")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Rappeler la CAF").first).to_be_visible()
    other.close()
