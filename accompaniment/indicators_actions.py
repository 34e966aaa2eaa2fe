"""The figures of the local actions, for a period and a scope (beneficiaries.scope.Scope): the
State platform's yearly figures per action, and the reports' "by action" breakdowns.

Conventions (with accompaniment.indicators' and beneficiaries.scope's):

- **An action in the scope**: one of the organisation's actions under way on at least one day
  of the period; with `scope.departement`, the action's own département; with `scope.site`,
  an action held on that site (among its sites); with `scope.action`, that action only.
- **A person concerned**: a person of `scope.people()` named on an action in the scope, or a
  member of a household named on one. `scope.sex` and `scope.age_band` narrow them as for
  every indicator (women: `Sex.FEMALE`).
- **A household concerned**: a household named on an action in the scope, or the household
  of a person named on one, with at least one member in `scope.people()`.
- **Financing**: the rows of the actions in the scope for the years the period touches (a
  year's row counts whole: the platform asks yearly figures).

Each function costs a fixed number of queries, said in its docstring; the querysets returned
(`people`, `records`) are lazy and not part of that cost."""

import dataclasses
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accompaniment.models import Action, ActionFunding, FollowUp, FundingSource
from accompaniment.services_actions import running_during
from beneficiaries.models import Household, Person, Sex
from beneficiaries.scope import Indicator, Scope

__all__ = [
    "ActionFigures",
    "Funding",
    "actions_running",
    "financing_by_source",
    "follow_ups_tied",
    "households_concerned",
    "people_concerned",
    "people_concerned_by_sex",
    "yearly_figures",
]

ZERO = Decimal("0.00")


def _actions(scope: Scope) -> QuerySet[Action]:
    actions = Action.objects.filter(organisation_id=scope.organisation_id).filter(
        running_during(scope.start, scope.end)
    )
    if scope.departement is not None:
        actions = actions.filter(departement=scope.departement)
    if scope.site is not None:
        actions = actions.filter(
            pk__in=Action.sites.through.objects.filter(site_id=scope.site_id).values("action_id")
        )
    if scope.action is not None:
        actions = actions.filter(pk=scope.action_id)
    return actions


def _concerned(scope: Scope) -> QuerySet[Person]:
    """The people of the scope concerned by its actions (a lazy queryset, one query)."""
    actions = _actions(scope).values("pk")
    return scope.people().filter(
        pk__in=Person.objects.filter(
            Q(actions__in=actions) | Q(household__actions__in=actions)
        ).values("pk")
    )


def actions_running(scope: Scope) -> Indicator:
    """Actions in the scope. Value: actions; records: the actions; people: those concerned.
    One query."""
    records = _actions(scope)
    return Indicator(value=records.count(), people=_concerned(scope), records=records)


def people_concerned(scope: Scope) -> Indicator:
    """People concerned by the actions in the scope. Value: people. One query."""
    people = _concerned(scope)
    return Indicator(value=people.count(), people=people)


def people_concerned_by_sex(scope: Scope) -> dict[str, Indicator]:
    """People concerned, by sex (every `Sex` key, zeros included). One GROUP BY query."""
    people = _concerned(scope)
    counts = dict(people.order_by().values_list("sex").annotate(n=Count("pk")))
    return {
        sex: Indicator(value=counts.get(sex, 0), people=people.filter(sex=sex))
        for sex in Sex.values
    }


def households_concerned(scope: Scope) -> Indicator:
    """Households concerned (see the module's docstring). Value: households; records: the
    households; people: their members in the scope. One query."""
    actions = _actions(scope).values("pk")
    in_scope = scope.people()
    records = Household.objects.filter(organisation_id=scope.organisation_id).filter(
        Q(pk__in=Household.objects.filter(actions__in=actions).values("pk"))
        | Q(pk__in=Person.objects.filter(actions__in=actions).values("household_id"))
    )
    records = records.filter(pk__in=in_scope.values("household_id"))
    return Indicator(
        value=records.count(),
        people=in_scope.filter(household__in=records.values("pk")),
        records=records,
    )


def follow_ups_tied(scope: Scope) -> Indicator:
    """Follow-ups held in the period (their date), tied to an action in the scope, about a
    person of `scope.people()`. Value: follow-ups; records: the follow-ups. One query."""
    records = FollowUp.objects.filter(
        organisation_id=scope.organisation_id,
        action__in=_actions(scope).values("pk"),
        date__range=(scope.start, scope.end),
        person__in=scope.people(),
    )
    return Indicator(
        value=records.count(),
        people=Person.objects.filter(pk__in=records.values("person_id")),
        records=records,
    )


@dataclasses.dataclass(frozen=True)
class Funding:
    """A source's financing of the actions in the scope over the years of the period."""

    budget: Decimal
    spent: Decimal
    records: QuerySet[ActionFunding]

    @property
    def overspent(self) -> bool:
        return self.spent > self.budget


def financing_by_source(scope: Scope) -> dict[str, Funding]:
    """Budget and spent of the actions in the scope, by source (every `FundingSource` key, in
    its order, zeros included), for the years from `scope.start` to `scope.end`. A row
    without spent counts 0 spent. One GROUP BY query."""
    records = ActionFunding.objects.filter(
        action__in=_actions(scope).values("pk"),
        year__gte=scope.start.year,
        year__lte=scope.end.year,
    )
    sums = {
        row["source"]: row
        for row in records.order_by()
        .values("source")
        .annotate(budget=Sum("budget"), spent=Coalesce(Sum("spent"), ZERO))
    }
    return {
        source: Funding(
            budget=sums.get(source, {}).get("budget") or ZERO,
            spent=sums.get(source, {}).get("spent") or ZERO,
            records=records.filter(source=source),
        )
        for source in FundingSource.values
    }


@dataclasses.dataclass(frozen=True)
class ActionFigures:
    """One line of the State platform's yearly table."""

    action: Action
    people: int
    women: int
    households: int
    follow_ups: int
    budget: Decimal
    spent: Decimal


def yearly_figures(scope: Scope) -> list[ActionFigures]:
    """Per action in the scope, in name order: people concerned (and women among them),
    households named, follow-ups tied held in the period, budget and spent for the period's
    years. People are those of `scope.people()` (its sex and age band apply). One query."""
    in_scope = scope.people()
    concerned = Person.objects.filter(pk__in=in_scope.values("pk")).filter(
        Q(actions=OuterRef("pk")) | Q(household__actions=OuterRef("pk"))
    )

    def count(queryset) -> Subquery:
        return Coalesce(
            Subquery(
                queryset.order_by()
                .annotate(one=Value(1))
                .values("one")
                .annotate(n=Count("pk", distinct=True))
                .values("n")
            ),
            0,
        )

    def total(field: str) -> Subquery:
        rows = ActionFunding.objects.filter(
            action=OuterRef("pk"), year__gte=scope.start.year, year__lte=scope.end.year
        )
        return Coalesce(
            Subquery(
                rows.order_by().values("action").annotate(total=Sum(field)).values("total"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            ZERO,
        )

    households = Household.objects.filter(
        actions=OuterRef("pk"), pk__in=in_scope.values("household_id")
    )
    follow_ups = FollowUp.objects.filter(
        action=OuterRef("pk"), date__range=(scope.start, scope.end), person__in=in_scope
    )
    rows = (
        _actions(scope)
        .annotate(
            n_people=count(concerned),
            n_women=count(concerned.filter(sex=Sex.FEMALE)),
            n_households=count(households),
            n_follow_ups=count(follow_ups),
            total_budget=total("budget"),
            total_spent=total("spent"),
        )
        .order_by("name", "pk")
    )
    return [
        ActionFigures(
            action=row,
            people=row.n_people,
            women=row.n_women,
            households=row.n_households,
            follow_ups=row.n_follow_ups,
            budget=row.total_budget,
            spent=row.total_spent,
        )
        for row in rows
    ]
