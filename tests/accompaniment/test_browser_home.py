"""A social worker opens MIA on a 390×844 phone with a caseload the size of the demo's
(travailleur@demo.mia: 47 people, a week of tasks, plan steps and appointments): today's work is
the first thing on the screen, the page stays short, the caseload is searched as it is typed,
and "Entretien" opens the follow-up form."""

import datetime
import itertools

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompaniment.models import Appointment, AppointmentPlace
from beneficiaries import services
from beneficiaries.models import Person
from tests.accompaniment.factories import GoalFactory, StepFactory, TaskFactory
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.browser import PHONE, browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
LAST_NAMES = ["Ionescu", "Popescu", "Dumitru", "Stoica", "Kostova", "Petrov", "Lungu", "Radu"]
FIRST_NAMES = ["Elena", "Maria", "Ana", "Ioana", "Mihai", "Andrei", "Snejana", "Georgi", "Ion"]


@pytest.fixture
def demo_caseload(referent, site):
    """As the demo's travailleur: 47 people in 12 households, 7 tasks late or due today and 5
    later this week, 13 plan steps, 4 appointments, 10 people not seen for 4 weeks."""
    today = timezone.localdate()
    later = [min(today + n * DAY, today + (6 - today.weekday()) * DAY) for n in (1, 2, 3)]
    names = itertools.cycle(itertools.product(LAST_NAMES, FIRST_NAMES))
    households = [
        services.household_create(
            by=referent, household=HouseholdFactory.build(name=f"Famille {index}", site=site)
        )
        for index in range(12)
    ]
    people = []
    for index in range(47):
        last, first = next(names)
        if index == 5:
            last, first = "Zamfir", "Florin"  # the one the search looks for
        people.append(
            services.person_create(
                by=referent,
                person=PersonFactory.build(
                    first_name=first, last_name=last, household=households[index % 12]
                ),
            )
        )
    for index, person in enumerate(people):
        seen = today - (40 if index < 10 else index % 20) * DAY
        Person.objects.filter(pk=person.pk).update(last_contact_on=seen)
    for index, person in enumerate(people[:12]):
        due = today - (index % 4) * DAY if index < 7 else later[index % 3]
        TaskFactory(
            person=person, assigned_to=referent, title=f"Relancer la CAF {index}", due_on=due
        )
    for index, person in enumerate(people[12:25]):
        due = today - index * DAY if index < 9 else later[index % 3]
        StepFactory(
            goal=GoalFactory(person=person), title=f"Déposer le dossier {index}", due_on=due
        )
    for index, (person, day) in enumerate(
        zip(people[25:29], [today, today, *later[:2]], strict=True)
    ):
        Appointment.objects.create(
            organisation=person.organisation,
            person=person,
            worker=referent,
            date=day,
            time=datetime.time(9 + index, 30),
            place=AppointmentPlace.PARTNER,
            purpose="CCAS",
            created_by=referent,
        )
    return people


def test_today_first_a_short_page_and_a_caseload_searched_as_typed(
    live_server,
    phone,  # noqa: F811
    referent,
    demo_caseload,
):
    log_in(phone, live_server, referent.email, PASSWORD)
    expect(phone.get_by_role("heading", name="Ma semaine")).to_be_visible()

    # Today's section is the first, open, and on the first screen with its first rows.
    first = phone.locator("details.week-section").first
    expect(first.locator("summary")).to_contain_text("Aujourd'hui et en retard")
    expect(first).to_have_attribute("open", "")
    rows = first.locator(".week-rows > li")
    assert rows.count() == 7 + 9 + 2
    expect(rows.first).to_be_in_viewport()
    assert rows.first.bounding_box()["y"] < PHONE["height"]
    # One line per row, nothing wider than the phone, the whole page under 3,000 px.
    heights = rows.evaluate_all("(rows) => rows.map((row) => row.getBoundingClientRect().height)")
    assert max(heights) < 60, heights
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    caseload = phone.locator("#caseload-list .caseload-row")
    assert caseload.count() == 20, "a short first page"
    caseload_top = phone.locator("#portefeuille").bounding_box()["y"]
    assert caseload_top < 2000, caseload_top

    # Three letters typed: the list narrows in place, the page is not reloaded.
    phone.evaluate("window.stillHere = true")
    phone.get_by_label("Chercher dans mon portefeuille").press_sequentially("zam", delay=50)
    expect(caseload).to_have_count(1)
    expect(caseload.first).to_contain_text("Zamfir")
    assert phone.evaluate("window.stillHere") is True
    assert "zam" not in phone.url.lower(), "the typed name stays out of the address"

    caseload.first.get_by_role("link", name="Entretien : Florin Zamfir").click()
    expect(phone.get_by_role("heading", name="Entretien — Florin Zamfir")).to_be_visible()


def test_the_other_sections_open_on_a_tap(live_server, phone, referent, demo_caseload):  # noqa: F811
    log_in(phone, live_server, referent.email, PASSWORD)

    week = phone.locator("details.week-section").nth(1)
    to_see = phone.locator("details.week-section").nth(2)
    expect(week.locator(".week-rows")).to_be_hidden()
    week.locator("summary").click()
    expect(week.locator(".week-rows > li").first).to_be_visible()
    to_see.locator("summary").click()
    expect(to_see.locator("summary")).to_contain_text("10 personnes")
    expect(to_see.locator(".week-rows > li")).to_have_count(10)
