"""Learning French: the courses (the organisation's, or for a trainer the ones their
organisation gives) with their learners' hours and attendance rates, enrolments and their
status, and a person's French page (levels over time, courses, certifications).

The attendance sheets are in accompaniment/attendance.py."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accompaniment import services_french as services
from accompaniment.forms_french import (
    AssessmentForm,
    CertificationForm,
    CourseForm,
    EnrolForm,
    LearnerForm,
    SearchForm,
    SessionOpenForm,
    SlotFormSet,
)
from accompaniment.models import (
    CEFR_RANK,
    Assessment,
    Certification,
    Course,
    Learner,
    LearnerStatus,
    Skill,
)
from beneficiaries import sharing
from beneficiaries.models import Person
from mia import audit, permissions
from mia.permissions import access

PAST_LIMIT = 30
SEARCH_RESULTS = 20
STATUS_ORDER = {
    LearnerStatus.ENROLLED: 0,
    LearnerStatus.WAITING: 1,
    LearnerStatus.COMPLETED: 2,
    LearnerStatus.DROPPED: 3,
}
# "123", "n° 123", "#123": a file number typed in the enrolment search.
FILE_NUMBER = re.compile(r"^(?:n°|no|#)?\s*(\d{1,12})$", re.IGNORECASE)


def _course_url(course_id: int, anchor: str = "") -> str:
    url = reverse("accompaniment:course_detail", args=[course_id])
    return f"{url}#{anchor}" if anchor else url


def by_name(rows) -> list:
    """Learners (or sheet rows) in the order a list shows them: by name those whose name is
    shown, then the others by their file number."""
    return sorted(
        rows,
        key=lambda row: (
            not row.named,
            (row.person.last_name.casefold(), row.person.first_name.casefold())
            if row.named
            else ("", ""),
            row.person_id,
        ),
    )


# --- Courses -------------------------------------------------------------------------------------


@access(permissions.opens_person_pages)
@require_safe
def courses(request: HttpRequest) -> HttpResponse:
    """Current courses, then the latest past ones: provider, kind, schedule, learners, rate.
    No person is named here."""
    today = timezone.localdate()
    visible = services.courses_of(request.user).select_related("provider")
    current = list(visible.filter(ends_on__gte=today).order_by("starts_on", "name", "pk"))
    past = list(
        visible.filter(ends_on__lt=today).order_by("-ends_on", "name", "pk")[: PAST_LIMIT + 1]
    )
    more_past = len(past) > PAST_LIMIT
    past = past[:PAST_LIMIT]
    shown = current + past
    prefetch_related_objects(shown, "slots")
    figures = services.course_figures([course.pk for course in shown], today=today)
    for course in shown:
        course.figures = figures[course.pk]
    return render(
        request,
        "accompaniment/french/course_list.html",
        {
            "current": current,
            "past": past,
            "more_past": more_past,
            "can_create": permissions.manages_courses(request.user),
        },
    )


def _course_form_page(request: HttpRequest, course: Course | None) -> HttpResponse:
    form = CourseForm(request.POST or None, course=course)
    slots = SlotFormSet(request.POST or None, course=course)
    if request.method == "POST" and all([form.is_valid(), slots.is_valid()]):
        try:
            if course is None:
                course = services.course_create(
                    by=request.user, slots=slots.slots(), **form.cleaned_data
                )
                done = _("Le cours est créé.")
            else:
                services.course_update(
                    course=course, by=request.user, slots=slots.slots(), **form.cleaned_data
                )
                done = _("Le cours est modifié.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(_course_url(course.pk))
    return render(
        request,
        "accompaniment/french/course_form.html",
        {"form": form, "slots": slots, "course": course},
    )


@access(permissions.manages_courses)
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form_page(request, None)


@access(permissions.manages_courses, hide=True)
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(services.courses_of(request.user), pk=pk)
    if course.organisation_id != request.user.organisation_id:
        raise Http404
    return _course_form_page(request, course)


def course_learners(course: Course, user, today) -> list[Learner]:
    """The course's learners with their hours and rate, and whether `user` reads their name."""
    rows = services.with_attendance(
        course.learners.select_related("person").only(
            *("course_id", "person_id", "status", "enrolled_on", "left_on", "drop_reason"),
            *("person__first_name", "person__last_name"),
        ),
        today=today,
    ).annotate(named=services.names_shown(user))
    learners = by_name(rows)
    learners.sort(key=lambda row: STATUS_ORDER.get(row.status, 9))
    for learner in learners:
        learner.rate = services.rate(learner.attended, learner.held)
    return learners


def course_detail_page(
    request: HttpRequest,
    course: Course,
    *,
    open_form: SessionOpenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The course's page; also shown again by session_open when its date is refused."""
    user = request.user
    today = timezone.localdate()
    learners = course_learners(course, user, today)
    sessions = list(
        course.sessions.annotate(
            present=Count("attendances", filter=Q(attendances__present=True))
        ).order_by("-date", "-pk")
    )
    slots = list(course.slots.all())
    on_list = [row for row in learners if row.status != LearnerStatus.WAITING]
    attended = sum(row.attended for row in on_list)
    held = sum(row.held for row in on_list)
    own = course.organisation_id == user.organisation_id
    takes_attendance = permissions.takes_attendance(user, course)
    audit.record_list(request, course, section="french", people=[row.person_id for row in learners])
    return render(
        request,
        "accompaniment/french/course_detail.html",
        {
            "course": course,
            "slots": slots,
            "learners": learners,
            "sessions": sessions,
            "enrolled_count": sum(row.status == LearnerStatus.ENROLLED for row in learners),
            "waiting_count": sum(row.status == LearnerStatus.WAITING for row in learners),
            "rate": services.rate(attended, held),
            "hours_held": sum(s.hours for s in sessions if not s.cancelled and s.date <= today),
            "can_edit": own and permissions.manages_courses(user),
            "can_enrol": own and permissions.records_pathways(user),
            "takes_attendance": takes_attendance,
            "open_form": open_form
            or (SessionOpenForm(course=course) if takes_attendance else None),
            "search_form": SearchForm(),
            "trainer_view": permissions.reads_shared_files(user),
            "hidden_names": any(not row.named for row in learners),
            "today": today,
        },
        status=status,
    )


@access(permissions.opens_person_pages)
@require_safe
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(services.courses_of(request.user).select_related("provider"), pk=pk)
    return course_detail_page(request, course)


# --- Enrolments ----------------------------------------------------------------------------------


def _search(request: HttpRequest, people, query: str) -> list[Person]:
    """The search of the person list (names in any spelling, birth year, phone), and a file
    number typed as such."""
    found: list[Person] = []
    if match := FILE_NUMBER.match(query):
        found = list(people.filter(pk=int(match.group(1))))
    if query:
        seen = {person.pk for person in found}
        found += [
            person
            for person in people.search(query, by=request.user)[:SEARCH_RESULTS]
            if person.pk not in seen
        ]
    return found[:SEARCH_RESULTS]


@access(permissions.records_pathways, hide=True)
def learner_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Posted twice: a search (`q`: names never travel in a URL), then the person picked
    among the results (`person`, an id) with the status and date."""
    course = get_object_or_404(services.courses_of(request.user).select_related("provider"), pk=pk)
    if course.organisation_id != request.user.organisation_id:
        raise Http404
    if request.method != "POST":
        # Like the attendance routes: the course is looked up first (404 if not theirs).
        return HttpResponseNotAllowed(["POST"])
    people = (
        Person.objects.visible_to(request.user)
        .active()
        .exclude(course_enrolments__course=course)
        .for_rows()
    )
    query = request.POST.get("q", "").strip()[:200]
    # The date chosen beside the search, carried by each result's buttons.
    enrolled_on = request.POST.get("enrolled_on", "").strip()[:10] or (
        timezone.localdate().isoformat()
    )
    enrol_form = EnrolForm(request.POST if "person" in request.POST else None, people=people)
    if enrol_form.is_bound and enrol_form.is_valid():
        try:
            learner = services.learner_enrol(
                course=course, by=request.user, **enrol_form.cleaned_data
            )
        except ValidationError as error:
            enrol_form.add_error(None, error)
        else:
            if learner.status == LearnerStatus.WAITING:
                messages.success(request, _("La personne est sur la liste d'attente."))
            else:
                messages.success(request, _("La personne est inscrite au cours."))
            return redirect(_course_url(course.pk, "apprenants"))
    results = _search(request, people, query)
    audit.record_list(request, course, section="french", people=[row.pk for row in results])
    context = {
        "course": course,
        "query": query,
        "results": results,
        "enrol_form": enrol_form,
        "search_form": SearchForm(initial={"q": query}),
        "searched": bool(query),
        "enrolled_on": enrolled_on,
    }
    if request.htmx:
        return render(request, "accompaniment/french/partials/learner_search.html", context)
    return render(request, "accompaniment/french/learner_add.html", context)


@access(permissions.records_pathways, hide=True)
def learner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_object_or_404(
        services.learners_of(request.user).select_related("course__provider", "person"), pk=pk
    )
    form = LearnerForm(request.POST or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        try:
            services.learner_update(learner=learner, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Inscription : %(status)s.") % {"status": learner.get_status_display().lower()},
            )
            return redirect(_course_url(learner.course_id, "apprenants"))
    audit.record_read(request, learner, section="french")
    return render(
        request,
        "accompaniment/french/learner_form.html",
        {"form": form, "learner": learner, "course": learner.course, "person": learner.person},
    )


# --- A person's French ---------------------------------------------------------------------------


def _french_person(request: HttpRequest, pk: int) -> Person:
    """The team's own file; for a partner, a file whose French section is shared with their
    organisation under a valid consent (404 otherwise, as for a file not shared)."""
    people = Person.objects.visible_to(request.user)
    if permissions.reads_shared_files(request.user):
        condition = sharing.section_filter(request.user, "french")
        if condition is None:
            raise Http404
        people = people.filter(condition)
    return get_object_or_404(people, pk=pk)


def levels_by_skill(assessments: list[Assessment]) -> list[dict]:
    """Per skill assessed (overall, oral, written): its assessments in date order, the
    latest level and whether it rose since the first."""
    skills = []
    for skill in (Skill.OVERALL, Skill.ORAL, Skill.WRITTEN):
        rows = [row for row in assessments if row.skill == skill]
        if not rows:
            continue
        skills.append(
            {
                "code": skill,
                "label": skill.label,
                "rows": rows,
                "current": rows[-1],
                "gained": CEFR_RANK[rows[-1].level] - CEFR_RANK[rows[0].level],
            }
        )
    return skills


def current_enrolment(learners: list[Learner]) -> Learner | None:
    """The course the person attends now (the latest), else the one they wait for."""
    for status in (LearnerStatus.ENROLLED, LearnerStatus.WAITING):
        for learner in learners:
            if learner.status == status:
                return learner
    return None


@access(permissions.opens_person_pages, hide=True)
@require_safe
def person_french(request: HttpRequest, pk: int) -> HttpResponse:
    """Levels over time, courses with hours attended, certifications. A partner with the French
    section shared reads levels and courses only. With htmx: a fragment for the person's page
    (level now, current course)."""
    person = _french_person(request, pk)
    user = request.user
    today = timezone.localdate()
    partner_view = permissions.reads_shared_files(user)
    assessments = list(
        Assessment.objects.filter(person=person)
        .select_related("course")
        .order_by("assessed_on", "pk")
    )
    learners = list(
        services.with_attendance(
            Learner.objects.filter(person=person).select_related("course__provider"),
            today=today,
        ).order_by("-enrolled_on", "-pk")
    )
    for learner in learners:
        learner.rate = services.rate(learner.attended, learner.held)
    skills = levels_by_skill(assessments)
    context = {
        "person": person,
        "skills": skills,
        "assessments": list(reversed(assessments)),
        "learners": learners,
        "current": current_enrolment(learners),
        "partner_view": partner_view,
        "can_record": permissions.records_pathways(user)
        and person.organisation_id == user.organisation_id,
    }
    audit.record_read(request, person, section="french")
    if request.htmx:
        return render(request, "accompaniment/french/partials/person_french_summary.html", context)
    context["certifications"] = (
        [] if partner_view else list(Certification.objects.filter(person=person))
    )
    return render(request, "accompaniment/french/person_french.html", context)


def _person_url(person_id: int) -> str:
    return reverse("accompaniment:person_french", args=[person_id])


@access(permissions.records_pathways, hide=True)
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    form = AssessmentForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'évaluation est enregistrée."))
            return redirect(_person_url(person.pk))
    audit.record_read(request, person, section="french")
    return render(
        request, "accompaniment/french/assessment_form.html", {"form": form, "person": person}
    )


@access(permissions.records_pathways, hide=True)
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related("person"), pk=pk
    )
    person = assessment.person
    form = AssessmentForm(request.POST or None, person=person, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(assessment=assessment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'évaluation est modifiée."))
            return redirect(_person_url(person.pk))
    audit.record_read(request, assessment, section="french")
    return render(
        request,
        "accompaniment/french/assessment_form.html",
        {"form": form, "person": person, "assessment": assessment},
    )


@access(permissions.records_pathways, hide=True)
def certification_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_record(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La certification est enregistrée."))
            return redirect(_person_url(person.pk))
    audit.record_read(request, person, section="french")
    return render(
        request, "accompaniment/french/certification_form.html", {"form": form, "person": person}
    )


@access(permissions.records_pathways, hide=True)
def certification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    certification = get_object_or_404(
        Certification.objects.visible_to(request.user).select_related("person"), pk=pk
    )
    person = certification.person
    form = CertificationForm(request.POST or None, certification=certification)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_update(
                certification=certification, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La certification est modifiée."))
            return redirect(_person_url(person.pk))
    audit.record_read(request, certification, section="french")
    return render(
        request,
        "accompaniment/french/certification_form.html",
        {"form": form, "person": person, "certification": certification},
    )
