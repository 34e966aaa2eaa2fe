"""A social worker on a 390 px phone logs a follow-up with a next step from the person's file,
comes back to the file and sees where the accompaniment stands at the top of it: the last
contact today, the follow-up first, the open task, within the first two screen heights."""

import datetime

import pytest
from django.utils import formats, timezone
from playwright.sync_api import expect

from accompaniment.models import Task
from tests.browser import PHONE, browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_file_shows_the_follow_up_just_logged(live_server, phone, referent, person):  # noqa: F811
    today = timezone.localdate()
    due = today + datetime.timedelta(days=3)
    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}/personnes/{person.pk}/")
    summary = phone.get_by_role("region", name="Où en est l'accompagnement")
    expect(summary.get_by_text("Aucun entretien enregistré.", exact=True)).to_be_visible()
    expect(summary.get_by_text("Pas encore d'entretien : à rencontrer.")).to_be_visible()

    phone.get_by_role("link", name="Entretien", exact=True).click()
    expect(phone.get_by_role("heading", name="Entretien — Ștefan Ionescu")).to_be_visible()
    phone.wait_for_load_state()
    phone.get_by_text("Sur le lieu de vie").click()
    phone.get_by_text("Accès aux droits").click()
    phone.get_by_label("Note").fill("Dossier CSS déposé.\nL'attestation arrive par courrier.")
    phone.get_by_label("Prochaine étape").fill("Récupérer l'attestation CSS")
    phone.get_by_label("Pour le").fill(due.isoformat())
    phone.get_by_role("button", name="Enregistrer").click()

    # Back on the file, the summary first.
    expect(phone).to_have_url(f"{live_server.url}/personnes/{person.pk}/")
    expect(phone.get_by_text("L'entretien est enregistré")).to_be_visible()
    follow_ups = summary.get_by_role("region", name="Derniers entretiens")
    date = formats.date_format(today, "j F Y")
    expect(follow_ups.get_by_text(f"Dernier contact le {date}.")).to_be_visible()
    expect(follow_ups.get_by_text("1 entretien", exact=True)).to_be_visible()
    first = follow_ups.locator("li").first
    expect(first).to_contain_text(today.strftime("%d/%m/%Y"))
    expect(first).to_contain_text("Sur le lieu de vie")
    expect(first).to_contain_text("Accès aux droits")
    expect(first).to_contain_text("Dossier CSS déposé.")
    expect(first).not_to_contain_text("L'attestation arrive par courrier")
    tasks = summary.get_by_role("region", name="Tâches à faire")
    task = tasks.locator("li").first
    expect(task).to_contain_text("Récupérer l'attestation CSS")
    expect(task).to_contain_text(due.strftime("%d/%m/%Y"))
    expect(summary.get_by_text("Pas encore d'entretien : à rencontrer.")).to_have_count(0)
    assert Task.objects.get().person == person

    # Phone first: nothing wider than the screen, the summary within two screen heights.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for row in (first, task):
        box = row.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 2 * PHONE["height"], box
    follow_ups.get_by_role("link", name="Tout l'historique").click()
    expect(phone.get_by_text("Dossier CSS déposé.")).to_be_visible()
