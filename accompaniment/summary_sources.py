"""What accompaniment adds to the summary at the top of a person's or a household's page
(beneficiaries.summary): the last follow-ups, the open tasks, the coming appointments, the
current goals of the projet personnalisé with their next step, and the buttons to log a
follow-up or book an appointment.

One query per block, whatever the number of rows: the count comes with the first rows (a
window COUNT(*) OVER (), computed before the LIMIT). Notes and task titles are for those who
read notes (mia.permissions.reads_notes); managers see dates, places and pathways."""

from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
)
from beneficiaries.models import Person
from beneficiaries.summary import (
    ROWS,
    Action,
    Block,
    Row,
    SummaryQuery,
    allowed,
    first_line,
    last_contact,
    pathway_labels,
    register,
    short_date,
)
from mia import permissions
from mia.links import object_url

OPEN_GOALS = [GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS]


def _counted(rows) -> tuple[list, int]:
    """The first ROWS rows and the count of all, in one query (see the module's docstring)."""
    shown = list(rows.annotate(total=Window(Count("pk")))[:ROWS])
    return shown, shown[0].total if shown else 0


def _person_url(query: SummaryQuery, name: str) -> str:
    """The block's full list: a person's own page; none on a household's (rows link each)."""
    return "" if query.household else allowed(query.user, object_url(name, query.people[0].pk))


def follow_ups(query: SummaryQuery):
    # A semi-join on the participants, as the timeline does: a follow-up logged from a
    # relative's file counts for everyone who was present.
    attended = FollowUp.participants.through.objects.filter(person_id__in=query.person_ids)
    show_notes = permissions.reads_notes(query.user)
    fields = ["organisation_id", "person_id", "author_id", "date", "place", "pathways"]
    rows = (
        FollowUp.objects.filter(pk__in=attended.values("followup_id"))
        .only(*fields, *(["note"] if show_notes else []))
        .order_by("-date", "-pk")
    )
    if query.household:
        # Whom a row concerns, among the members only: a follow-up logged from another
        # household's file never names that file here.
        present = Person.objects.filter(pk__in=query.person_ids).only("first_name", "last_name")
        rows = rows.prefetch_related(Prefetch("participants", queryset=present))
    shown, total = _counted(rows)
    places = {value: str(label) for value, label in Place.choices}
    latest = last_contact(query)
    # Without any, the block's empty text says so.
    lead = _("Dernier contact le %(date)s.") % {"date": short_date(latest)} if latest else ""
    yield Block(
        key="follow_ups",
        order=10,
        title=_("Derniers entretiens"),
        count=total,
        count_label=ngettext("%(count)d entretien", "%(count)d entretiens", total)
        % {"count": total},
        lead=lead,
        rows=tuple(
            Row(
                text=places.get(row.place, row.place),
                date=row.date,
                meta=pathway_labels(row.pathways),
                detail=first_line(row.note) if show_notes else "",
                who=", ".join(str(person) for person in row.participants.all())
                if query.household
                else "",
                url=object_url("accompaniment:followup_edit", row.pk)
                if permissions.can_edit_follow_up(query.user, row)
                else "",
            )
            for row in shown
        ),
        link=object_url(
            "beneficiaries:household_timeline"
            if query.household
            else "beneficiaries:person_timeline",
            query.household.pk if query.household else query.people[0].pk,
        ),
        link_label=_("Tout l'historique"),
        empty=_("Aucun entretien enregistré."),
    )


def tasks(query: SummaryQuery):
    # A task's title is the worker's own words, as a note is (NotesQuerySet).
    if not permissions.reads_notes(query.user):
        return
    rows = (
        Task.objects.visible_to(query.user)
        .filter(person_id__in=query.person_ids, done_on__isnull=True)
        .select_related("assigned_to")
        .only(
            "person_id",
            "title",
            "due_on",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_to__email",
        )
        .order_by("due_on", "pk")
    )
    shown, total = _counted(rows)
    names = query.names
    yield Block(
        key="tasks",
        order=20,
        title=_("Tâches à faire"),
        count=total,
        count_label=ngettext("%(count)d tâche ouverte", "%(count)d tâches ouvertes", total)
        % {"count": total},
        rows=tuple(
            Row(
                text=row.title,
                date=row.due_on,
                late=row.due_on < query.today,
                meta=_("pour %(who)s") % {"who": row.assigned_to} if row.assigned_to else "",
                who=names.get(row.person_id, ""),
                url=object_url("accompaniment:plan", row.person_id),
            )
            for row in shown
        ),
        link=_person_url(query, "accompaniment:plan"),
        link_label=_("Voir le projet et les tâches"),
        empty=_("Aucune tâche ouverte."),
    )


def appointments(query: SummaryQuery):
    rows = (
        Appointment.objects.visible_to(query.user)
        .filter(
            person_id__in=query.person_ids,
            status=AppointmentStatus.PLANNED,
            date__gte=query.today,
        )
        .select_related("partner")
        .only("person_id", "date", "time", "place", "purpose", "partner__name")
        .order_by("date", "time", "pk")
    )
    shown, total = _counted(rows)
    places = {value: str(label) for value, label in AppointmentPlace.choices}
    # The purpose is the team's own words: for those who read notes.
    show_purpose = permissions.reads_notes(query.user)
    names = query.names
    yield Block(
        key="appointments",
        order=30,
        title=_("Prochains rendez-vous"),
        count=total,
        count_label=ngettext(
            "%(count)d rendez-vous à venir", "%(count)d rendez-vous à venir", total
        )
        % {"count": total},
        rows=tuple(
            Row(
                text=(row.purpose if show_purpose else "")
                or (row.partner.name if row.partner else places.get(row.place, row.place)),
                date=row.date,
                meta=_("à %(time)s") % {"time": row.time.strftime("%H:%M")}
                + (
                    f" — {row.partner.name}" if row.partner and show_purpose and row.purpose else ""
                ),
                who=names.get(row.person_id, ""),
                url=allowed(
                    query.user, object_url("accompaniment:person_appointments", row.person_id)
                ),
            )
            for row in shown
        ),
        link=_person_url(query, "accompaniment:person_appointments"),
        link_label=_("Tous les rendez-vous"),
        empty=_("Aucun rendez-vous prévu."),
    )


def plan(query: SummaryQuery):
    # Each goal's next open step (the earliest due; undated ones last), in the goals' query.
    next_step = Step.objects.filter(goal=OuterRef("pk"), done_on__isnull=True).order_by(
        F("due_on").asc(nulls_last=True), "pk"
    )
    rows = (
        Goal.objects.visible_to(query.user)
        .filter(person_id__in=query.person_ids, status__in=OPEN_GOALS)
        .only("person_id", "pathway", "title", "status")
        .annotate(
            step_title=Subquery(next_step.values("title")[:1]),
            step_due=Subquery(next_step.values("due_on")[:1]),
        )
        .order_by("created_at", "pk")
    )
    shown, total = _counted(rows)
    names = query.names
    result = []
    for goal in shown:
        if goal.step_title is None:
            detail = _("Aucune étape prévue.")
        elif goal.step_due:
            detail = _("Prochaine étape : %(step)s, pour le %(date)s") % {
                "step": goal.step_title,
                "date": short_date(goal.step_due),
            }
        else:
            detail = _("Prochaine étape : %(step)s") % {"step": goal.step_title}
        result.append(
            Row(
                text=goal.title,
                meta=f"{pathway_labels([goal.pathway])} — {goal.get_status_display()}",
                detail=detail,
                late=bool(goal.step_due and goal.step_due < query.today),
                who=names.get(goal.person_id, ""),
                url=object_url("accompaniment:plan", goal.person_id) + f"#objectif-{goal.pk}",
            )
        )
    yield Block(
        key="plan",
        order=40,
        title=_("Objectifs en cours"),
        count=total,
        count_label=ngettext("%(count)d objectif en cours", "%(count)d objectifs en cours", total)
        % {"count": total},
        rows=tuple(result),
        link=_person_url(query, "accompaniment:plan"),
        link_label=_("Voir le projet personnalisé"),
        empty=_("Aucun objectif en cours."),
    )


def actions(query: SummaryQuery):
    """What the worker does next from a person's file (a household's page lists its members)."""
    if query.household:
        return
    person = query.people[0]
    if url := allowed(query.user, object_url("accompaniment:followup_create", person.pk)):
        yield Action(label=_("Entretien"), url=url, primary=True)
    if person.exited_on is None and (
        url := allowed(query.user, object_url("accompaniment:appointment_create", person.pk))
    ):
        yield Action(label=_("Prendre rendez-vous"), url=url)


def register_sources() -> None:
    register("accompaniment.actions", actions)
    register("accompaniment.follow_ups", follow_ups)
    register("accompaniment.tasks", tasks)
    register("accompaniment.appointments", appointments)
    register("accompaniment.plan", plan)
