"""A site's resorption, as the State's Résorption-bidonvilles platform measures it: the people and
households who lived there, by the solution they got, derived from the placements recorded
(never typed); a site is resorbed when at least 66 % of its inhabitants got a lasting solution.

Who lived there: the households with a stay on the site (HouseholdStay), or living there now
without a recorded stay. Their people: the household's members. A household's solution: the
best of its placements that began on or after its first day on the site (a shelter before it
came is not the site's solution):

- permanent housing (a social or private lease);
- long-term shelter or adapted housing with support (CHRS, ALT, résidence sociale,
  intermediation, pension de famille, temporary support space/ETI, terrain d'insertion);
- temporary shelter (hotel via the 115, emergency shelter);
- other: no placement, and every member left the programme for another region or their
  country;
- none: no placement otherwise.

Lasting solutions are the first two. Three queries for any number of sites."""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import Min, Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import ExitReason, Household, HouseholdStay, Person
from housing.models import RUNG_OF, Placement, Rung

# At least this share of a site's inhabitants with a lasting solution: resorbed.
RESORBED_PERCENT = 66


class Solution:
    PERMANENT = "permanent"
    LASTING = "lasting"
    TEMPORARY = "temporary"
    NONE = "none"
    OTHER = "other"


SOLUTIONS = [
    (Solution.PERMANENT, _("Logement pérenne")),
    (Solution.LASTING, _("Hébergement durable ou logement adapté avec accompagnement (dont ETI)")),
    (Solution.TEMPORARY, _("Mise à l'abri temporaire")),
    (Solution.NONE, _("Aucune solution")),
    (Solution.OTHER, _("Autre (départ de la région, retour au pays)")),
]
LASTING_SOLUTIONS = (Solution.PERMANENT, Solution.LASTING)
SOLUTION_OF_RUNG = {
    Rung.PERMANENT: Solution.PERMANENT,
    Rung.INSERTION: Solution.LASTING,
    Rung.ADAPTED: Solution.LASTING,
    Rung.TEMPORARY: Solution.TEMPORARY,
}
# The best first.
RANK = {Solution.PERMANENT: 0, Solution.LASTING: 1, Solution.TEMPORARY: 2}
ELSEWHERE = {ExitReason.MOVED_AWAY, ExitReason.RETURNED}


@dataclasses.dataclass
class Count:
    code: str
    label: str
    households: int = 0
    people: int = 0
    household_ids: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Resorption:
    site_id: int
    counts: list[Count]
    households: int
    people: int
    # household id -> its solution code
    solution_of: dict[int, str]

    @property
    def lasting_people(self) -> int:
        return sum(count.people for count in self.counts if count.code in LASTING_SOLUTIONS)

    @property
    def lasting_percent(self) -> int | None:
        if not self.people:
            return None
        return self.lasting_people * 100 // self.people

    @property
    def resorbed(self) -> bool:
        """At least 66 % of the inhabitants (people) have a lasting solution."""
        return bool(self.people) and self.lasting_people * 100 >= RESORBED_PERCENT * self.people


def _arrivals(
    site_ids: list[int], organisation_id: int | None
) -> dict[int, dict[int, datetime.date | None]]:
    """site -> {household: its first day on the site (None: not recorded)}. Two queries."""
    stays = HouseholdStay.objects.filter(site_id__in=site_ids)
    if organisation_id is not None:
        stays = stays.filter(household__organisation_id=organisation_id)
    arrivals: dict[int, dict[int, datetime.date | None]] = {pk: {} for pk in site_ids}
    for site_id, household_id, first in (
        stays.order_by().values_list("site_id", "household_id").annotate(first=Min("started_on"))
    ):
        arrivals[site_id][household_id] = first
    current = Household.objects.filter(site_id__in=site_ids)
    if organisation_id is not None:
        current = current.filter(organisation_id=organisation_id)
    for household_id, site_id in current.values_list("pk", "site_id"):
        arrivals[site_id].setdefault(household_id, None)
    return arrivals


def resorptions(site_ids, *, organisation_id: int | None = None) -> dict[int, Resorption]:
    """Each site's solutions. Four queries whatever the number of sites and households."""
    site_ids = list(site_ids)
    arrivals = _arrivals(site_ids, organisation_id)
    household_ids = {pk for by_site in arrivals.values() for pk in by_site}
    members: dict[int, list[str]] = defaultdict(list)
    for household_id, exit_reason in Person.objects.filter(
        household_id__in=household_ids
    ).values_list("household_id", "exit_reason"):
        members[household_id].append(exit_reason)
    placements: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
    for household_id, type_, started_on in Placement.objects.filter(
        household_id__in=household_ids
    ).values_list("household_id", "type", "started_on"):
        placements[household_id].append((type_, started_on))
    result = {}
    labels = dict(SOLUTIONS)
    for site_id in site_ids:
        counts = {code: Count(code, str(labels[code])) for code, _label in SOLUTIONS}
        solution_of = {}
        for household_id, arrived in arrivals[site_id].items():
            solution = _solution(placements[household_id], members[household_id], arrived)
            solution_of[household_id] = solution
            count = counts[solution]
            count.households += 1
            count.people += len(members[household_id])
            count.household_ids.append(household_id)
        result[site_id] = Resorption(
            site_id=site_id,
            counts=list(counts.values()),
            households=len(solution_of),
            people=sum(count.people for count in counts.values()),
            solution_of=solution_of,
        )
    return result


def resorption(site) -> Resorption:
    return resorptions([site.pk], organisation_id=site.organisation_id)[site.pk]


def _solution(placements, exit_reasons: list[str], arrived: datetime.date | None) -> str:
    found = [
        SOLUTION_OF_RUNG[RUNG_OF[type_]]
        for type_, started_on in placements
        if type_ in RUNG_OF and (arrived is None or started_on >= arrived)
    ]
    if found:
        return min(found, key=RANK.__getitem__)
    if exit_reasons and all(reason in ELSEWHERE for reason in exit_reasons):
        return Solution.OTHER
    return Solution.NONE


def lasting_condition() -> Q:
    """Placements that count as a lasting solution."""
    return Q(type__in=[code for code, rung in RUNG_OF.items() if rung != Rung.TEMPORARY])
