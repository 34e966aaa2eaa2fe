"""Social workers' daily pages: follow-ups, tasks, and the projet personnalisé (the home page,
with "my week" and the caseload, is accompaniment/week.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompaniment import services
from accompaniment.forms import FollowUpEditForm, FollowUpForm, GoalForm, StepForm
from accompaniment.models import FollowUp, Goal, GoalStatus, PlanChange, Step, Task
from beneficiaries.models import Pathway, Person
from mia import audit, permissions
from mia.concurrency import ConflictError
from mia.params import next_url
from mia.permissions import access

PLAN_HISTORY_LIMIT = 100


# --- Follow-ups --------------------------------------------------------------------------------


def _draft_key(person: Person) -> str:
    # The browser keeps the draft under the person's id, never their name (static/js/draft.js).
    return f"followup:{person.pk}"


@access(permissions.reads_notes, hide=True)
def followup_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    form = FollowUpForm(request.POST or None, person=person)
    # Read before the save: a bad `next` must never fail a follow-up already stored.
    done_url = next_url(request, reverse("beneficiaries:person_detail", args=[person.pk]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        goal = data.get("next_step_goal")
        try:
            services.follow_up_create(
                person=person,
                by=request.user,
                date=data["date"],
                place=data["place"],
                pathways=data["pathways"],
                note=data["note"],
                participants=data["participants"],
                next_step=data["next_step"] or None,
                next_step_due=data["next_step_due"],
                next_step_goal=goal,
                token=data["token"],
                action=data.get("action"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("L'entretien est enregistré.")
            if data["next_step"] and goal:
                message = _(
                    "L'entretien est enregistré, et la prochaine étape ajoutée au projet "
                    "personnalisé (objectif « %(goal)s »)."
                ) % {"goal": goal.title}
            elif data["next_step"]:
                message = _(
                    "L'entretien est enregistré, et la prochaine étape ajoutée à vos tâches."
                )
            # The tag tells the next page which browser draft the server now holds.
            messages.success(request, message, extra_tags=f"draft:{_draft_key(person)}")
            return redirect(done_url)
    audit.record_read(request, person, section="followup")
    return render(
        request,
        "accompaniment/followup_form.html",
        {
            "form": form,
            "person": person,
            "draft_key": _draft_key(person),
            "next": next_url(request, ""),
        },
    )


@access(permissions.reads_notes, hide=True)
def followup_edit(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.visible_to(request.user).select_related("person", "author"), pk=pk
    )
    if not permissions.can_edit_follow_up(request.user, follow_up):
        raise PermissionDenied
    person = follow_up.person
    done_url = reverse("beneficiaries:person_detail", args=[person.pk])
    if request.method == "POST" and "delete" in request.POST:
        services.follow_up_delete(follow_up=follow_up, by=request.user)
        messages.success(request, _("L'entretien a été supprimé."))
        return redirect(done_url)
    form = FollowUpEditForm(request.POST or None, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_update(
                follow_up=follow_up,
                by=request.user,
                date=data["date"],
                place=data["place"],
                pathways=data["pathways"],
                note=data["note"],
                participants=data["participants"],
                action=data["action"] if "action" in form.fields else services.UNCHANGED,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'entretien a été corrigé."))
            return redirect(done_url)
    audit.record_read(request, follow_up, section="followup")
    return render(
        request,
        "accompaniment/followup_form.html",
        {"form": form, "person": person, "follow_up": follow_up},
    )


# --- Tasks -------------------------------------------------------------------------------------


@access(permissions.reads_notes, hide=True)
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("person"), pk=pk)
    if not permissions.can_complete_task(request.user, task):
        raise Http404
    done_url = next_url(request, reverse("home"))
    services.task_done(task=task, by=request.user)
    if request.htmx:
        return render(
            request,
            "accompaniment/partials/task_row.html",
            {"task": task, "today": timezone.localdate(), "home_url": reverse("home")},
        )
    messages.success(request, _("La tâche est faite."))
    return redirect(done_url)


# --- Projet personnalisé -----------------------------------------------------------------------


def _field_label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name).capitalize()


def _history(rows: list[PlanChange], goals: list[Goal]) -> list[dict]:
    """History rows as sentences: who, when, what (goal or step, by its title), and each
    field's old and new value as they were shown then."""
    step_titles = {step.pk: step.title for goal in goals for step in goal.steps.all()}
    for row in rows:
        if row.step_id_value and "title" in row.changes:
            old, new = row.changes["title"]
            step_titles.setdefault(row.step_id_value, new or old)
    items = []
    for row in rows:
        model = Step if row.step_id_value else Goal
        if row.step_id_value:
            subject = _("étape « %(title)s »") % {
                "title": step_titles.get(row.step_id_value, row.step_id_value)
            }
        else:
            subject = _("objectif « %(title)s »") % {"title": row.goal.title}
        items.append(
            {
                "row": row,
                "subject": subject,
                "changes": [
                    (_field_label(model, field), old, new)
                    for field, (old, new) in row.changes.items()
                ],
            }
        )
    return items


def _editable_person(request: HttpRequest, person: Person) -> None:
    if not permissions.can_edit_person(request.user, person):
        raise PermissionDenied


def _plan_url(goal: Goal) -> str:
    return reverse("accompaniment:plan", args=[goal.person_id]) + f"#objectif-{goal.pk}"


@access(permissions.reads_person_files, hide=True)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    audit.record_read(request, person, section="plan")
    steps = Step.objects.order_by(F("due_on").asc(nulls_last=True), "pk")
    goals = list(
        Goal.objects.visible_to(request.user)
        .filter(person=person)
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("created_at", "pk")
    )
    by_pathway = {code: [] for code in Pathway.values}
    for goal in goals:
        by_pathway.setdefault(goal.pathway, []).append(goal)
    # Every pathway, even without a goal yet: the projet is read (and filled) as a whole.
    sections = [(code, label, by_pathway[code]) for code, label in Pathway.choices]
    # The person's to-dos, apart from the steps of the projet (none for who reads no notes).
    tasks = None
    if permissions.reads_notes(request.user):
        tasks = list(
            Task.objects.visible_to(request.user)
            .filter(person=person, done_on__isnull=True)
            .select_related("assigned_to")
            .order_by("due_on", "pk")
        )
    history = list(
        PlanChange.objects.filter(goal__person=person).select_related("goal", "by")[
            :PLAN_HISTORY_LIMIT
        ]
    )
    return render(
        request,
        "accompaniment/plan.html",
        {
            "person": person,
            "sections": sections,
            "has_goals": bool(goals),
            "tasks": tasks,
            "history": _history(history, goals),
            "can_edit": permissions.can_edit_person(request.user, person),
            "today": timezone.localdate(),
        },
    )


@access(permissions.keeps_caseload, hide=True)
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    _editable_person(request, person)
    pathway = request.GET.get("parcours")
    form = GoalForm(
        request.POST or None, initial={"pathway": pathway if pathway in Pathway.values else None}
    )
    if request.method == "POST" and form.is_valid():
        goal = services.goal_create(goal=form.save(commit=False), person=person, by=request.user)
        messages.success(request, _("L'objectif est ajouté au projet."))
        return redirect(_plan_url(goal))
    audit.record_read(request, person, section="plan")
    return render(request, "accompaniment/goal_form.html", {"form": form, "person": person})


@access(permissions.keeps_caseload, hide=True)
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.visible_to(request.user).select_related("person"), pk=pk)
    _editable_person(request, goal.person)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                goal=form.save(commit=False),
                by=request.user,
                expected_version=form.expected_version,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        else:
            messages.success(request, _("L'objectif est mis à jour."))
            return redirect(_plan_url(goal))
    audit.record_read(request, goal, section="plan")
    return render(
        request,
        "accompaniment/goal_form.html",
        {"form": form, "person": goal.person, "goal": goal},
    )


@access(permissions.keeps_caseload, hide=True)
def step_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.visible_to(request.user).select_related("person"), pk=pk)
    _editable_person(request, goal.person)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        not_started = goal.status == GoalStatus.NOT_STARTED
        services.step_create(step=form.save(commit=False), goal=goal, by=request.user)
        message = _("L'étape est ajoutée.")
        if not_started and goal.status == GoalStatus.IN_PROGRESS:
            message = _("L'étape est ajoutée, et l'objectif est maintenant « en cours ».")
        messages.success(request, message)
        return redirect(_plan_url(goal))
    audit.record_read(request, goal, section="plan")
    return render(
        request,
        "accompaniment/step_form.html",
        {"form": form, "person": goal.person, "goal": goal},
    )


@access(permissions.keeps_caseload, hide=True)
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a step; the plan's "done" and "delete" buttons post here with an `action`."""
    step = get_object_or_404(
        Step.objects.filter(goal__in=Goal.objects.visible_to(request.user)).select_related(
            "goal__person"
        ),
        pk=pk,
    )
    goal = step.goal
    _editable_person(request, goal.person)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "done":
        services.step_done(step=step, by=request.user)
        messages.success(request, _("L'étape est faite."))
        return redirect(_plan_url(goal))
    if action == "delete":
        services.step_delete(step=step, by=request.user)
        messages.success(request, _("L'étape est supprimée."))
        return redirect(_plan_url(goal))
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        services.step_update(step=form.save(commit=False), by=request.user)
        messages.success(request, _("L'étape est mise à jour."))
        return redirect(_plan_url(goal))
    audit.record_read(request, step, section="plan", person_id=goal.person_id)
    return render(
        request,
        "accompaniment/step_form.html",
        {"form": form, "person": goal.person, "goal": goal, "step": step},
    )
