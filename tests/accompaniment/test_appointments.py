"""Appointments (issue 9): booking from a person's file, what the form refuses, the status
after the day, who may see and change them (per persona, GET and POST), the timeline, and the
slip in the person's language."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment import services_appointments as services
from accompaniment.appointments import SLIP_TO_BRING, slip_date, slip_language
from accompaniment.models import Appointment, AppointmentStatus, ToBring
from beneficiaries import services as beneficiaries_services
from mia.models import AuditEntry, OrganisationKind
from tests.beneficiaries.factories import PersonFactory
from tests.conftest import PERSONAS
from tests.mia.factories import OrganisationFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture
def caf(db):
    return OrganisationFactory(
        name="CAF de la Seine-Saint-Denis",
        kind=OrganisationKind.STATE_SERVICE,
        address="2 avenue de la République, 93000 Bobigny",
        phone="3230",
    )


def book(person, by, **changes):
    fields = {
        "date": TOMORROW,
        "time": datetime.time(14, 30),
        "place": "office",
    } | changes
    return services.appointment_create(person=person, by=by, **fields)


def _form(**changes):
    return {
        "date": TOMORROW.isoformat(),
        "time": "14:30",
        "duration_minutes": "60",
        "place": "partner",
    } | changes


# --- Booking -------------------------------------------------------------------------------------


def test_a_worker_books_an_appointment_at_a_partner_s_office(login_as, person, referent, caf):
    client = login_as("referent")
    url = reverse("accompaniment:appointment_create", args=[person.pk])

    page = client.get(url)
    response = client.post(
        url,
        _form(
            partner=caf.pk,
            contact="Mme Diallo, accueil",
            pathway="rights",
            to_bring=["identity", "caf"],
            worker=referent.pk,
            purpose="Ouverture des droits RSA",
        ),
    )

    assert page.status_code == 200
    assert 'name="to_bring"' in page.content.decode() and 'type="checkbox"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("accompaniment:person_appointments", args=[person.pk])
    appointment = Appointment.objects.get()
    assert (appointment.date, appointment.time, appointment.partner) == (
        TOMORROW,
        datetime.time(14, 30),
        caf,
    )
    # The address left empty is the partner's; whoever books follows it.
    assert appointment.address == "2 avenue de la République, 93000 Bobigny"
    assert (appointment.worker, appointment.created_by) == (referent, referent)
    assert appointment.to_bring == ["identity", "caf"]
    assert appointment.organisation_id == person.organisation_id
    listing = client.get(response["Location"]).content.decode()
    assert "CAF de la Seine-Saint-Denis" in listing
    assert "14:30" in listing


def test_the_address_defaults_from_the_place(person, referent, association, site):
    association.address = "12 rue Gabriel-Péri, 93200 Saint-Denis"
    association.save()
    site.address = "Chemin du Canal"
    site.save()

    office = book(person, referent, place="office")
    on_site = book(person, referent, place="site")
    typed = book(person, referent, place="office", address="Salle 3, 1er étage")

    assert office.address == "12 rue Gabriel-Péri, 93200 Saint-Denis"
    assert on_site.address == f"Chemin du Canal, {site.commune.name}"
    assert typed.address == "Salle 3, 1er étage"


def test_an_appointment_in_the_past_cannot_be_booked(login_as, person, referent):
    client = login_as("referent")
    yesterday = TODAY - datetime.timedelta(days=1)

    response = client.post(
        reverse("accompaniment:appointment_create", args=[person.pk]),
        _form(date=yesterday.isoformat(), place="office", worker=referent.pk),
    )

    assert response.status_code == 200
    assert "ne peut pas être pris dans le passé" in response.content.decode()
    assert not Appointment.objects.exists()


def test_past_means_past_in_paris(person, referent):
    """An hour ago, Paris time, is in the past whatever the server's clock says."""
    an_hour_ago = timezone.now().astimezone(PARIS) - datetime.timedelta(hours=1)
    in_an_hour = timezone.now().astimezone(PARIS) + datetime.timedelta(hours=1)

    with pytest.raises(ValidationError, match="dans le passé"):
        book(person, referent, date=an_hour_ago.date(), time=an_hour_ago.time())
    booked = book(person, referent, date=in_an_hour.date(), time=in_an_hour.time())

    assert services.starts_at(booked.date, booked.time).utcoffset() in (
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=2),
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"place": ""}, "place", "Choisissez le lieu."),
        ({"place": "partner"}, "partner", "Choisissez le partenaire."),
        ({"date": ""}, "date", "Choisissez la date."),
        ({"time": ""}, "time", "Choisissez l'heure."),
        ({"to_bring": ["passport_of_the_neighbour"]}, "to_bring", "choix valide"),
    ],
)
def test_the_form_says_what_is_missing(login_as, person, referent, changes, field, message):
    response = login_as("referent").post(
        reverse("accompaniment:appointment_create", args=[person.pk]),
        _form(worker=referent.pk) | changes,
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Le formulaire contient" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_worker_is_one_of_the_team(login_as, person, outsider, manager):
    for stranger in (outsider, manager):
        response = login_as("referent").post(
            reverse("accompaniment:appointment_create", args=[person.pk]),
            _form(place="office", worker=stranger.pk),
        )

        assert response.status_code == 200
        assert "worker" in response.context["form"].errors
    assert not Appointment.objects.exists()


def test_a_colleague_may_book_it_for_the_referent(login_as, person, referent, colleague):
    response = login_as("colleague").post(
        reverse("accompaniment:appointment_create", args=[person.pk]),
        _form(place="office", worker=referent.pk),
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.worker, appointment.created_by) == (referent, colleague)


def test_no_appointment_for_someone_who_left_the_programme(person, referent):
    beneficiaries_services.person_exit(person=person, on=TODAY, reason="moved_away", by=referent)
    person.refresh_from_db()

    with pytest.raises(ValidationError, match="sortie du programme"):
        book(person, referent)


# --- Editing and status ------------------------------------------------------------------------


def _past(person, referent, **changes) -> Appointment:
    """An appointment that took place last week (created as an import would: the past is
    refused at booking)."""
    fields = {
        "organisation": person.organisation,
        "person": person,
        "worker": referent,
        "created_by": referent,
        "date": TODAY - datetime.timedelta(days=7),
        "time": datetime.time(9, 0),
        "place": "office",
    }
    return Appointment.objects.create(**fields | changes)


def test_status_buttons_after_the_appointment(login_as, person, referent):
    past = _past(person, referent)
    client = login_as("referent")
    url = reverse("accompaniment:appointment_edit", args=[past.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"status": "done"})

    assert 'value="done"' in page and 'value="missed"' in page and 'value="cancelled"' in page
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == AppointmentStatus.DONE
    client.post(url, {"status": "missed"})
    past.refresh_from_db()
    assert past.status == AppointmentStatus.MISSED


def test_a_future_appointment_is_cancelled_not_honoured(login_as, person, referent):
    upcoming = book(person, referent)
    client = login_as("referent")
    url = reverse("accompaniment:appointment_edit", args=[upcoming.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, {"status": "done"}, follow=True)

    assert 'value="done"' not in page and 'value="cancelled"' in page
    assert "ne peut pas être déclaré honoré" in refused.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.status == AppointmentStatus.PLANNED
    client.post(url, {"status": "cancelled"})
    upcoming.refresh_from_db()
    assert upcoming.status == AppointmentStatus.CANCELLED
    assert client.post(url, {"status": "archived"}).status_code == 404


def test_an_appointment_is_moved_but_never_into_the_past(login_as, person, referent):
    upcoming = book(person, referent)
    client = login_as("referent")
    url = reverse("accompaniment:appointment_edit", args=[upcoming.pk])
    later = TODAY + datetime.timedelta(days=3)

    moved = client.post(url, _form(date=later.isoformat(), place="office", worker=referent.pk))
    refused = client.post(
        url,
        _form(
            date=(TODAY - datetime.timedelta(days=2)).isoformat(),
            place="office",
            worker=referent.pk,
        ),
    )

    assert moved.status_code == 302
    assert refused.status_code == 200
    assert "dans le passé" in refused.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.date == later


def test_a_past_appointment_is_still_corrected(login_as, person, referent):
    past = _past(person, referent)

    response = login_as("referent").post(
        reverse("accompaniment:appointment_edit", args=[past.pk]),
        _form(
            date=past.date.isoformat(),
            time="09:00",
            place="office",
            contact="Accueil",
            worker=referent.pk,
        ),
    )

    assert response.status_code == 302
    past.refresh_from_db()
    assert past.contact == "Accueil"


def test_the_list_shows_upcoming_first_then_past(login_as, person, referent):
    past = _past(person, referent)
    later = book(person, referent, date=TODAY + datetime.timedelta(days=9), contact="B")
    soon = book(person, referent, contact="A")
    cancelled = book(person, referent, date=TODAY + datetime.timedelta(days=4))
    services.appointment_set_status(appointment=cancelled, by=referent, status="cancelled")

    response = login_as("referent").get(
        reverse("accompaniment:person_appointments", args=[person.pk])
    )

    assert response.context["upcoming"] == [soon, later]
    assert response.context["past"] == [cancelled, past]
    html = response.content.decode()
    assert reverse("accompaniment:appointment_create", args=[person.pk]) in html
    assert "2 rendez-vous à venir" in html
    assert "2 rendez-vous passés ou annulés" in html


# --- Who may -----------------------------------------------------------------------------------

HIDDEN = 404
#               anon  ref  coll coord mgr  adm  partner w/o  outsider
PAGE_CELLS = (302, 200, 200, 200, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)
FEED_PAGE_CELLS = (302, 200, 200, 200, 403, 403, 403, 403, 200)
PAGES = {
    "accompaniment:person_appointments": ("person", PAGE_CELLS),
    "accompaniment:appointment_create": ("person", PAGE_CELLS),
    "accompaniment:appointment_edit": ("appointment", PAGE_CELLS),
    "accompaniment:appointment_slip": ("appointment", PAGE_CELLS),
    "accompaniment:calendar_feed_settings": (None, FEED_PAGE_CELLS),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_opens_the_appointment_pages(login_as, files, persona):
    """Each page in turn for one persona (GETs change nothing): a failure names the page."""
    index = PERSONAS.index(persona)
    client = login_as(persona)
    for route, (kind, cells) in PAGES.items():
        expected = cells[index]

        response = client.get(reverse(route, args=[files[kind].pk] if kind else []))

        assert response.status_code == expected, route
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login")), route
        if expected != 200:
            assert files["person"].last_name not in response.content.decode(), route


# Changing the status: a POST of its own on the edit page.
STATUS_CELLS = ("login", "cancelled", "cancelled", "cancelled", 404, 404, 404, 404, 404)


@pytest.mark.parametrize(
    ("persona", "expected"), list(zip(PERSONAS, STATUS_CELLS, strict=True)), ids=PERSONAS
)
def test_who_cancels_an_appointment(login_as, files, persona, expected):
    appointment = files["appointment"]

    response = login_as(persona).post(
        reverse("accompaniment:appointment_edit", args=[appointment.pk]), {"status": "cancelled"}
    )

    appointment.refresh_from_db()
    if expected == "login":
        assert response["Location"].startswith(reverse("account_login"))
        assert appointment.status == "planned"
    elif expected == "cancelled":
        assert response.status_code == 302
        assert appointment.status == "cancelled"
    else:
        assert response.status_code == expected
        assert appointment.status == "planned"


def test_another_association_s_worker_books_nothing_here(login_as, files, outsider):
    response = login_as("outsider").post(
        reverse("accompaniment:appointment_create", args=[files["person"].pk]),
        _form(place="office", worker=outsider.pk),
    )

    assert response.status_code == 404
    assert Appointment.objects.count() == 1


def test_the_pages_are_audited(login_as, files, referent):
    appointment = files["appointment"]
    before = AuditEntry.objects.count()

    login_as("referent").get(reverse("accompaniment:appointment_slip", args=[appointment.pk]))

    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.user, entry.person_id, entry.section) == (referent, files["person"].pk, "slip")


# --- Timeline ----------------------------------------------------------------------------------


def test_appointments_appear_in_the_person_s_and_the_household_s_timelines(
    login_as, person, referent, caf
):
    book(person, referent, place="partner", partner=caf, purpose="Dossier RSA")
    past = _past(person, referent, status="missed")
    client = login_as("referent")

    for url in (
        reverse("beneficiaries:person_timeline", args=[person.pk]),
        reverse("beneficiaries:household_timeline", args=[person.household_id]),
    ):
        html = client.get(url).content.decode()

        assert "Rendez-vous à 14:30 — CAF de la Seine-Saint-Denis" in html
        assert "Rendez-vous à 09:00 — Au bureau de l&#x27;association (non honoré)" in html
        assert "Dossier RSA" in html
        assert reverse("accompaniment:appointment_edit", args=[past.pk]) in html


def test_managers_do_not_read_the_team_s_diary_in_the_timeline(login_as, person, referent, caf):
    book(person, referent, place="partner", partner=caf, purpose="Dossier RSA")

    response = login_as("manager").get(reverse("beneficiaries:person_timeline", args=[person.pk]))

    assert response.status_code == 200
    assert "CAF de la Seine-Saint-Denis" not in response.content.decode()


# --- The slip ----------------------------------------------------------------------------------


def test_the_slip_speaks_the_person_s_language(login_as, person, referent, caf, association):
    association.phone = "01 48 00 00 00"
    association.save()
    person.languages = ["rom", "ro", "fr"]
    person.save()
    appointment = book(
        person,
        referent,
        date=datetime.date(TODAY.year + 1, 3, 6),
        place="partner",
        partner=caf,
        contact="Mme Diallo",
        to_bring=["identity", "domiciliation"],
        purpose="Dossier RSA confidentiel",
    )
    client = login_as("referent")
    url = reverse("accompaniment:appointment_slip", args=[appointment.pk])

    romanian = client.get(url).content.decode()
    bulgarian = client.get(url, {"langue": "bg"}).content.decode()
    french = client.get(url, {"langue": "fr"}).content.decode()

    assert "Programarea dumneavoastră" in romanian
    assert "Buletin (carte de identitate) sau pașaport" in romanian
    assert "martie" in romanian and "14:30" in romanian
    assert "Mme Diallo" in romanian and "2 avenue de la République" in romanian
    assert "01 48 00 00 00" in romanian
    assert "Вашата среща" in bulgarian and "Лична карта или паспорт" in bulgarian
    assert "март" in bulgarian
    assert "Votre rendez-vous" in french and "Pièce d'identité ou passeport" in french.replace(
        "&#x27;", "'"
    )
    for html in (romanian, bulgarian, french):
        slip = html[html.index('<article class="slip') :]
        assert person.last_name not in slip, "no name on a paper that may be lost"
        assert "Dossier RSA" not in html, "the team's words stay the team's"
    # The page around the slip stays in the worker's language.
    assert "Fiche de rendez-vous" in romanian and 'lang="ro"' in romanian


@pytest.mark.parametrize(
    ("languages", "asked", "expected"),
    [
        ([], None, "fr"),
        (["fr"], None, "fr"),
        (["rom", "bg"], None, "bg"),
        (["fr", "ro"], None, "ro"),
        (["ro"], "fr", "fr"),
        (["ro"], "de", "ro"),
        (["bg"], "", "bg"),
    ],
)
def test_the_slip_s_language(languages, asked, expected):
    assert slip_language(PersonFactory.build(languages=languages), asked) == expected


def test_slip_dates_read_as_each_language_writes_them():
    from django.utils import translation

    friday = datetime.date(2027, 10, 1)
    with translation.override("fr"):
        assert slip_date(friday) == "vendredi 1er octobre 2027"
    with translation.override("ro"):
        assert slip_date(friday) == "vineri, 1 octombrie 2027"
    with translation.override("bg"):
        assert slip_date(friday) == "петък, 1 октомври 2027 г."


def test_every_paper_has_its_slip_label():
    assert set(SLIP_TO_BRING) == set(ToBring.values)


# --- Query budget ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_the_same_whatever_its_length(
    login_as, person, referent, caf, django_assert_num_queries, count
):
    for day in range(count):
        book(
            person,
            referent,
            date=TODAY + datetime.timedelta(days=day + 1),
            partner=caf,
            place="partner",
        )
        _past(person, referent, date=TODAY - datetime.timedelta(days=day + 1))
    client = login_as("referent")
    url = reverse("accompaniment:person_appointments", args=[person.pk])
    client.get(url)

    # session, user, person, upcoming (with partner and worker), past (likewise), the audit
    # INSERT.
    with django_assert_num_queries(BUDGET):
        client.get(url)


BUDGET = 6
