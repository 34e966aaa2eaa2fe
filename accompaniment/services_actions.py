"""Local actions: the writes (an action, its sites, pilots and operators, the people and
households it concerns, its financing year by year) and the reads the pages share (the
actions a user reaches, the people an action concerns, its finances per year). Views, the demo
and imports call these; the checks hold for callers that bypass the forms too.

An action concerns a person named on it, and every member of a household named on it: the
counts and the indicators read both (beneficiaries.scope.Scope's `action`)."""

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import (
    Action,
    ActionFunding,
    ActionPlace,
    ActionTopic,
    FollowUp,
    FundingSource,
    Procedure,
)
from beneficiaries.models import Departement, Household, Person, Site
from mia import permissions
from mia.concurrency import save_versioned
from mia.models import Organisation

ACTION_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "goals",
    "topics",
    "place",
    "place_details",
    "departement",
)
RELATIONS = ("sites", "pilots", "operators")
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("9999999999.99")


def actions_of(user) -> QuerySet[Action]:
    """The organisation's actions, for its staff (permissions.reads_actions)."""
    if not permissions.reads_actions(user):
        return Action.objects.none()
    return Action.objects.visible_to(user)


def managed_actions(user) -> QuerySet[Action]:
    if not permissions.manages_actions(user):
        return Action.objects.none()
    return actions_of(user)


def running(on: datetime.date) -> Q:
    """A condition on Action: under way on `on`."""
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def running_during(start: datetime.date, end: datetime.date) -> Q:
    """A condition on Action: under way on at least one day from `start` to `end`."""
    return Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))


def organisations() -> QuerySet[Organisation]:
    """Who may pilot or operate an action: any organisation (the association, the State's
    services, local authorities, other associations)."""
    return Organisation.objects.order_by("name")


def concerned(action_id: int) -> QuerySet[Person]:
    """The people an action concerns: named on it, or members of a household named on it."""
    return Person.objects.filter(
        pk__in=Person.objects.filter(Q(actions=action_id) | Q(household__actions=action_id)).values(
            "pk"
        )
    )


def current_for(person: Person, *, on: datetime.date | None = None) -> QuerySet[Action]:
    """The organisation's actions under way that concern `person` (directly or through their
    household): what a follow-up or a procedure of theirs may be tied to."""
    on = on or timezone.localdate()
    about = Q(people=person.pk)
    if person.household_id:
        about |= Q(households=person.household_id)
    ids = Action.objects.filter(about).values("pk")
    return (
        Action.objects.filter(organisation_id=person.organisation_id, pk__in=ids)
        .filter(running(on))
        .order_by("name", "pk")
    )


def check_tie(action: Action | None, person: Person, *, kept: int | None = None) -> None:
    """A follow-up or a procedure of `person` may be tied to an action of the person's
    organisation that concerns them; `kept` is the action it is tied to already (a correction
    keeps it even after the action ended or the person left it). Raises ValidationError on the
    `action` field."""
    if action is None or action.pk == kept:
        return
    concerned_ids = concerned(action.pk).filter(pk=person.pk)
    if action.organisation_id != person.organisation_id or not concerned_ids.exists():
        raise ValidationError({"action": _("Cette action locale ne concerne pas cette personne.")})


def tie_choices(person: Person, *, kept: int | None = None) -> QuerySet[Action]:
    """What a follow-up or procedure form offers: the actions under way that concern the
    person, and the one it is tied to already."""
    current = current_for(person).values("pk")
    chosen = Q(pk__in=current) | Q(pk=kept) if kept else Q(pk__in=current)
    return Action.objects.filter(chosen).order_by("name", "pk")


def with_counts(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Each action with the number of people and households named on it and of the people it
    concerns in all (named or through a household): correlated subqueries, one query."""
    people = (
        Action.people.through.objects.filter(action=OuterRef("pk"))
        .order_by()
        .values("action")
        .annotate(n=Count("pk"))
        .values("n")
    )
    households = (
        Action.households.through.objects.filter(action=OuterRef("pk"))
        .order_by()
        .values("action")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The members of the households named, less the people named already: two index reads
    # per action (an OR across both relations read every person of the instance per action).
    named = Action.people.through.objects.filter(action=OuterRef(OuterRef("pk"))).values(
        "person_id"
    )
    in_households = Action.households.through.objects.filter(
        action=OuterRef(OuterRef("pk"))
    ).values("household_id")
    members = (
        Person.objects.filter(household_id__in=in_households)
        .exclude(pk__in=named)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return actions.annotate(
        people_count=Coalesce(Subquery(people), 0),
        households_count=Coalesce(Subquery(households), 0),
        concerned_count=Coalesce(Subquery(people), 0) + Coalesce(Subquery(members), 0),
    )


# --- Actions -------------------------------------------------------------------------------------


def _check_action(*, organisation_id: int, fields: dict, relations: dict) -> None:
    errors: dict[str, list[str]] = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Donnez un intitulé à l'action.")]
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if starts_on is None:
        errors["starts_on"] = [_("Indiquez le début de l'action.")]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("La fin de l'action ne peut pas précéder son début.")]
    if fields.get("place") not in ActionPlace.values:
        errors["place"] = [_("Choisissez où l'action a lieu.")]
    if fields.get("departement") not in Departement.values:
        errors["departement"] = [_("Choisissez le département.")]
    unknown = set(fields.get("topics") or []) - set(ActionTopic.values)
    if unknown:
        errors["topics"] = [_("Choisissez des thématiques de la liste.")]
    sites = list(relations.get("sites") or [])
    if any(site.organisation_id != organisation_id for site in sites):
        errors["sites"] = [_("Choisissez des lieux de vie de votre organisation.")]
    elif fields.get("place") == ActionPlace.SITES and not sites:
        errors["sites"] = [_("Choisissez le ou les lieux de vie où l'action a lieu.")]
    if errors:
        raise ValidationError(errors)


def _clean(fields: dict) -> dict:
    fields = dict(fields)
    for name in ("name", "goals", "place_details"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "topics" in fields:
        given = list(fields["topics"] or [])
        # In the list's order; an unknown code is kept for the check to refuse.
        fields["topics"] = [t for t in ActionTopic.values if t in given] + [
            t for t in given if t not in ActionTopic.values
        ]
    return fields


def _split(fields: dict) -> tuple[dict, dict]:
    unknown = set(fields) - set(ACTION_FIELDS) - set(RELATIONS)
    if unknown:
        raise TypeError(f"action fields unknown: {sorted(unknown)}")
    return (
        {k: v for k, v in fields.items() if k in ACTION_FIELDS},
        {k: v for k, v in fields.items() if k in RELATIONS},
    )


def _set_relations(action: Action, relations: dict) -> None:
    """Links as given; set() adds and removes only what changed."""
    for name, values in relations.items():
        if values is not None:
            getattr(action, name).set(list(values))


@transaction.atomic
def action_create(*, by, **fields) -> Action:
    """A new action of `by`'s organisation. Fields: ACTION_FIELDS and the relations `sites`,
    `pilots`, `operators` (iterables of instances)."""
    values, relations = _split(_clean(fields))
    values.setdefault("topics", [])
    _check_action(organisation_id=by.organisation_id, fields=values, relations=relations)
    action = Action.objects.create(organisation_id=by.organisation_id, **values)
    _set_relations(action, relations)
    return action


@transaction.atomic
def action_update(*, action: Action, by, expected_version: int | None = None, **fields) -> Action:
    """Change an action. With `expected_version` (the form's), an action changed meanwhile is
    not overwritten (mia.concurrency.ConflictError)."""
    values, relations = _split(_clean(fields))
    merged = {name: getattr(action, name) for name in ACTION_FIELDS} | values
    current = {
        name: relations[name] if name in relations else list(getattr(action, name).all())
        for name in ("sites",)
    }
    _check_action(organisation_id=action.organisation_id, fields=merged, relations=current)
    for name, value in values.items():
        setattr(action, name, value)
    update_fields = [*values, "updated_at"]
    if expected_version is not None:
        save_versioned(action, expected=expected_version, update_fields=update_fields)
    else:
        action.version += 1
        action.save(update_fields=[*update_fields, "version"])
    _set_relations(action, relations)
    return action


# --- People and households ------------------------------------------------------------------------


def _own(rows: Iterable, action: Action, message: str) -> list:
    rows = list(rows)
    if any(row.organisation_id != action.organisation_id for row in rows):
        raise ValidationError(message)
    return rows


@transaction.atomic
def people_add(*, action: Action, people: Iterable[Person], by) -> int:
    """Name people on the action; those already on it stay. Returns how many were added."""
    people = _own(people, action, _("Choisissez des personnes suivies par votre organisation."))
    if any(person.exited_on is not None for person in people):
        raise ValidationError(_("Une personne sortie du programme ne peut être ajoutée."))
    already = set(action.people.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    new = [person for person in people if person.pk not in already]
    action.people.add(*new)
    return len(new)


@transaction.atomic
def people_remove(*, action: Action, people: Iterable[Person], by) -> None:
    action.people.remove(*list(people))


@transaction.atomic
def households_add(*, action: Action, households: Iterable[Household], by) -> int:
    households = _own(
        households, action, _("Choisissez des ménages suivis par votre organisation.")
    )
    already = set(
        action.households.filter(pk__in=[h.pk for h in households]).values_list("pk", flat=True)
    )
    new = [household for household in households if household.pk not in already]
    action.households.add(*new)
    return len(new)


@transaction.atomic
def households_remove(*, action: Action, households: Iterable[Household], by) -> None:
    action.households.remove(*list(households))


# --- Financing -----------------------------------------------------------------------------------


def _check_funding(
    *,
    action: Action,
    year: int | None,
    source: str,
    budget: Decimal | None,
    spent: Decimal | None,
    funding: ActionFunding | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = [_("Indiquez une année entre 2000 et 2100.")]
    if source not in FundingSource.values:
        errors["source"] = [_("Choisissez le financeur.")]
    if budget is None:
        errors["budget"] = [_("Indiquez le budget.")]
    elif budget < 0:
        errors["budget"] = [_("Un montant ne peut pas être négatif.")]
    elif budget > MAX_AMOUNT:
        errors["budget"] = [_("Ce montant est trop grand.")]
    if spent is not None and spent < 0:
        errors["spent"] = [_("Un montant ne peut pas être négatif.")]
    elif spent is not None and spent > MAX_AMOUNT:
        errors["spent"] = [_("Ce montant est trop grand.")]
    if not errors:
        twin = ActionFunding.objects.filter(action=action, year=year, source=source)
        if funding is not None and funding.pk:
            twin = twin.exclude(pk=funding.pk)
        if twin.exists():
            errors["source"] = [
                _("Ce financeur a déjà une ligne pour %(year)s : modifiez-la.") % {"year": year}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def funding_save(
    *,
    action: Action,
    by,
    year: int,
    source: str,
    budget: Decimal,
    spent: Decimal | None = None,
    funding: ActionFunding | None = None,
) -> ActionFunding:
    """Add a year's financing by one source, or change `funding`. Spent larger than the
    budget is kept (an overspend happens) and shown as such."""
    if funding is not None and funding.action_id != action.pk:
        raise ValueError("The funding is another action's.")
    _check_funding(
        action=action, year=year, source=source, budget=budget, spent=spent, funding=funding
    )
    if funding is None:
        return ActionFunding.objects.create(
            action=action, year=year, source=source, budget=budget, spent=spent
        )
    funding.year, funding.source, funding.budget, funding.spent = year, source, budget, spent
    funding.save(update_fields=["year", "source", "budget", "spent"])
    return funding


@transaction.atomic
def funding_delete(*, funding: ActionFunding, by) -> None:
    funding.delete()


@dataclasses.dataclass
class Year:
    """One year of an action's financing: its rows by source and their totals."""

    year: int
    rows: list
    budget: Decimal
    spent: Decimal

    @property
    def overspent(self) -> bool:
        return self.spent > self.budget


def finances(fundings: Iterable[ActionFunding]) -> list[Year]:
    """Rows (already fetched, in year and source order) grouped by year, with totals."""
    years: dict[int, Year] = {}
    for row in fundings:
        year = years.setdefault(row.year, Year(row.year, [], Decimal(0), Decimal(0)))
        row.overspent = row.spent is not None and row.spent > row.budget
        year.rows.append(row)
        year.budget += row.budget
        year.spent += row.spent or 0
    return [years[key] for key in sorted(years)]


def funding_totals(actions: QuerySet[Action]) -> dict[int, dict]:
    """action id -> {"budget", "spent"} over every year: one GROUP BY query."""
    rows = (
        ActionFunding.objects.filter(action__in=actions.values("pk"))
        .order_by()
        .values("action_id")
        .annotate(budget=Sum("budget"), spent=Coalesce(Sum("spent"), Decimal(0)))
    )
    return {row["action_id"]: row for row in rows}


def tied_counts(action: Action) -> dict[str, int]:
    """Follow-ups and procedures tied to the action: two counts in one query each."""
    return {
        "follow_ups": FollowUp.objects.filter(action=action).count(),
        "procedures": Procedure.objects.filter(action=action).count(),
    }


def sites_of(user) -> QuerySet[Site]:
    return Site.objects.visible_to(user).order_by("name")
