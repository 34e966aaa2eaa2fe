"""What accompaniment adds to the timeline: follow-ups, tasks, goals and steps of the plan,
appointments. Notes (and appointments) appear only to those who read notes
(mia.permissions.reads_notes)."""

from django.db.models import F
from django.utils.translation import gettext as _

from accompaniment.models import (
    Appointment,
    AppointmentPlace,
    AppointmentStatus,
    FollowUp,
    Goal,
    GoalStatus,
    Place,
    Step,
    Task,
    Transfer,
)
from beneficiaries.timeline import PERSON_NAME, Entry, TimelineQuery, register
from mia import permissions
from mia.links import object_url


def with_action(title: str, action_name: str | None, within: str) -> str:
    """An entry's title naming the local action it was part of (`within`: its wording,
    translated once by the caller)."""
    return within % {"title": title, "action": action_name} if action_name else title


def within_action() -> str:
    return _("%(title)s · action « %(action)s »")


def follow_ups(query: TimelineQuery):
    # A semi-join (IN), not a join + DISTINCT: DISTINCT sorted every wide row of a household's
    # thousands of follow-ups before the LIMIT (35 ms against 8 ms at national scale).
    attended = FollowUp.participants.through.objects.filter(person_id__in=query.person_ids)
    rows = (
        FollowUp.objects.filter(pk__in=attended.values("followup_id"))
        .select_related("author")
        .annotate(action_name=F("action__name"))
        .order_by("-date", "-pk")
    )
    if query.pathway:
        rows = rows.filter(pathways__includes=query.pathway)
    show_notes = permissions.reads_notes(query.user)
    # Translated once, not once per entry (up to a thousand on a long timeline).
    title = _("Entretien — %(place)s")
    # The local action it was part of (accompaniment.models.actions), when there is one.
    within = within_action()
    places = {value: str(label) for value, label in Place.choices}
    return [
        Entry(
            date=row.date,
            rank=(10, row.pk),
            kind="follow_up",
            title=with_action(
                title % {"place": places.get(row.place, row.place)}, row.action_name, within
            ),
            detail=row.note if show_notes else "",
            pathways=tuple(row.pathways),
            who=str(row.author or ""),
            # Its author (or a coordinator) opens it to correct it; others go to the file.
            url=object_url("accompaniment:followup_edit", row.pk)
            if permissions.can_edit_follow_up(query.user, row)
            else object_url("beneficiaries:person_detail", row.person_id),
        )
        for row in rows[: query.limit]
    ]


def tasks(query: TimelineQuery):
    if not permissions.reads_notes(query.user):
        return []
    rows = (
        Task.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("title", "pathway", "due_on", "done_on", *PERSON_NAME)
        .order_by("-due_on", "-pk")
    )
    if query.pathway:
        rows = rows.filter(pathway=query.pathway)
    done, to_do = _("Fait : %(title)s"), _("À faire : %(title)s")
    return [
        Entry(
            date=row.done_on or row.due_on,
            rank=(11, row.pk),
            kind="task_done" if row.done_on else "task",
            title=(done if row.done_on else to_do) % {"title": row.title},
            pathways=(row.pathway,) if row.pathway else (),
            who=str(row.person),
        )
        for row in rows[: query.limit]
    ]


def plan(query: TimelineQuery):
    goals = (
        Goal.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("pathway", "title", "status", "closed_on", "created_at", *PERSON_NAME)
    )
    steps = (
        Step.objects.filter(goal__person_id__in=query.person_ids, done_on__isnull=False)
        .select_related("goal__person")
        .only(
            "title",
            "done_on",
            "goal__pathway",
            *(f"goal__{field}" for field in PERSON_NAME),
        )
    )
    if query.pathway:
        goals = goals.filter(pathway=query.pathway)
        steps = steps.filter(goal__pathway=query.pathway)
    entries = []
    fixed, reached = _("Objectif fixé : %(title)s"), _("Objectif atteint : %(title)s")
    abandoned, step_done = _("Objectif abandonné : %(title)s"), _("Étape franchie : %(title)s")
    for goal in goals.order_by("-created_at", "-pk")[: query.limit]:
        url = object_url("accompaniment:plan", goal.person_id)
        entries.append(
            Entry(
                date=goal.created_at.date(),
                rank=(12, goal.pk),
                kind="goal",
                title=fixed % {"title": goal.title},
                pathways=(goal.pathway,),
                who=str(goal.person),
                url=url,
            )
        )
        if goal.closed_on:
            label = abandoned if goal.status == GoalStatus.ABANDONED else reached
            entries.append(
                Entry(
                    date=goal.closed_on,
                    rank=(12, goal.pk),
                    kind="goal_closed",
                    title=label % {"title": goal.title},
                    pathways=(goal.pathway,),
                    who=str(goal.person),
                    url=url,
                )
            )
    for step in steps.order_by("-done_on", "-pk")[: query.limit]:
        entries.append(
            Entry(
                date=step.done_on,
                rank=(13, step.pk),
                kind="step",
                title=step_done % {"title": step.title},
                pathways=(step.goal.pathway,),
                who=str(step.goal.person),
                url=object_url("accompaniment:plan", step.goal.person_id),
            )
        )
    return entries


def transfers(query: TimelineQuery):
    """A transfer, "Transfert de X à Y — motif": the reason is the team's own words, for
    those who read notes; the others see who handed over to whom."""
    if query.pathway:
        return []
    rows = (
        Transfer.people.through.objects.filter(person_id__in=query.person_ids)
        .select_related("transfer__from_referent", "transfer__to_referent", "person")
        .only(
            "transfer__on",
            "transfer__reason",
            *(
                f"transfer__{side}__{field}"
                for side in ("from_referent", "to_referent")
                for field in ("first_name", "last_name", "email")
            ),
            *PERSON_NAME,
        )
        .order_by("-transfer__on", "-transfer_id")
    )
    show_reason = permissions.reads_notes(query.user)
    between, to = _("Transfert de %(from)s à %(to)s"), _("Transfert à %(to)s")
    entries = []
    for row in rows[: query.limit]:
        transfer = row.transfer
        names = {"from": transfer.from_referent, "to": transfer.to_referent or "—"}
        title = (between if transfer.from_referent else to) % names
        if show_reason:
            title = f"{title} — {transfer.reason}"
        entries.append(
            Entry(
                date=transfer.on,
                rank=(14, row.transfer_id),
                kind="transfer",
                title=title,
                who=str(row.person),
                url=object_url("beneficiaries:person_detail", row.person_id),
            )
        )
    return entries


def appointments(query: TimelineQuery):
    """Rendez-vous, planned or past: the team's diary, like tasks, for those who read notes."""
    if not permissions.reads_notes(query.user):
        return []
    rows = (
        Appointment.objects.filter(person_id__in=query.person_ids)
        .select_related("person", "partner", "worker")
        .only(
            *("date", "time", "place", "pathway", "purpose", "status"),
            *("partner__name", "worker__first_name", "worker__last_name", "worker__email"),
            *PERSON_NAME,
        )
        .order_by("-date", "-time", "-pk")
    )
    if query.pathway:
        rows = rows.filter(pathway=query.pathway)
    title = _("Rendez-vous à %(time)s — %(where)s")
    places = {value: str(label) for value, label in AppointmentPlace.choices}
    statuses = {value: str(label) for value, label in AppointmentStatus.choices}
    entries = []
    for row in rows[: query.limit]:
        text = title % {
            "time": row.time.strftime("%H:%M"),
            "where": row.partner.name if row.partner_id else places.get(row.place, row.place),
        }
        if row.status != AppointmentStatus.PLANNED:
            text = f"{text} ({statuses[row.status].lower()})"
        entries.append(
            Entry(
                date=row.date,
                rank=(15, row.pk),
                kind=f"appointment_{row.status}",
                title=text,
                detail=row.purpose,
                pathways=(row.pathway,) if row.pathway else (),
                who=str(row.person),
                url=object_url("accompaniment:appointment_edit", row.pk),
            )
        )
    return entries


def register_sources() -> None:
    register("accompaniment.follow_ups", follow_ups)
    register("accompaniment.tasks", tasks)
    register("accompaniment.plan", plan)
    register("accompaniment.appointments", appointments)
    register("accompaniment.transfers", transfers)
