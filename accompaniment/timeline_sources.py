"""What accompaniment adds to the timeline: follow-ups, tasks, goals and steps of the plan.
Notes appear only to those who read notes (mia.permissions.reads_notes)."""

from django.utils.translation import gettext as _

from accompaniment.models import FollowUp, Goal, GoalStatus, Step, Task
from beneficiaries.timeline import Entry, TimelineQuery, register
from mia import permissions
from mia.links import object_url

# Entries name the person they concern: the two columns of the person's thirty that it takes.
PERSON_NAME = ("person__first_name", "person__last_name")


def follow_ups(query: TimelineQuery):
    # A semi-join (IN), not a join + DISTINCT: DISTINCT sorted every wide row of a household's
    # thousands of follow-ups before the LIMIT (35 ms against 8 ms at national scale).
    attended = FollowUp.participants.through.objects.filter(person_id__in=query.person_ids)
    rows = (
        FollowUp.objects.filter(pk__in=attended.values("followup_id"))
        .select_related("author")
        .order_by("-date", "-pk")
    )
    if query.pathway:
        rows = rows.filter(pathways__includes=query.pathway)
    show_notes = permissions.reads_notes(query.user)
    return [
        Entry(
            date=row.date,
            rank=(10, row.pk),
            kind="follow_up",
            title=_("Entretien — %(place)s") % {"place": row.get_place_display()},
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
    return [
        Entry(
            date=row.done_on or row.due_on,
            rank=(11, row.pk),
            kind="task_done" if row.done_on else "task",
            title=(_("Fait : %(title)s") if row.done_on else _("À faire : %(title)s"))
            % {"title": row.title},
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
    for goal in goals.order_by("-created_at", "-pk")[: query.limit]:
        url = object_url("accompaniment:plan", goal.person_id)
        entries.append(
            Entry(
                date=goal.created_at.date(),
                rank=(12, goal.pk),
                kind="goal",
                title=_("Objectif fixé : %(title)s") % {"title": goal.title},
                pathways=(goal.pathway,),
                who=str(goal.person),
                url=url,
            )
        )
        if goal.closed_on:
            label = _("Objectif atteint : %(title)s")
            if goal.status == GoalStatus.ABANDONED:
                label = _("Objectif abandonné : %(title)s")
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
                title=_("Étape franchie : %(title)s") % {"title": step.title},
                pathways=(step.goal.pathway,),
                who=str(step.goal.person),
                url=object_url("accompaniment:plan", step.goal.person_id),
            )
        )
    return entries


def register_sources() -> None:
    register("accompaniment.follow_ups", follow_ups)
    register("accompaniment.tasks", tasks)
    register("accompaniment.plan", plan)
