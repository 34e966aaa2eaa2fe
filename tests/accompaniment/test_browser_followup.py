"""A social worker on a 390 px phone logs a follow-up from the caseload with a next step, then
finds it in "my week"; what is typed survives a reload, and is forgotten once saved or at
logout."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment.models import FollowUp, Task
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFTS = "Object.keys(localStorage).filter((key) => key.startsWith('mia-draft:'))"


def test_follow_up_with_a_next_step_from_the_caseload(live_server, phone, referent, person):  # noqa: F811
    today = timezone.localdate()
    due = min(today + datetime.timedelta(days=1), today + datetime.timedelta(6 - today.weekday()))
    log_in(phone, live_server, referent.email, PASSWORD)

    expect(phone.get_by_role("heading", name="Ma semaine")).to_be_visible()
    caseload = phone.locator("#caseload-list")
    caseload.get_by_role("link", name="Entretien : Ștefan Ionescu").click()
    expect(phone.get_by_role("heading", name="Entretien — Ștefan Ionescu")).to_be_visible()
    # The heading shows before the deferred draft script runs: typing earlier saves nothing.
    phone.wait_for_load_state()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The note is kept in the browser as it is typed: a reload (a lost connection) loses nothing.
    phone.get_by_label("Note").fill("Dossier CSS déposé, attestation à récupérer.")
    phone.reload()
    expect(phone.get_by_text("Brouillon restauré")).to_be_visible()
    expect(phone.get_by_label("Note")).to_have_value("Dossier CSS déposé, attestation à récupérer.")
    assert phone.evaluate(DRAFTS) == [f"mia-draft:followup:{person.pk}"], "an id, never a name"

    phone.get_by_text("Sur le lieu de vie").click()
    phone.get_by_text("Accès aux droits").click()
    phone.get_by_label("Prochaine étape").fill("Récupérer l'attestation CSS")
    phone.get_by_label("Pour le").fill(due.isoformat())
    phone.get_by_role("button", name="Enregistrer").click()

    expect(phone).to_have_url(f"{live_server.url}/")
    expect(phone.get_by_text("L'entretien est enregistré")).to_be_visible()
    # Due today or later this week: in the section of "my week" that holds it, opened.
    tasks = phone.locator("details.week-section", has_text="Récupérer l'attestation CSS")
    if not tasks.evaluate("(section) => section.open"):
        tasks.locator("summary").click()
    expect(tasks.locator(".title", has_text="Récupérer l'attestation CSS")).to_be_visible()
    assert phone.evaluate(DRAFTS) == [], "the saved draft is forgotten"
    follow_up = FollowUp.objects.get()
    assert (follow_up.place, follow_up.pathways) == ("on_site", ["rights"])
    assert Task.objects.get().due_on == due

    tasks.get_by_role("button", name="Fait : Récupérer l'attestation CSS").click()
    expect(tasks.get_by_text("Fait", exact=True)).to_be_visible()
    assert Task.objects.get().done_on == today


def test_drafts_are_discarded_on_request_and_at_logout(live_server, phone, referent, person):  # noqa: F811
    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}/personnes/{person.pk}/entretien/")
    phone.get_by_label("Note").fill("Brouillon à effacer")
    phone.reload()

    phone.get_by_role("button", name="Effacer le brouillon").click()
    expect(phone.get_by_label("Note")).to_have_value("")
    assert phone.evaluate(DRAFTS) == []

    phone.get_by_label("Note").fill("Brouillon oublié à la déconnexion")
    phone.goto(f"{live_server.url}/")
    assert len(phone.evaluate(DRAFTS)) == 1
    phone.locator(".account-menu summary").click()
    phone.get_by_role("button", name="Se déconnecter").click()
    expect(phone.get_by_label("Mot de passe")).to_be_visible()
    assert phone.evaluate(DRAFTS) == []
