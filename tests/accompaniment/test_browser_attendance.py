# ruff: noqa: F811 (the fixtures imported from tests.browser and french_world are arguments)
"""A trainer on a 390 px phone opens today's class of their course and takes attendance by
tapping learners: 30 learners fit on the screen, each a 44 px target; the count of learners
present follows each tap. Without JavaScript, each tap posts its form and the page comes back
with the same count."""

import re

import pytest
from playwright.sync_api import expect

from accompaniment.models import Attendance, ClassSession
from tests.accompaniment.french_world import (  # noqa: F401 (fixtures)
    MONDAY,
    course,
    enrol,
    new_person,
    past_weekday,
    provider,
    share_french,
    trainer,
)
from tests.browser import CHROMIUM_ARGS, PHONE, browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEARNERS = 30


@pytest.fixture
def class_of_30(course, person, household, referent, provider):
    """`person` (Ștefan Ionescu) and 29 others enrolled; Ștefan and every other third one
    shared their French with the provider."""
    people = [person] + [
        new_person(
            referent, household, first_name=f"Prenom{index:02d}", last_name=f"Nom{index:02d}"
        )
        for index in range(LEARNERS - 1)
    ]
    for index, one in enumerate(people):
        enrol(course, one, referent)
        if index % 3 == 0:
            share_french(one, provider, referent)
    return people


def test_a_trainer_takes_attendance_on_a_phone(live_server, phone, trainer, course, class_of_30):
    day = past_weekday(MONDAY)
    log_in(phone, live_server, trainer.email, PASSWORD)

    phone.goto(f"{live_server.url}/francais/cours/")
    phone.get_by_role("link", name="ASL du Centre social").click()
    expect(phone.get_by_role("heading", name="ASL du Centre social")).to_be_visible()
    phone.get_by_label("Date de la séance").fill(day.isoformat())
    phone.get_by_role("button", name="Ouvrir la feuille de présence").click()

    expect(phone.locator("#compte-presents")).to_have_text(re.compile(r"^0 présent·es?$"))
    session = ClassSession.objects.get()
    assert (session.date, session.course) == (day, course)
    buttons = phone.locator("ul.sheet button.tick")
    expect(buttons).to_have_count(LEARNERS)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    boxes = [buttons.nth(index).bounding_box() for index in range(LEARNERS)]
    assert min(box["height"] for box in boxes) >= 44
    assert min(box["width"] for box in boxes) >= 44
    # The whole class on one screen: from the first learner to the last, less than its height.
    top, bottom = boxes[0]["y"], max(box["y"] + box["height"] for box in boxes)
    assert bottom - top < PHONE["height"] - 200, f"{bottom - top:.0f} px"
    # Ștefan shared his French with the trainer's organisation: his name shows; a learner who
    # did not is a number.
    expect(phone.get_by_role("button", name="Ștefan Ionescu")).to_be_visible()
    hidden = class_of_30[1]
    expect(phone.get_by_text(f"n° {hidden.pk}", exact=True)).to_be_visible()
    expect(phone.get_by_text("Nom00")).to_have_count(0)

    phone.get_by_role("button", name="Ștefan Ionescu").tap()
    expect(phone.locator("#compte-presents")).to_have_text("1 présent·e")
    phone.locator(f"#apprenant-{hidden.pk} button").tap()
    phone.locator(f"#apprenant-{class_of_30[3].pk} button").tap()
    expect(phone.locator("#compte-presents")).to_have_text("3 présent·es")
    expect(phone.locator(f"#apprenant-{hidden.pk} button")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Tapped again: absent.
    phone.locator(f"#apprenant-{hidden.pk} button").tap()
    expect(phone.locator("#compte-presents")).to_have_text("2 présent·es")
    expect(phone.locator(f"#apprenant-{hidden.pk} button")).to_have_class("tick absent")

    assert dict(Attendance.objects.values_list("person_id", "present")) == {
        class_of_30[0].pk: True,
        hidden.pk: False,
        class_of_30[3].pk: True,
    }
    phone.reload()
    expect(phone.locator("#compte-presents")).to_have_text("2 présent·es")


def test_the_sheet_works_without_javascript(live_server, browser, referent, course, class_of_30):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, referent.email, PASSWORD)
    page.goto(f"{live_server.url}/francais/cours/{course.pk}/")
    page.get_by_label("Date de la séance").fill(past_weekday(MONDAY).isoformat())
    page.get_by_role("button", name="Ouvrir la feuille de présence").click()

    page.get_by_role("button", name="Ștefan Ionescu").tap()

    expect(page.locator("#compte-presents")).to_have_text("1 présent·e")
    expect(page.get_by_role("button", name="Ștefan Ionescu")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.url.endswith(f"#apprenant-{class_of_30[0].pk}")
    context.close()
