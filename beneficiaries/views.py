from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import searches, services, sharing, summary, timeline
from beneficiaries.duplicates import likely_duplicates
from beneficiaries.forms import HouseholdForm, PersonFilter, PersonForm
from beneficiaries.models import Household, Pathway, Person, Relationship
from mia import audit, permissions
from mia.concurrency import ConflictError
from mia.params import int_or_404, int_or_none
from mia.permissions import access


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, settings.MIA_PAGE_SIZE).get_page(request.GET.get("page"))


# --- People ------------------------------------------------------------------------------------


@access(permissions.reads_person_files)
def person_list(request: HttpRequest) -> HttpResponse:
    """Search forms are posted (see beneficiaries.searches): the results' URL carries the
    filters (ids and codes) and a key to the typed text, never the text."""
    if request.method == "POST":
        params = QueryDict(mutable=True)
        for name in PersonFilter.Meta.fields:
            if name != "q" and request.POST.get(name):
                params[name] = request.POST[name]
        if text := request.POST.get("q", "").strip():
            params["r"] = searches.remember(request, text)
        url = f"{request.path}?{params.urlencode()}" if params else request.path
        if not request.htmx:
            return redirect(url)
        data = request.POST
    else:
        url = None
        data = request.GET.copy()
        if "r" in data:
            data["q"] = searches.recall(request, data["r"])
    people = Person.objects.visible_to(request.user).for_rows()
    person_filter = PersonFilter(data, queryset=people, user=request.user)
    page = _page(request, person_filter.qs)
    if not page.paginator.count and data.get("q", "").strip():
        # Nothing under this spelling: names one letter away (Stanscu for Stanescu), said so.
        person_filter = PersonFilter(data, queryset=people, user=request.user, close=True)
        page = _page(request, person_filter.qs)
    audit.record_list(request, Person, section="people", people=[row.pk for row in page])
    if request.htmx:
        response = render(
            request,
            "beneficiaries/partials/person_results.html",
            {"filter": person_filter, "page": page},
        )
        if url:
            response["HX-Push-Url"] = url
        return response
    return render(
        request, "beneficiaries/person_list.html", {"filter": person_filter, "page": page}
    )


@access(permissions.opens_person_pages, hide=True)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related(
            "household__site__commune", "referent"
        ),
        pk=pk,
    )
    audit.record_read(request, person)
    if permissions.reads_shared_files(request.user):
        return _shared_person_detail(request, person)
    relatives = []
    if person.household_id:
        relatives = person.household.members.exclude(pk=person.pk).order_by("birth_year", "pk")
    assignments = person.assignments.select_related("referent", "assigned_by")
    # Where the accompaniment stands: blocks from accompaniment and partners (summary.py).
    file_summary = summary.build(user=request.user, people=[person], today=timezone.localdate())
    return render(
        request,
        "beneficiaries/person_detail.html",
        {
            "person": person,
            "summary": file_summary,
            "relatives": relatives,
            "assignments": assignments,
            "enrolments": person.enrolments.all(),
            "can_edit": permissions.can_edit_person(request.user, person),
            "can_coordinate": permissions.assigns_referents(request.user),
            "can_read_access_log": permissions.reads_access_log(request.user, person),
            "shows_documents": permissions.reads_documents(request.user),
        },
    )


def _shared_person_detail(request: HttpRequest, person: Person) -> HttpResponse:
    """A partner's view of a shared file: the name and referent (whom to contact), then only
    the sections shared under a valid consent. No household, history, notes nor links to edit."""
    shared = sharing.sections(request.user, person)
    return render(
        request,
        "beneficiaries/person_detail.html",
        {
            "person": person,
            "partner_view": True,
            "shared": shared,
            "shows_identity": "identity" in shared,
            "shows_documents": "documents" in shared,
        },
    )


@access(permissions.creates_person_files, hide=True)
def person_create(request: HttpRequest) -> HttpResponse:
    household = None
    if household_id := request.GET.get("menage", "").strip():
        household = get_object_or_404(
            Household.objects.visible_to(request.user), pk=int_or_404(household_id)
        )
        if not permissions.can_edit_household(request.user, household):
            raise PermissionDenied
    form = PersonForm(request.POST or None, user=request.user, household=household)
    candidates, confirmed = [], False
    if request.method == "POST":
        valid = form.is_valid()
        # Checked again on save: the panel shown while typing may have been missed, or
        # JavaScript is off. A strong likely duplicate must be dismissed explicitly.
        data = form.cleaned_data
        candidates = likely_duplicates(
            queryset=Person.objects.visible_to(request.user),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            birth_year=data.get("birth_year"),
            birth_date=data.get("birth_date"),
            sex=data.get("sex"),
        )
        confirmed = data.get("confirm_not_duplicate", False)
        if valid and (confirmed or not any(candidate.strong for candidate in candidates)):
            person = form.save(commit=False)
            if household is None:
                household = services.household_create(
                    by=request.user,
                    household=Household(name=person.last_name, site=data.get("site")),
                    on=person.entered_on,
                )
                person.relationship = person.relationship or Relationship.HEAD
            person.household = household
            services.person_create(by=request.user, person=person, referent=data.get("referent"))
            messages.success(request, _("Le dossier a été créé."))
            return redirect("beneficiaries:person_detail", pk=person.pk)
    strong = any(candidate.strong for candidate in candidates)
    # The possible duplicates shown, and the household the new member joins.
    audit.record_list(
        request,
        Person,
        section="duplicates",
        people=[candidate.person.pk for candidate in candidates],
        households=[household.pk] if household else [],
    )
    return render(
        request,
        "beneficiaries/person_form.html",
        {
            "form": form,
            "household": household,
            "candidates": candidates,
            "ask_confirmation": strong,
            "needs_confirmation": strong and not confirmed,
            "confirmed": confirmed,
        },
    )


@access(permissions.creates_person_files, hide=True)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("household"), pk=pk
    )
    if not permissions.can_edit_person(request.user, person):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        changed = [name for name in form.changed_data if name in form.Meta.fields]
        referent = ...
        if "referent" in form.changed_data:
            referent = form.cleaned_data["referent"]
        try:
            services.person_update(
                by=request.user,
                person=form.save(commit=False),
                changed=changed,
                expected_version=form.expected_version,
                referent=referent,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        else:
            messages.success(request, _("Le dossier a été mis à jour."))
            return redirect("beneficiaries:person_detail", pk=person.pk)
    audit.record_read(request, person, section="edit")
    return render(
        request, "beneficiaries/person_form.html", {"form": form, "household": person.household}
    )


# --- Households --------------------------------------------------------------------------------


@access(permissions.reads_person_files, hide=True)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(
        Household.objects.visible_to(request.user)
        .select_related("site__commune")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Person.objects.select_related("referent").order_by("birth_year", "pk"),
            ),
            Prefetch("stays__site"),
        ),
        pk=pk,
    )
    audit.record_read(request, household)
    members = list(household.members.all())
    can_edit = permissions.edits_all_files(request.user) or any(
        permissions.can_edit_person(request.user, member) for member in members
    )
    # The household's read above covers its members (mia.audit.entries_about): the summary
    # names no one else.
    file_summary = summary.build(
        user=request.user, people=members, today=timezone.localdate(), household=household
    )
    return render(
        request,
        "beneficiaries/household_detail.html",
        {
            "household": household,
            "members": members,
            "summary": file_summary,
            "can_edit": can_edit,
            "can_coordinate": permissions.assigns_referents(request.user),
            "shows_documents": permissions.reads_documents(request.user),
        },
    )


@access(permissions.creates_person_files, hide=True)
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=pk)
    if not permissions.can_edit_household(request.user, household):
        raise PermissionDenied
    previous_site_id = household.site_id
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        household = form.save(commit=False)
        new_site = household.site
        household.site_id = previous_site_id
        try:
            services.household_update(
                household=household, site=new_site, expected_version=form.expected_version
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        else:
            messages.success(request, _("Le ménage a été mis à jour."))
            return redirect("beneficiaries:household_detail", pk=household.pk)
    audit.record_read(request, household, section="edit")
    return render(request, "beneficiaries/household_form.html", {"form": form})


@access(permissions.creates_person_files, hide=True)
def household_create(request: HttpRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        household = services.household_create(by=request.user, household=form.save(commit=False))
        messages.success(request, _("Le ménage a été créé. Ajoutez-lui ses membres."))
        return redirect("beneficiaries:household_detail", pk=household.pk)
    return render(request, "beneficiaries/household_form.html", {"form": form})


# --- Timeline ----------------------------------------------------------------------------------

TIMELINE_PAGE = 50
TIMELINE_MAX = 1000


def _timeline(request: HttpRequest, *, person_ids, context: dict) -> HttpResponse:
    pathway = request.GET.get("parcours", "")
    if pathway not in Pathway.values:
        pathway = ""
    shown = int_or_none(request.GET.get("nombre"))
    shown = TIMELINE_PAGE if shown is None else min(max(shown, 1), TIMELINE_MAX)
    entries = timeline.entries(
        user=request.user, person_ids=person_ids, pathway=pathway, limit=shown + 1
    )
    return render(
        request,
        "beneficiaries/timeline.html",
        {
            **context,
            "entries": entries[:shown],
            "more": shown + TIMELINE_PAGE if len(entries) > shown else None,
            "pathway": pathway,
            "pathways": Pathway.choices,
        },
    )


@access(permissions.reads_person_files, hide=True)
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    audit.record_read(request, person, section="timeline")
    return _timeline(request, person_ids=[person.pk], context={"person": person})


@access(permissions.reads_person_files, hide=True)
def household_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=pk)
    audit.record_read(request, household, section="timeline")
    person_ids = list(household.members.values_list("pk", flat=True))
    return _timeline(request, person_ids=person_ids, context={"household": household})
