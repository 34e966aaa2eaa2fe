"""People a social worker may propose for an offer, ranked, each with the reasons of its rank.
Never automatic: the list is read, a person is proposed by a tap.

The ranking reads what the daily work recorded, never a typed score: the latest French
assessment (accompaniment.Assessment) against the offer's minimum level; mobility, from the
rights pathway (a driving licence or a Navigo Solidarité procedure obtained, by category:
ProcedureCategory.MOBILITY, .TRANSPORT); an open employment goal of the projet personnalisé
(accompaniment.Goal). People already in work today (a contract running) and those already
proposed for the offer are left out, and children (under 16, when the age is known).

Five queries whatever the number of people: the people who may be proposed (three columns),
their assessments, their mobility procedures, their open employment goals, and the page's
people. The rank is computed here, in Python, over those rows: a score in SQL repeated every
correlated subquery in each of its terms, and PostgreSQL took seconds to plan (JIT) what reads
in milliseconds this way at national scale."""

import dataclasses
import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accompaniment.models import (
    CEFR_RANK,
    OPEN_STATUSES,
    Assessment,
    CefrLevel,
    Goal,
    GoalStatus,
    Procedure,
    ProcedureCategory,
    ProcedureStatus,
)
from beneficiaries.models import Pathway, Person
from beneficiaries.scope import aged
from employment.models import Candidacy, Contract, JobOffer, _running_on

PAGE_SIZE = 30
# The age from which one may work in France (apprenticeship).
WORKING_AGE = 16

# What each criterion weighs in the rank.
FRENCH_MEETS, FRENCH_BELOW = 3, -3
LICENCE_HELD, LICENCE_UNDER_WAY, LICENCE_MISSING = 3, 1, -3
LICENCE_BONUS, NAVIGO_BONUS = 1, 1
GOAL_BONUS = 2


@dataclasses.dataclass
class Facts:
    """What the rank of one person reads."""

    pk: int
    sort_name: tuple
    french_level: str = ""
    french_on: datetime.date | None = None
    has_licence: bool = False
    licence_under_way: bool = False
    has_navigo: bool = False
    employment_goal: str = ""
    score: int = 0


def eligible(offer: JobOffer, people: QuerySet[Person], *, today: datetime.date) -> QuerySet:
    """`people` (the user's visible ones) who may be proposed for `offer`."""
    known_age = aged(today, at_least=WORKING_AGE)
    return (
        people.active()
        .filter(known_age | Q(birth_date__isnull=True, birth_year__isnull=True))
        .exclude(pk__in=Candidacy.objects.filter(offer=offer).values("person_id"))
        .exclude(pk__in=Contract.objects.filter(_running_on(today)).values("person_id"))
    )


def _score(offer: JobOffer, facts: Facts) -> int:
    score = 0
    if offer.min_french_level and facts.french_level:
        meets = CEFR_RANK[facts.french_level] >= CEFR_RANK[offer.min_french_level]
        score += FRENCH_MEETS if meets else FRENCH_BELOW
    if offer.driving_licence:
        if facts.has_licence:
            score += LICENCE_HELD
        else:
            score += LICENCE_UNDER_WAY if facts.licence_under_way else LICENCE_MISSING
    elif facts.has_licence:
        score += LICENCE_BONUS
    if facts.has_navigo:
        score += NAVIGO_BONUS
    if facts.employment_goal:
        score += GOAL_BONUS
    return score


def candidates(offer: JobOffer, people: QuerySet[Person], *, today: datetime.date) -> list[Facts]:
    """Everyone who may be proposed, best first (then by name). Four queries."""
    pool = eligible(offer, people, today=today)
    ids = pool.values("pk")
    found = {
        pk: Facts(pk=pk, sort_name=(last, first, pk))
        for pk, last, first in pool.order_by().values_list("pk", "last_name", "first_name")
    }
    if not found:
        return []
    latest: dict[int, tuple] = {}
    for person_id, level, on, pk in Assessment.objects.filter(person_id__in=ids).values_list(
        "person_id", "level", "assessed_on", "pk"
    ):
        if person_id in found and (on, pk) > latest.get(person_id, (datetime.date.min, 0))[:2]:
            latest[person_id] = (on, pk, level)
    for person_id, (on, _pk, level) in latest.items():
        found[person_id].french_level, found[person_id].french_on = level, on
    procedures = Procedure.objects.filter(
        person_id__in=ids,
        type__category__in=[ProcedureCategory.MOBILITY, ProcedureCategory.TRANSPORT],
    ).values_list("person_id", "type__category", "status", "valid_until")
    for person_id, category, status, until in procedures:
        facts = found.get(person_id)
        if facts is None:
            continue
        held = status == ProcedureStatus.OBTAINED and (until is None or until >= today)
        if category == ProcedureCategory.MOBILITY:
            facts.has_licence |= held
            facts.licence_under_way |= status in OPEN_STATUSES
        elif held:
            facts.has_navigo = True
    goals = (
        Goal.objects.filter(person_id__in=ids, pathway=Pathway.EMPLOYMENT)
        .exclude(status__in=[GoalStatus.ACHIEVED, GoalStatus.ABANDONED])
        .order_by("-created_at", "-pk")
        .values_list("person_id", "title")
    )
    for person_id, title in goals:
        if person_id in found:
            # The oldest open goal last, so it stays.
            found[person_id].employment_goal = title
    for facts in found.values():
        facts.score = _score(offer, facts)
    return sorted(found.values(), key=lambda facts: (-facts.score, facts.sort_name))


def page_people(people: QuerySet[Person], facts: list[Facts]) -> list:
    """The page's people, in the rank's order, each carrying its facts. One query."""
    rows = people.in_bulk([row.pk for row in facts]) if facts else {}
    shown = []
    for row in facts:
        person = rows.get(row.pk)
        if person is None:
            continue
        for name in ("french_level", "french_on", "has_licence", "licence_under_way",
                     "has_navigo", "employment_goal", "score"):  # fmt: skip
            setattr(person, name, getattr(row, name))
        shown.append(person)
    return shown


@dataclasses.dataclass(frozen=True)
class Reason:
    text: str
    # "+": counts for, "-": against, "": neutral.
    sign: str


def reasons(offer: JobOffer, person, *, shows_goal: bool = True) -> list[Reason]:
    """Why a person ranks where it does, in the worker's words, from the annotations. The
    goal's wording is the team's (`shows_goal`): others read that there is one."""
    found: list[Reason] = []
    labels = dict(CefrLevel.choices)
    level = person.french_level
    if level:
        text = _("Français : %(level)s (évalué le %(date)s)") % {
            "level": labels.get(level, level),
            "date": person.french_on.strftime("%d/%m/%Y"),
        }
        sign = ""
        if offer.min_french_level:
            wanted = labels[offer.min_french_level]
            meets = CEFR_RANK[level] >= CEFR_RANK[offer.min_french_level]
            text += " — " + (
                _("%(level)s demandé : atteint") if meets else _("%(level)s demandé : pas encore")
            ) % {"level": wanted}
            sign = "+" if meets else "-"
        found.append(Reason(text, sign))
    else:
        found.append(Reason(_("Français : pas d'évaluation de niveau"), ""))
    if person.has_licence:
        found.append(Reason(_("Permis de conduire obtenu"), "+"))
    elif offer.driving_licence:
        if person.licence_under_way:
            found.append(Reason(_("Permis exigé : démarche en cours"), ""))
        else:
            found.append(Reason(_("Permis exigé : pas de permis"), "-"))
    if person.has_navigo:
        found.append(Reason(_("Navigo Solidarité obtenu"), "+"))
    if person.employment_goal:
        text = _("Objectif emploi dans le projet personnalisé")
        if shows_goal:
            text += " : " + person.employment_goal
        found.append(Reason(text, "+"))
    found.append(Reason(_("Pas en emploi aujourd'hui"), ""))
    return found
