"""What accompaniment adds to the timeline: follow-ups, tasks, goals and steps of the plan.
Notes appear only to those who read notes (mia.permissions.reads_notes)."""

from django.utils.translation import gettext as _

from accompaniment.models import FollowUp, Goal, GoalStatus, Place, Step, Task
from beneficiaries.timeline import PERSON_NAME, Entry, TimelineQuery, register
from mia import permissions
from mia.links import object_url


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
    # Translated once, not once per entry (up to a thousand on a long timeline).
    title = _("Entretien — %(place)s")
    places = {value: str(label) for value, label in Place.choices}
    return [
        Entry(
            date=row.date,
            rank=(10, row.pk),
            kind="follow_up",
            title=title % {"place": places.get(row.place, row.place)},
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


def register_sources() -> None:
    register("accompaniment.follow_ups", follow_ups)
    register("accompaniment.tasks", tasks)
    register("accompaniment.plan", plan)
