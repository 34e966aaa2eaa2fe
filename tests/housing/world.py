"""What housing's tests build on: households living on a site, with their members."""

import datetime

from beneficiaries import services
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory

TODAY = datetime.date.today()


def new_household(by, site, name: str, *, members: int = 2, on=None, entered_on=None):
    """A household on `site` since `on` (a stay), with `members` people entered on
    `entered_on`, the first its head."""
    household = services.household_create(
        by=by, household=HouseholdFactory.build(name=name, site=site), on=on
    )
    for index in range(members):
        services.person_create(
            by=by,
            person=PersonFactory.build(
                first_name=f"Membre{index}",
                last_name=name,
                household=household,
                relationship="head" if index == 0 else "child",
                entered_on=entered_on or datetime.date(2025, 3, 1),
            ),
        )
    return household
