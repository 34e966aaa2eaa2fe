"""Transfers that carry the work: a change of referent moves, in the same transaction, the
people's open tasks and future appointments that were the former referent's, records why, and
tells the new referent in MIA (accompaniment.notices)."""

import datetime

from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from accompaniment import notices
from accompaniment.models import Appointment, AppointmentStatus, NoticeKind, Task, Transfer
from beneficiaries import services
from beneficiaries.models import Person
from mia.links import object_url

# People per statement: under SQLite's old limit of 999 parameters (as caseload_transfer).
CHUNK = 900


def open_tasks(people: QuerySet[Person]) -> QuerySet[Task]:
    """The open tasks of `people` held by their referent of now: what a transfer moves."""
    return Task.objects.filter(
        person__in=people, done_on__isnull=True, assigned_to_id=F("person__referent_id")
    )


def future_appointments(people: QuerySet[Person], *, today: datetime.date) -> QuerySet[Appointment]:
    """The planned appointments of `people`, from `today` on, that their referent of now
    follows: what a transfer moves (the past ones are history and stay as they were)."""
    return Appointment.objects.filter(
        person__in=people,
        status=AppointmentStatus.PLANNED,
        date__gte=today,
        worker_id=F("person__referent_id"),
    )


class NothingToTransfer(Exception):
    """Everyone concerned is already followed by the new referent."""


@transaction.atomic
def transfer_work(
    *,
    people: QuerySet[Person],
    to_referent,
    reason: str,
    on: datetime.date,
    scope: str,
    by,
) -> Transfer:
    """Make `to_referent` the referent of `people` (those not followed by them already) from
    `on`, with their open tasks and future appointments that were their former referent's;
    record the transfer (`scope`: a Transfer.Scope) and notify the new referent once."""
    today = timezone.localdate()
    # Locked first, so the work counted and the people moved are the same rows.
    moving = list(
        people.exclude(referent_id=to_referent.pk)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "referent_id")
    )
    if not moving:
        raise NothingToTransfer
    ids = [pk for pk, _ in moving]
    formers = {referent_id for _, referent_id in moving}
    tasks = appointments = 0
    for start in range(0, len(ids), CHUNK):
        chunk = Person.objects.filter(pk__in=ids[start : start + CHUNK])
        # Before the referent changes: the work is found by the person's referent of now.
        tasks += open_tasks(chunk).update(assigned_to=to_referent)
        appointments += future_appointments(chunk, today=today).update(
            worker=to_referent, updated_at=timezone.now()
        )
        services.caseload_transfer(persons=chunk, to_referent=to_referent, by=by, on=on)
    transfer = Transfer.objects.create(
        organisation_id=to_referent.organisation_id,
        scope=scope,
        from_referent_id=formers.pop() if len(formers) == 1 else None,
        to_referent=to_referent,
        on=on,
        reason=reason,
        tasks_moved=tasks,
        appointments_moved=appointments,
        by=by,
    )
    Transfer.people.through.objects.bulk_create(
        [Transfer.people.through(transfer=transfer, person_id=pk) for pk in ids],
        batch_size=CHUNK,
    )
    person = Person.objects.get(pk=ids[0]) if len(ids) == 1 else None
    notices.notify(
        to_referent,
        NoticeKind.TRANSFER,
        person=person,
        # One file opens the file; more open the caseload of the new referent's home page.
        url=object_url("beneficiaries:person_detail", person.pk) if person else reverse("home"),
        count=len(ids),
    )
    return transfer
