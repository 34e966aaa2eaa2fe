"""Writes of the access to rights: a person's procedures with the history of their states and
their next step (a Task), the refusals met (obstacles), and the nightly renewals. Views, the
demo loader and later imports call these; each checks its dates itself, so that an import
cannot store a decision before its filing."""

import calendar
import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment import services_actions
from accompaniment.models import (
    OPEN_STATUSES,
    Obstacle,
    ObstacleFollowUp,
    ObstacleKind,
    Procedure,
    ProcedureCategory,
    ProcedureChange,
    ProcedureStatus,
    ProcedureType,
    Task,
)
from accompaniment.rights_grid import renew_days
from beneficiaries.models import Pathway, Person
from mia.concurrency import save_versioned

# What a procedure form may set; the rest (person, type, organisation, history) is the
# service's.
PROCEDURE_FIELDS = (
    "status",
    "filed_on",
    "decided_on",
    "valid_from",
    "valid_until",
    "handler",
    "handler_name",
    "action",
)
OBSTACLE_FIELDS = ("kind", "body", "occurred_on", "follow_up", "follow_up_on", "details")

# The refusal a refused procedure usually is, by what it gives access to.
REFUSAL_OF_CATEGORY = {
    ProcedureCategory.DOMICILIATION: ObstacleKind.DOMICILIATION_REFUSED,
    ProcedureCategory.BANK: ObstacleKind.BANK_REFUSED,
    ProcedureCategory.HEALTH: ObstacleKind.HEALTH_REFUSED,
    ProcedureCategory.SCHOOL: ObstacleKind.SCHOOL_REFUSED,
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of a shorter month: 31 January + 1 month is
    28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_end(procedure_type: ProcedureType, start: datetime.date) -> datetime.date | None:
    """The last day of a right obtained on `start`: a year from 12 May ends on 11 May."""
    if not procedure_type.validity_months:
        return None
    return add_months(start, procedure_type.validity_months) - datetime.timedelta(days=1)


def refusal_kind(procedure_type: ProcedureType) -> str:
    return REFUSAL_OF_CATEGORY.get(procedure_type.category, ObstacleKind.OTHER)


def pathway_of(procedure_type: ProcedureType) -> str:
    """The pathway a procedure's tasks are filed under (school enrolment is schooling)."""
    if procedure_type.category == ProcedureCategory.SCHOOL:
        return Pathway.SCHOOLING
    return Pathway.RIGHTS


# --- Checks --------------------------------------------------------------------------------------


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _complete(procedure: Procedure, *, today: datetime.date) -> None:
    """Dates the state implies and the worker left empty: filed today, decided today, valid
    from the decision and for the type's usual validity."""
    if procedure.status in (ProcedureStatus.FILED, ProcedureStatus.PENDING):
        procedure.filed_on = procedure.filed_on or today
    if procedure.status in (ProcedureStatus.OBTAINED, ProcedureStatus.REFUSED):
        procedure.decided_on = procedure.decided_on or today
    if procedure.status == ProcedureStatus.OBTAINED:
        procedure.valid_from = procedure.valid_from or procedure.decided_on
        if procedure.valid_until is None:
            procedure.valid_until = validity_end(procedure.type, procedure.valid_from)


def _check(procedure: Procedure, *, today: datetime.date) -> None:
    """Every mistake at once, each on its field, in French; nothing is saved."""
    errors: dict[str, str] = {}
    if procedure.status not in ProcedureStatus.values:
        errors["status"] = _("Choisissez l'état de la démarche.")
    if procedure.filed_on and procedure.filed_on > today:
        errors["filed_on"] = _("La date de dépôt ne peut pas être dans le futur.")
    if procedure.decided_on and procedure.decided_on > today:
        errors["decided_on"] = _("La date de décision ne peut pas être dans le futur.")
    elif procedure.decided_on and procedure.filed_on and procedure.decided_on < procedure.filed_on:
        errors["decided_on"] = _(
            "La décision ne peut pas précéder le dépôt de la demande (le %(date)s)."
        ) % {"date": _date(procedure.filed_on)}
    if (
        procedure.valid_until
        and procedure.valid_from
        and procedure.valid_until < procedure.valid_from
    ):
        errors["valid_until"] = _(
            "La fin de validité ne peut pas précéder son début (le %(date)s)."
        ) % {"date": _date(procedure.valid_from)}
    if len(procedure.handler_name) > Procedure._meta.get_field("handler_name").max_length:
        errors["handler_name"] = _("150 caractères au plus.")
    if errors:
        raise ValidationError(errors)


def check_procedure(procedure: Procedure) -> None:
    """The service's checks, for a form to show its errors before anything is written:
    raises ValidationError({field: message}) as procedure_create and procedure_update do."""
    today = timezone.localdate()
    draft = copy.copy(procedure)
    _complete(draft, today=today)
    _check(draft, today=today)


def check_obstacle(obstacle: Obstacle) -> None:
    """The checks of obstacle_record and obstacle_update, for a form."""
    _check_obstacle(obstacle, today=timezone.localdate())


def _check_type(procedure_type: ProcedureType, person: Person) -> None:
    if procedure_type.organisation_id not in (None, person.organisation_id):
        raise ValidationError({"type": _("Ce type de démarche n'est pas celui de votre équipe.")})


def _effective_on(procedure: Procedure, *, today: datetime.date) -> datetime.date:
    """The day the state took effect: filing, decision, the first day after the right, or
    the day it is recorded."""
    if procedure.status in (ProcedureStatus.FILED, ProcedureStatus.PENDING) and procedure.filed_on:
        return procedure.filed_on
    if procedure.status in (ProcedureStatus.OBTAINED, ProcedureStatus.REFUSED):
        return procedure.decided_on or today
    if procedure.status == ProcedureStatus.EXPIRED and procedure.valid_until:
        return min(procedure.valid_until + datetime.timedelta(days=1), today)
    return today


def _assignee(person: Person, by):
    """The person's referent follows their procedures; without one, whoever records it."""
    referent = person.referent if person.referent_id else None
    if referent is not None and referent.is_active:
        return referent
    return by


def _next_step(procedure: Procedure, *, by, title: str, due: datetime.date | None) -> Task | None:
    title = (title or "").strip()
    if not title:
        if due is not None:
            raise ValidationError({"next_step": _("Décrivez la prochaine étape.")})
        return None
    if due is None:
        raise ValidationError({"next_step_due": _("Indiquez pour quand est la prochaine étape.")})
    if len(title) > Task._meta.get_field("title").max_length:
        raise ValidationError({"next_step": _("200 caractères au plus.")})
    return Task.objects.create(
        organisation_id=procedure.organisation_id,
        person_id=procedure.person_id,
        procedure=procedure,
        title=title,
        pathway=pathway_of(procedure.type),
        due_on=due,
        assigned_to=_assignee(procedure.person, by),
        created_by=by,
    )


# --- Procedures ----------------------------------------------------------------------------------


@transaction.atomic
def procedure_create(
    *,
    person: Person,
    type: ProcedureType,
    by,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    renewal_of: Procedure | None = None,
    **fields,
) -> Procedure:
    """Open a procedure of `person`: its first state is in its history, its next step (if
    any) a task of the person's referent. Raises ValidationError ({field: French message})
    and saves nothing when a date contradicts another."""
    unknown = set(fields) - set(PROCEDURE_FIELDS)
    if unknown:
        raise TypeError(f"procedure_create: unknown fields {sorted(unknown)}")
    today = timezone.localdate()
    _check_type(type, person)
    if renewal_of is not None and renewal_of.person_id != person.pk:
        raise ValidationError(_("Cette démarche n'est pas celle de cette personne."))
    procedure = Procedure(
        organisation_id=person.organisation_id,
        person=person,
        type=type,
        renewal_of=renewal_of,
        created_by=by,
        **{"handler_name": "", **fields},
    )
    procedure.handler_name = (procedure.handler_name or "").strip()
    _complete(procedure, today=today)
    _check(procedure, today=today)
    services_actions.check_tie(fields.get("action"), person)
    procedure.save()
    ProcedureChange.objects.create(
        procedure=procedure,
        previous="",
        status=procedure.status,
        on=_effective_on(procedure, today=today),
        by=by,
    )
    _next_step(procedure, by=by, title=next_step, due=next_step_due)
    if renewal_of is not None and renewal_of.renewal_task_id:
        # Its reminder is answered: the renewal is under way.
        Task.objects.filter(pk=renewal_of.renewal_task_id, done_on__isnull=True).update(
            done_on=today
        )
    return procedure


@transaction.atomic
def procedure_update(
    *,
    procedure: Procedure,
    by,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    expected_version: int | None = None,
    **fields,
) -> Procedure:
    """Change a procedure's state, dates or handler. A new state goes into its history
    (previous state, new state, the day it took effect, who); a right obtained gets its
    validity from its type unless its end is given. With `expected_version` (the form's),
    a procedure changed meanwhile is not overwritten (mia.concurrency.ConflictError)."""
    unknown = set(fields) - set(PROCEDURE_FIELDS)
    if unknown:
        raise TypeError(f"procedure_update: unknown fields {sorted(unknown)}")
    today = timezone.localdate()
    stored = Procedure.objects.select_for_update().get(pk=procedure.pk)
    for name, value in fields.items():
        setattr(procedure, name, value)
    procedure.handler_name = (procedure.handler_name or "").strip()
    _complete(procedure, today=today)
    _check(procedure, today=today)
    if "action" in fields:
        services_actions.check_tie(fields["action"], procedure.person, kept=stored.action_id)
    update_fields = [*PROCEDURE_FIELDS, "updated_at"]
    # A corrected end date: the reminder not acted on yet is made again for the new one.
    moved = stored.renewal_task_id and procedure.valid_until != stored.valid_until
    if moved and Task.objects.filter(pk=stored.renewal_task_id, done_on__isnull=True).delete()[0]:
        procedure.renewal_task = None
        update_fields.append("renewal_task")
    if expected_version is not None:
        save_versioned(procedure, expected=expected_version, update_fields=update_fields)
    else:
        procedure.version = stored.version + 1
        procedure.save(update_fields=[*update_fields, "version"])
    if procedure.status != stored.status:
        ProcedureChange.objects.create(
            procedure=procedure,
            previous=stored.status,
            status=procedure.status,
            on=_effective_on(procedure, today=today),
            by=by,
        )
    _next_step(procedure, by=by, title=next_step, due=next_step_due)
    return procedure


# --- Obstacles -----------------------------------------------------------------------------------


def _check_obstacle(obstacle: Obstacle, *, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if obstacle.kind not in ObstacleKind.values:
        errors["kind"] = _("Choisissez le refus rencontré.")
    if obstacle.follow_up not in ObstacleFollowUp.values:
        errors["follow_up"] = _("Choisissez la suite donnée.")
    if not obstacle.body:
        errors["body"] = _("Indiquez qui a refusé (la mairie, la banque, la caisse…).")
    elif len(obstacle.body) > Obstacle._meta.get_field("body").max_length:
        errors["body"] = _("150 caractères au plus.")
    if len(obstacle.details) > Obstacle._meta.get_field("details").max_length:
        errors["details"] = _("2000 caractères au plus.")
    if obstacle.occurred_on is None:
        errors["occurred_on"] = _("Indiquez la date du refus.")
    elif obstacle.occurred_on > today:
        errors["occurred_on"] = _("La date du refus ne peut pas être dans le futur.")
    if obstacle.follow_up_on:
        if obstacle.follow_up == ObstacleFollowUp.NONE:
            errors["follow_up"] = _("Choisissez la suite donnée à cette date.")
        elif obstacle.occurred_on and obstacle.follow_up_on < obstacle.occurred_on:
            errors["follow_up_on"] = _("La suite ne peut pas précéder le refus (le %(date)s).") % {
                "date": _date(obstacle.occurred_on)
            }
    if errors:
        raise ValidationError(errors)


def _check_obstacle_procedure(procedure: Procedure | None, person_id: int) -> None:
    if procedure is not None and procedure.person_id != person_id:
        raise ValidationError(_("Cette démarche n'est pas celle de cette personne."))


@transaction.atomic
def obstacle_record(
    *, person: Person, by, procedure: Procedure | None = None, **fields
) -> Obstacle:
    """Record a refusal met by `person` (of a procedure of theirs, if any)."""
    unknown = set(fields) - set(OBSTACLE_FIELDS)
    if unknown:
        raise TypeError(f"obstacle_record: unknown fields {sorted(unknown)}")
    _check_obstacle_procedure(procedure, person.pk)
    obstacle = Obstacle(
        organisation_id=person.organisation_id,
        person=person,
        procedure=procedure,
        recorded_by=by,
        **{"follow_up": ObstacleFollowUp.NONE, "details": "", "body": "", **fields},
    )
    obstacle.body, obstacle.details = obstacle.body.strip(), obstacle.details.strip()
    _check_obstacle(obstacle, today=timezone.localdate())
    obstacle.save()
    return obstacle


@transaction.atomic
def obstacle_update(*, obstacle: Obstacle, by, **fields) -> Obstacle:
    """Correct a refusal or record what was done about it (an appeal, a mediation…)."""
    unknown = set(fields) - set(OBSTACLE_FIELDS)
    if unknown:
        raise TypeError(f"obstacle_update: unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obstacle, name, value)
    obstacle.body, obstacle.details = obstacle.body.strip(), obstacle.details.strip()
    _check_obstacle(obstacle, today=timezone.localdate())
    obstacle.save(update_fields=[*OBSTACLE_FIELDS, "updated_at"])
    return obstacle


# --- Renewals (accompaniment.tasks.procedure_renewals, nightly) ----------------------------------


def _obtained_ending(today: datetime.date):
    return Procedure.objects.filter(
        status=ProcedureStatus.OBTAINED, valid_until__isnull=False, valid_until__gte=today
    )


def expire_ended(today: datetime.date) -> int:
    """Rights whose last day is past become "expired", each with its history line (by no
    one: the night's task). Run twice, the second run finds none left."""
    with transaction.atomic():
        # Locked, then changed only if still obtained: a second run at the same time waits,
        # then finds nothing to change.
        ended = list(
            Procedure.objects.select_for_update()
            .filter(status=ProcedureStatus.OBTAINED, valid_until__lt=today)
            .values_list("pk", "valid_until")
            .order_by("pk")
        )
        if not ended:
            return 0
        Procedure.objects.filter(
            pk__in=[pk for pk, _until in ended], status=ProcedureStatus.OBTAINED
        ).update(
            status=ProcedureStatus.EXPIRED,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        ProcedureChange.objects.bulk_create(
            ProcedureChange(
                procedure_id=pk,
                previous=ProcedureStatus.OBTAINED,
                status=ProcedureStatus.EXPIRED,
                on=until + datetime.timedelta(days=1),
                by=None,
            )
            for pk, until in ended
        )
    return len(ended)


def renewals_due(today: datetime.date) -> dict[str, int]:
    """The nightly pass: rights past their last day are marked expired; each right obtained
    whose renewal date (its end minus its type's renew_before_days) has come gets ONE
    reminder, a task "Renouveler : <type>" of the person's referent, due that day (or today
    when it is past), kept in `renewal_task`: a second run, or two at once, make no other.
    A right already being renewed (a newer procedure renews it) or of someone who left the
    programme gets none."""
    expired = expire_ended(today)
    reminders = 0
    candidates = (
        _obtained_ending(today)
        .filter(renewal_task__isnull=True, person__exited_on__isnull=True)
        .exclude(renewals__status__in=[*OPEN_STATUSES, ProcedureStatus.OBTAINED])
        .select_related("type", "person__referent", "created_by")
        .order_by("valid_until", "pk")
    )
    for procedure in candidates.iterator(chunk_size=500):
        renew_on = procedure.valid_until - datetime.timedelta(days=renew_days(procedure.type))
        if renew_on > today:
            continue
        reminders += _remind(procedure, due=max(renew_on, today))
    return {"expired": expired, "reminders": reminders}


def _remind(procedure: Procedure, *, due: datetime.date) -> int:
    with transaction.atomic():
        # Locked and read again: another run may have made its reminder since the list was read.
        locked = (
            Procedure.objects.select_for_update()
            .filter(pk=procedure.pk, renewal_task__isnull=True, status=ProcedureStatus.OBTAINED)
            .values_list("pk", flat=True)
            .first()
        )
        if locked is None:
            return 0
        person = procedure.person
        task = Task.objects.create(
            organisation_id=procedure.organisation_id,
            person_id=procedure.person_id,
            procedure=procedure,
            title=_("Renouveler : %(type)s") % {"type": procedure.type.name},
            pathway=pathway_of(procedure.type),
            due_on=due,
            assigned_to=_assignee(person, procedure.created_by),
        )
        # Conditional as well: on a database without row locks, the first write wins.
        linked = Procedure.objects.filter(pk=procedure.pk, renewal_task__isnull=True).update(
            renewal_task=task
        )
        if not linked:
            task.delete()
            return 0
    return 1
