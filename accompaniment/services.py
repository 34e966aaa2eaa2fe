"""Writes of the daily accompaniment: follow-ups and their next steps, tasks, the projet
personnalisé and its history. Views, the demo loader and later imports all call these."""

import datetime
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DateField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment import services_actions
from accompaniment.models import Action, FollowUp, Goal, GoalStatus, PlanChange, Step, Task
from beneficiaries.models import Pathway, Person
from mia.concurrency import save_versioned

CLOSED_STATUSES = {GoalStatus.ACHIEVED, GoalStatus.ABANDONED}
# An argument left out: what is stored stays.
UNCHANGED = object()


# --- Follow-ups --------------------------------------------------------------------------------


def _participants(
    person: Person, participants: Iterable[Person], already: set[int] = frozenset()
) -> list[Person]:
    """The person of the file, then the other members present. Only members of the person's
    household may be recorded (or kept, `already`, when a follow-up is corrected after a move):
    a follow-up must not put someone else's name in this file."""
    others = {p.pk: p for p in participants if p.pk != person.pk}
    for other in others.values():
        if other.pk in already:
            continue
        if person.household_id is None or other.household_id != person.household_id:
            raise ValidationError(_("Seules les personnes du ménage peuvent être présentes."))
    return [person, *others.values()]


def _check_date(date: datetime.date) -> None:
    if date > timezone.localdate():
        raise ValidationError(_("La date ne peut pas être dans le futur."))


def _check_codes(follow_up: FollowUp) -> None:
    """Place and pathway codes, for imports that bypass the form. Foreign keys are not checked
    (a query each, and the caller holds the rows); pathways are checked here rather than by
    CodeListField.validate, which raises a non-existent models.ValidationError."""
    if not set(follow_up.pathways) <= set(Pathway.values):
        raise ValidationError(_("Parcours inconnu."))
    # The token's uniqueness is the database's to check, at the instant of the write.
    follow_up.full_clean(exclude=["organisation", "person", "author", "pathways", "token"])


def _raise_last_contact(person_ids: list[int], date: datetime.date) -> None:
    """last_contact_on = max(current, date) for every participant, in one UPDATE. GREATEST
    with NULL differs between databases (PostgreSQL ignores it, SQLite returns NULL): the
    never-seen case is spelled out."""
    Person.objects.filter(pk__in=person_ids).update(
        last_contact_on=Case(
            When(last_contact_on__isnull=True, then=Value(date)),
            default=Greatest(F("last_contact_on"), Value(date)),
            output_field=DateField(),
        )
    )


def _recompute_last_contact(person_ids: Iterable[int]) -> None:
    """After a follow-up was moved or deleted: the date of each person's latest follow-up
    attended (None if none is left), in one UPDATE."""
    latest = (
        FollowUp.objects.filter(participants=OuterRef("pk")).order_by("-date").values("date")[:1]
    )
    Person.objects.filter(pk__in=set(person_ids)).update(last_contact_on=Subquery(latest))


def _saved_with(token: uuid.UUID, *, person: Person, by) -> FollowUp | None:
    """The follow-up a form with this token already created, if any."""
    saved = FollowUp.objects.filter(token=token).first()
    if saved and (saved.person_id, saved.author_id) != (person.pk, by.pk):
        # A token is one form shown to one user about one person: this post was tampered with.
        raise ValidationError(_("Ce formulaire a déjà été envoyé. Rechargez la page."))
    return saved


@transaction.atomic
def follow_up_create(
    *,
    person: Person,
    by,
    date: datetime.date,
    place: str,
    pathways: list[str],
    note: str,
    participants: Iterable[Person],
    next_step: str | None = None,
    next_step_due: datetime.date | None = None,
    next_step_goal: Goal | None = None,
    token: uuid.UUID | None = None,
    action: Action | None = None,
) -> FollowUp:
    """Record an entretien with `person` (and the household members present), bring their
    last contact date forward, and turn the next step, if any, into a step of
    `next_step_goal` (an open goal of the person's projet) or else into a task of the author.

    `token` is the one-time token of the form: the same form posted again, even at the same
    instant, writes nothing and returns the follow-up it already created. `action`: the local
    action it was part of, one that concerns the person (services_actions.check_tie)."""
    if token is not None and (saved := _saved_with(token, person=person, by=by)):
        return saved
    _check_date(date)
    present = _participants(person, participants)
    if next_step and next_step_due is None:
        raise ValidationError(_("Indiquez pour quand est la prochaine étape."))
    if next_step_goal is not None:
        _check_open_goal(next_step_goal, person=person)
    services_actions.check_tie(action, person)
    follow_up = FollowUp(
        organisation_id=person.organisation_id,
        person=person,
        author=by,
        date=date,
        place=place,
        pathways=list(pathways),
        note=note,
        token=token,
        action=action,
    )
    _check_codes(follow_up)
    try:
        # A savepoint: when the other copy of the post won, the transaction stays usable.
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:
        if token is None or not (saved := _saved_with(token, person=person, by=by)):
            raise
        return saved
    follow_up.participants.set(present)
    _raise_last_contact([p.pk for p in present], date)
    if next_step and next_step_goal is not None:
        step_create(
            step=Step(title=next_step, due_on=next_step_due, follow_up=follow_up),
            goal=next_step_goal,
            by=by,
        )
    elif next_step:
        Task.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            title=next_step,
            # A task has one pathway: the follow-up's, when it touched only one.
            pathway=pathways[0] if len(pathways) == 1 else "",
            due_on=next_step_due,
            assigned_to=by,
            created_by=by,
            follow_up=follow_up,
        )
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    by,
    date: datetime.date,
    place: str,
    pathways: list[str],
    note: str,
    participants: Iterable[Person],
    action: Action | object | None = UNCHANGED,
) -> FollowUp:
    """Correct a follow-up; the last contact date of everyone it concerned, before or after,
    is recomputed when its date or its participants change. `action` left out: the local
    action it is tied to stays."""
    _check_date(date)
    if action is not UNCHANGED:
        services_actions.check_tie(action, follow_up.person, kept=follow_up.action_id)
        follow_up.action = action
    before = set(follow_up.participants.values_list("pk", flat=True))
    present = _participants(follow_up.person, participants, already=before)
    after = {p.pk for p in present}
    moved = date != follow_up.date
    follow_up.date, follow_up.place, follow_up.pathways, follow_up.note = (
        date,
        place,
        list(pathways),
        note,
    )
    _check_codes(follow_up)
    follow_up.save(update_fields=["date", "place", "pathways", "note", "action", "updated_at"])
    if before != after:
        follow_up.participants.set(present)
    if moved or before != after:
        _recompute_last_contact(before | after)
    return follow_up


@transaction.atomic
def follow_up_delete(*, follow_up: FollowUp, by) -> None:
    """Delete a follow-up logged by mistake. Its next step stays a task (unlinked)."""
    person_ids = list(follow_up.participants.values_list("pk", flat=True))
    follow_up.delete()
    _recompute_last_contact(person_ids)


# --- Tasks -------------------------------------------------------------------------------------


def task_done(*, task: Task, by, on: datetime.date | None = None) -> Task:
    """Mark a task done; done twice keeps the first date."""
    if task.done_on is None:
        task.done_on = on or timezone.localdate()
        task.save(update_fields=["done_on"])
    return task


# --- Projet personnalisé -----------------------------------------------------------------------

GOAL_FIELDS = ["title", "pathway", "status", "closed_on"]
STEP_FIELDS = ["title", "who", "due_on", "done_on"]


def _shown(instance, field: str):
    """A value as users read it, kept in the history even if labels or rows change later."""
    value = getattr(instance, field)
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    display = getattr(instance, f"get_{field}_display", None)
    return str(display()) if display else str(value)


def _diff(before: dict, instance, fields: list[str]) -> dict:
    after = {field: _shown(instance, field) for field in fields}
    return {
        field: [before[field], after[field]] for field in fields if before[field] != after[field]
    }


def _snapshot(instance, fields: list[str]) -> dict:
    return {field: _shown(instance, field) for field in fields}


def _set_closed_on(goal: Goal, previous_status: str | None) -> None:
    if goal.status not in CLOSED_STATUSES:
        goal.closed_on = None
    elif goal.status != previous_status:
        goal.closed_on = timezone.localdate()


def open_goals(person: Person):
    """The goals of the person's projet that a next step may still serve."""
    return Goal.objects.filter(person=person).exclude(status__in=CLOSED_STATUSES)


def _check_open_goal(goal: Goal, *, person: Person) -> None:
    if goal.person_id != person.pk:
        raise ValidationError(_("Cet objectif n'est pas celui de cette personne."))
    if goal.status in CLOSED_STATUSES:
        raise ValidationError(_("Cet objectif est clos : choisissez-en un autre."))


def _start(goal: Goal, *, by) -> None:
    """A goal "pas commencé" that gets a step is under way. One conditional UPDATE: two steps
    added at once start it once; the version moves, so a goal form opened before cannot put
    the old state back without a conflict."""
    started = Goal.objects.filter(pk=goal.pk, status=GoalStatus.NOT_STARTED).update(
        status=GoalStatus.IN_PROGRESS, version=F("version") + 1, updated_at=timezone.now()
    )
    if not started:
        return
    goal.status = GoalStatus.IN_PROGRESS
    goal.version += 1
    PlanChange.objects.create(
        goal=goal,
        action=PlanChange.Action.UPDATED,
        changes={"status": [str(GoalStatus.NOT_STARTED.label), _shown(goal, "status")]},
        by=by,
    )


@transaction.atomic
def goal_create(*, goal: Goal, person: Person, by) -> Goal:
    goal.person = person
    goal.organisation_id = person.organisation_id
    goal.created_by = by
    _set_closed_on(goal, None)
    goal.save()
    PlanChange.objects.create(
        goal=goal,
        action=PlanChange.Action.CREATED,
        changes=_diff(dict.fromkeys(GOAL_FIELDS), goal, GOAL_FIELDS),
        by=by,
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, by, expected_version: int) -> Goal:
    """Save the edited goal if nobody saved it meanwhile (mia.concurrency.ConflictError
    otherwise). Achieving or abandoning it dates its closing; reopening clears the date."""
    stored = Goal.objects.select_for_update().get(pk=goal.pk)
    before = _snapshot(stored, GOAL_FIELDS)
    _set_closed_on(goal, stored.status)
    save_versioned(goal, expected=expected_version, update_fields=[*GOAL_FIELDS, "updated_at"])
    changes = _diff(before, goal, GOAL_FIELDS)
    if changes:
        PlanChange.objects.create(
            goal=goal, action=PlanChange.Action.UPDATED, changes=changes, by=by
        )
    return goal


@transaction.atomic
def step_create(*, step: Step, goal: Goal, by) -> Step:
    """Add a step to a goal (from the plan, or a follow-up's next step: `step.follow_up`);
    a goal not started yet is then "en cours", in the history as well."""
    step.goal = goal
    step.save()
    PlanChange.objects.create(
        goal=goal,
        step_id_value=step.pk,
        action=PlanChange.Action.CREATED,
        changes=_diff(dict.fromkeys(STEP_FIELDS), step, STEP_FIELDS),
        by=by,
    )
    _start(goal, by=by)
    return step


@transaction.atomic
def step_update(*, step: Step, by) -> Step:
    stored = Step.objects.select_for_update().get(pk=step.pk)
    before = _snapshot(stored, STEP_FIELDS)
    step.save(update_fields=[*STEP_FIELDS, "updated_at"])
    changes = _diff(before, step, STEP_FIELDS)
    if changes:
        PlanChange.objects.create(
            goal_id=step.goal_id,
            step_id_value=step.pk,
            action=PlanChange.Action.UPDATED,
            changes=changes,
            by=by,
        )
    return step


def step_done(*, step: Step, by, on: datetime.date | None = None) -> Step:
    if step.done_on is not None:
        return step
    step.done_on = on or timezone.localdate()
    return step_update(step=step, by=by)


@transaction.atomic
def step_delete(*, step: Step, by) -> None:
    """Delete a step; what it said stays in the history of its goal."""
    PlanChange.objects.create(
        goal_id=step.goal_id,
        step_id_value=step.pk,
        action=PlanChange.Action.DELETED,
        changes={
            field: [old, None]
            for field, old in _snapshot(step, STEP_FIELDS).items()
            if old is not None
        },
        by=by,
    )
    step.delete()
