"""People a social worker may propose for an offer, ranked, each with the reasons of its rank.
Never automatic: the list is read, a person is proposed by a tap.

The ranking reads what the daily work recorded, never a typed score: the latest French
assessment (accompaniment.Assessment) against the offer's minimum level; mobility, from the
rights pathway (a driving licence or a Navigo Solidarité procedure obtained, by category:
ProcedureCategory.MOBILITY, .TRANSPORT); an open employment goal of the projet personnalisé
(accompaniment.Goal). People already in work today (a contract running) and those already
proposed for the offer are left out, and children (under 16, when the age is known).

The rank is computed by PostgreSQL, one query for the page's people (each criterion an
EXISTS or the latest assessment, probed by index per person; the words shown, the latest
assessment's date and the goal's title, are read for the page's rows only, after the sort),
and the paginator's count. Ranking the 14,000 people of an association in Python took four
queries reading every fact of everyone, and 180 ms, at national scale."""

import dataclasses
import datetime

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
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


def eligible(offer: JobOffer, people: QuerySet[Person], *, today: datetime.date) -> QuerySet:
    """`people` (the user's visible ones) who may be proposed for `offer`."""
    known_age = aged(today, at_least=WORKING_AGE)
    return (
        people.active()
        .filter(known_age | Q(birth_date__isnull=True, birth_year__isnull=True))
        .exclude(pk__in=Candidacy.objects.filter(offer=offer).values("person_id"))
        .exclude(pk__in=Contract.objects.filter(_running_on(today)).values("person_id"))
    )


def _score(offer: JobOffer):
    """The rank's score from the annotations of `ranked`, as an SQL expression."""
    terms = []
    if offer.min_french_level:
        wanted = CEFR_RANK[offer.min_french_level]
        meeting = [level for level, rank in CEFR_RANK.items() if rank >= wanted]
        # The latest assessment meets the level: an assessment at such a level with none
        # after it (EXISTS, which PostgreSQL hashes once, where the latest level read per
        # person took 40 ms at national scale).
        later = Assessment.objects.filter(person=OuterRef("person")).filter(
            Q(assessed_on__gt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
        )
        meets = Exists(
            Assessment.objects.filter(person=OuterRef("pk"), level__in=meeting).filter(
                ~Exists(later)
            )
        )
        assessed = Exists(Assessment.objects.filter(person=OuterRef("pk")))
        terms.append(
            Case(
                When(meets, then=Value(FRENCH_MEETS)),
                When(assessed, then=Value(FRENCH_BELOW)),
                default=Value(0),
            )
        )
    if offer.driving_licence:
        licence = Case(
            When(has_licence=True, then=Value(LICENCE_HELD)),
            When(licence_under_way=True, then=Value(LICENCE_UNDER_WAY)),
            default=Value(LICENCE_MISSING),
        )
    else:
        licence = Case(When(has_licence=True, then=Value(LICENCE_BONUS)), default=Value(0))
    terms.append(licence)
    terms.append(Case(When(has_navigo=True, then=Value(NAVIGO_BONUS)), default=Value(0)))
    terms.append(Case(When(has_goal=True, then=Value(GOAL_BONUS)), default=Value(0)))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def ranked(offer: JobOffer, people: QuerySet[Person], *, today: datetime.date) -> QuerySet:
    """Everyone who may be proposed, best first (then by name), each with what its rank read:
    french_level, french_on, has_licence, licence_under_way, has_navigo, employment_goal (the
    oldest open one's title, "" if none) and score."""

    def procedures(category: str, **more):
        return Procedure.objects.filter(person=OuterRef("pk"), type__category=category, **more)

    held = Q(status=ProcedureStatus.OBTAINED) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    latest = Assessment.objects.filter(person=OuterRef("pk")).order_by("-assessed_on", "-pk")
    goals = Goal.objects.filter(person=OuterRef("pk"), pathway=Pathway.EMPLOYMENT).exclude(
        status__in=[GoalStatus.ACHIEVED, GoalStatus.ABANDONED]
    )
    return (
        eligible(offer, people, today=today)
        .annotate(
            french_level=Subquery(latest.values("level")[:1]),
            french_on=Subquery(latest.values("assessed_on")[:1]),
            has_licence=Exists(procedures(ProcedureCategory.MOBILITY).filter(held)),
            licence_under_way=Exists(
                procedures(ProcedureCategory.MOBILITY, status__in=OPEN_STATUSES)
            ),
            has_navigo=Exists(procedures(ProcedureCategory.TRANSPORT).filter(held)),
            has_goal=Exists(goals),
            employment_goal=Coalesce(
                Subquery(goals.order_by("created_at", "pk").values("title")[:1]), Value("")
            ),
        )
        .annotate(score=_score(offer))
        .order_by("-score", "last_name", "first_name", "pk")
    )


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
