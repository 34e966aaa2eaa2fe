"""A follow-up form posted again (a phone on a poor network resends, a double tap, a draft sent
once more after the answer was lost) saves one follow-up: the form carries a one-time token,
and every copy of the post gets the answer of the first."""

import contextlib
import datetime
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment.models import FollowUp, Task
from beneficiaries import services as beneficiaries_services
from tests.accompaniment.factories import FollowUpFactory
from tests.beneficiaries.factories import PersonFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

TODAY = timezone.localdate()
DRAFTS = "Object.keys(localStorage).filter((key) => key.startsWith('mia-draft:'))"
TOKEN = re.compile(r'<input type="hidden" name="token" value="([^"]*)"')


@pytest.fixture
def sister(person, household, referent):
    return beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Ioana", last_name="Ionescu", household=household, relationship="sibling"
        ),
    )


def _url(person) -> str:
    return reverse("accompaniment:followup_create", args=[person.pk])


def _token(client, person) -> str:
    html = client.get(_url(person)).content.decode()
    (token,) = TOKEN.findall(html)
    return token


def _form(person, token: str, **changes) -> dict:
    return {
        "date": TODAY.isoformat(),
        "place": "on_site",
        "participants": [person.pk],
        "pathways": ["rights", "housing"],
        "note": "Dossier CSS déposé.",
        "token": token,
        **changes,
    }


def test_three_identical_posts_save_one_follow_up_and_each_looks_saved(
    login_as, referent, person, sister
):
    client = login_as("referent")
    form = _form(
        person,
        _token(client, person),
        participants=[person.pk, sister.pk],
        next_step="Rappeler la CPAM",
        next_step_due=(TODAY + datetime.timedelta(days=3)).isoformat(),
    )

    responses, pages = [], []
    for _ in range(3):
        responses.append(client.post(_url(person), form))
        pages.append(client.get(responses[-1]["Location"]).content.decode())

    assert [response.status_code for response in responses] == [302, 302, 302]
    assert {response["Location"] for response in responses} == {
        reverse("beneficiaries:person_detail", args=[person.pk])
    }
    for page in pages:
        assert "L'entretien est enregistré, et la prochaine étape ajoutée à vos tâches." in (
            page.replace("&#x27;", "'")
        )
        assert f'data-draft-saved="followup:{person.pk}"' in page, "the draft is forgotten"
    follow_up = FollowUp.objects.get()
    assert str(follow_up.token) == form["token"]
    assert sorted(follow_up.participants.values_list("pk", flat=True)) == [person.pk, sister.pk]
    assert follow_up.pathways == ["rights", "housing"]
    assert FollowUp.participants.through.objects.count() == 2
    assert Task.objects.get().follow_up == follow_up, "one next step, not three"


def test_a_resend_keeps_what_the_first_post_saved(login_as, person, sister):
    client = login_as("referent")
    token = _token(client, person)
    first = client.post(_url(person), _form(person, token, participants=[person.pk, sister.pk]))

    # A draft edited after its answer was lost: the follow-up already exists; it is corrected
    # from its own page, never duplicated.
    again = client.post(_url(person), _form(person, token, note="Autre chose.", pathways=[]))

    assert again.status_code == 302 and again["Location"] == first["Location"]
    follow_up = FollowUp.objects.get()
    assert (follow_up.note, follow_up.pathways) == ("Dossier CSS déposé.", ["rights", "housing"])
    assert set(follow_up.participants.all()) == {person, sister}


def test_every_form_shown_has_a_token_of_its_own(login_as, person):
    client = login_as("referent")

    first, second = _token(client, person), _token(client, person)

    assert first != second
    assert uuid.UUID(first) and uuid.UUID(second)


def test_two_forms_make_two_follow_ups_and_a_form_sent_back_keeps_its_token(login_as, person):
    client = login_as("referent")
    first, second = _token(client, person), _token(client, person)

    shown_again = client.post(_url(person), _form(person, first, place=""))
    client.post(_url(person), _form(person, first))
    client.post(_url(person), _form(person, second))

    assert shown_again.status_code == 200
    assert TOKEN.findall(shown_again.content.decode()) == [first]
    assert sorted(str(token) for token in FollowUp.objects.values_list("token", flat=True)) == (
        sorted([first, second])
    )


def test_a_page_opened_before_the_tokens_still_saves(login_as, person):
    client = login_as("referent")

    for _ in range(2):
        client.post(_url(person), _form(person, ""))

    assert FollowUp.objects.filter(token=None).count() == 2


def test_a_correction_carries_no_token(login_as, referent, person):
    follow_up = FollowUpFactory(person=person, author=referent)

    html = login_as("referent").get(reverse("accompaniment:followup_edit", args=[follow_up.pk]))

    assert TOKEN.findall(html.content.decode()) == []


@pytest.mark.parametrize("who", ["colleague", "other_person"])
def test_a_token_already_used_elsewhere_saves_nothing(login_as, referent, person, sister, who):
    used = FollowUpFactory(person=person, author=referent, token=uuid.uuid4())
    target = sister if who == "other_person" else person
    client = login_as("referent" if who == "other_person" else "colleague")

    response = client.post(_url(target), _form(target, str(used.token)))

    assert response.status_code == 200
    assert "Ce formulaire a déjà été envoyé. Rechargez la page." in response.content.decode()
    assert list(FollowUp.objects.all()) == [used]


def test_a_tampered_token_is_a_form_error(login_as, person):
    response = login_as("referent").post(_url(person), _form(person, "pas-un-jeton"))

    assert response.status_code == 200
    assert "Ce formulaire n&#x27;est plus valable : rechargez la page." in (
        response.content.decode()
    )
    assert not FollowUp.objects.exists()


# --- At the same instant -----------------------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# SQLite's shared in-memory test database refuses a second writer ("table is locked") instead
# of making it wait: there, the copies go in one after the other.
ONE_AT_A_TIME = threading.Lock()


def _post(client: Client, url: str, form: dict, ready: threading.Barrier | None = None):
    """POST from a thread of its own, so with a database connection of its own."""
    try:
        if ready:
            ready.wait(timeout=10)
        with ONE_AT_A_TIME if connection.vendor == "sqlite" else contextlib.nullcontext():
            return client.post(url, form)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_copies_posted_at_the_same_instant_save_one(referent, person, sister):
    form = _form(person, str(uuid.uuid4()), participants=[person.pk, sister.pk])
    clients = [_signed_in(referent), _signed_in(referent)]
    ready = threading.Barrier(len(clients))

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        sent = [pool.submit(_post, client, _url(person), form, ready) for client in clients]
        responses = [future.result(timeout=30) for future in sent]

    assert [response.status_code for response in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    follow_up = FollowUp.objects.get()
    assert FollowUp.participants.through.objects.filter(followup=follow_up).count() == 2


def _wait_for_an_insert_to_wait_for_a_lock() -> None:
    for _ in range(200):
        with connection.cursor() as cursor:
            # The statistics views are read once per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT%%'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the second copy never reached its INSERT")


@pytest.mark.django_db(transaction=True)
def test_the_copy_that_loses_the_race_answers_like_the_one_that_won(referent, person):
    """The other copy's row is written but not committed when this one looks for it: this one
    inserts too, waits for the other's commit, then meets the unique constraint."""
    token = uuid.uuid4()
    client = _signed_in(referent)

    with ThreadPoolExecutor(max_workers=1) as pool:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                FollowUpFactory(person=person, author=referent, token=token)
                sent = pool.submit(_post, client, _url(person), _form(person, str(token)))
                _wait_for_an_insert_to_wait_for_a_lock()
        else:
            # SQLite lets one writer in at a time: the second copy finds the first's row.
            FollowUpFactory(person=person, author=referent, token=token)
            sent = pool.submit(_post, client, _url(person), _form(person, str(token)))
        response = sent.result(timeout=30)

    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])
    assert FollowUp.objects.get().token == token


# --- In the browser ----------------------------------------------------------------------------


def _send_and_lose_the_answer(page, url: str) -> None:
    """The post reaches the server, which saves it; its answer never reaches the phone."""

    def lose_the_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        route.fetch()
        return route.abort()

    page.route(url, lose_the_answer)
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Enregistrer").click()
    page.unroute(url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_draft_sent_again_after_a_lost_answer_is_recognised(live_server, phone, referent, person):  # noqa: F811
    log_in(phone, live_server, referent.email, PASSWORD)
    url = f"{live_server.url}{_url(person)}"
    phone.goto(url)
    phone.wait_for_load_state()
    phone.get_by_text("Au bureau").click()
    phone.get_by_label("Note").fill("Attestation CSS remise.")
    _send_and_lose_the_answer(phone, url)
    assert FollowUp.objects.count() == 1

    # Later, the form again: the draft comes back with the token of the form that was sent.
    phone.goto(url)
    expect(phone.get_by_text("Brouillon restauré")).to_be_visible()
    phone.get_by_role("button", name="Enregistrer").click()

    expect(phone.get_by_text("L'entretien est enregistré")).to_be_visible()
    assert FollowUp.objects.count() == 1
    phone.wait_for_load_state("load")  # the page's scripts have run
    assert phone.evaluate(DRAFTS) == [], "the saved draft is forgotten"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_discarded_draft_leaves_a_new_form(live_server, phone, referent, person):  # noqa: F811
    log_in(phone, live_server, referent.email, PASSWORD)
    url = f"{live_server.url}{_url(person)}"
    phone.goto(url)
    phone.wait_for_load_state()
    phone.get_by_text("Au bureau").click()
    phone.get_by_label("Note").fill("Attestation CSS remise.")
    _send_and_lose_the_answer(phone, url)

    # The worker does not recognise the draft and starts another follow-up instead.
    phone.goto(url)
    phone.get_by_role("button", name="Effacer le brouillon").click()
    phone.get_by_text("Par téléphone").click()
    phone.get_by_label("Note").fill("Rendez-vous CAF fixé.")
    phone.get_by_role("button", name="Enregistrer").click()

    expect(phone.get_by_text("L'entretien est enregistré")).to_be_visible()
    assert sorted(FollowUp.objects.values_list("note", flat=True)) == [
        "Attestation CSS remise.",
        "Rendez-vous CAF fixé.",
    ]
