"""Local actions (the programme's local insertion projects): the list (current first), an
action's page (where, who pilots and operates it, the people and households it concerns, the
follow-ups and procedures tied to it, its financing per year), its form, the people and
households it concerns, a year's financing by one source. The team reads them; coordinators
and managers (permissions.manages_actions) make them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accompaniment import services_actions as services
from accompaniment.forms_actions import ActionForm, FilterForm, FundingForm, SearchForm
from accompaniment.models import Action, ActionFunding, FollowUp, Procedure
from beneficiaries.models import Household, Person
from mia import audit, permissions
from mia.concurrency import ConflictError
from mia.permissions import access

PAST_LIMIT = 30
SHOWN_PEOPLE = 100
SHOWN_TIED = 10
SEARCH_RESULTS = 20
SECTION = "actions"


def _action_url(action_id: int, anchor: str = "") -> str:
    url = reverse("accompaniment:action_detail", args=[action_id])
    return f"{url}#{anchor}" if anchor else url


# --- The list ------------------------------------------------------------------------------------


@access(permissions.reads_actions)
@require_safe
def action_list(request: HttpRequest) -> HttpResponse:
    """Actions under way or to come, then the latest ended ones; filters by département,
    topic and site. No person is named here: counts only."""
    today = timezone.localdate()
    filters = FilterForm(request.GET or None, user=request.user)
    actions = services.actions_of(request.user)
    if filters.is_valid():
        if departement := filters.cleaned_data["departement"]:
            actions = actions.filter(departement=departement)
        if topic := filters.cleaned_data["topic"]:
            actions = actions.filter(topics__includes=topic)
        if site := filters.cleaned_data["site"]:
            actions = actions.filter(
                pk__in=Action.sites.through.objects.filter(site_id=site.pk).values("action_id")
            )
    actions = services.with_counts(actions).prefetch_related(
        Prefetch("sites", queryset=services.Site.objects.only("pk", "name").order_by("name"))
    )
    current = list(
        actions.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).order_by(
            "starts_on", "name", "pk"
        )
    )
    past = list(
        actions.filter(ends_on__lt=today).order_by("-ends_on", "name", "pk")[: PAST_LIMIT + 1]
    )
    more_past = len(past) > PAST_LIMIT
    past = past[:PAST_LIMIT]
    for action in current:
        action.upcoming = action.starts_on > today
    return render(
        request,
        "accompaniment/actions/action_list.html",
        {
            "current": current,
            "past": past,
            "more_past": more_past,
            "filters": filters,
            "can_create": permissions.manages_actions(request.user),
        },
    )


# --- An action -----------------------------------------------------------------------------------


@access(permissions.reads_actions, hide=True)
@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        services.with_counts(services.actions_of(request.user)).prefetch_related(
            Prefetch("sites", queryset=services.Site.objects.order_by("name")),
            "pilots",
            "operators",
        ),
        pk=pk,
    )
    people = list(
        action.people.select_related("household")
        .only(
            *("organisation_id", "first_name", "last_name", "birth_year", "exited_on"),
            "household__name",
        )
        .order_by("last_name", "first_name", "pk")[:SHOWN_PEOPLE]
    )
    households = list(
        action.households.annotate(
            members_count=Count("members", filter=Q(members__exited_on__isnull=True))
        )
        .select_related("site")
        .only("name", "site__name")
        .order_by("name", "pk")[:SHOWN_PEOPLE]
    )
    fundings = list(action.fundings.order_by("year", "source"))
    follow_ups = list(
        FollowUp.objects.filter(action=action, organisation_id=action.organisation_id)
        .select_related("person")
        .only("date", "place", "person__first_name", "person__last_name")
        .order_by("-date", "-pk")[:SHOWN_TIED]
    )
    procedures = list(
        Procedure.objects.filter(action=action, organisation_id=action.organisation_id)
        .select_related("person", "type")
        .only("status", "created_at", "type__name", "person__first_name", "person__last_name")
        .order_by("-created_at", "-pk")[:SHOWN_TIED]
    )
    tied = services.tied_counts(action)
    audit.record_read(request, action, section=SECTION)
    audit.record_list(
        request,
        action,
        section=SECTION,
        people=[p.pk for p in people]
        + [f.person_id for f in follow_ups]
        + [p.person_id for p in procedures],
        households=[h.pk for h in households],
    )
    years = services.finances(fundings)
    return render(
        request,
        "accompaniment/actions/action_detail.html",
        {
            "action": action,
            "people": people,
            "households": households,
            "more_people": action.people_count > len(people),
            "more_households": action.households_count > len(households),
            "years": years,
            "total_budget": sum((y.budget for y in years), 0),
            "total_spent": sum((y.spent for y in years), 0),
            "follow_ups": follow_ups,
            "procedures": procedures,
            "tied": tied,
            "can_manage": permissions.manages_actions(request.user),
            "today": timezone.localdate(),
        },
    )


def _action_form_page(request: HttpRequest, action: Action | None) -> HttpResponse:
    form = ActionForm(request.POST or None, user=request.user, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                action = services.action_create(by=request.user, **form.values)
                done = _("L'action est créée.")
            else:
                services.action_update(
                    action=action,
                    by=request.user,
                    expected_version=form.expected_version,
                    **form.values,
                )
                done = _("L'action est modifiée.")
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(_action_url(action.pk))
    return render(
        request, "accompaniment/actions/action_form.html", {"form": form, "action": action}
    )


@access(permissions.manages_actions)
def action_create(request: HttpRequest) -> HttpResponse:
    return _action_form_page(request, None)


@access(permissions.manages_actions, hide=True)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(services.managed_actions(request.user), pk=pk)
    return _action_form_page(request, action)


# --- People and households -----------------------------------------------------------------------


def _search(request: HttpRequest, people, query: str) -> list[Person]:
    """The people search (names in any spelling, household, birth year, phone), and a file
    number typed as such."""
    found: list[Person] = []
    digits = query.lstrip("#").removeprefix("n°").strip()
    if digits.isdigit() and len(digits) <= 12:
        found = list(people.filter(pk=int(digits)))
    seen = {person.pk for person in found}
    found += [
        person
        for person in people.search(query, by=request.user)[:SEARCH_RESULTS]
        if person.pk not in seen
    ]
    return found[:SEARCH_RESULTS]


@access(permissions.manages_actions, hide=True)
def action_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The people and households named on the action: remove one, or search the
    organisation's active people (posted: names never travel in a URL) and add a person or
    their household."""
    action = get_object_or_404(services.managed_actions(request.user), pk=pk)
    people = Person.objects.visible_to(request.user).active()
    households = Household.objects.visible_to(request.user)
    query = ""
    results: list[Person] = []
    error = None
    if request.method == "POST":
        post = request.POST
        query = post.get("q", "").strip()[:200]
        try:
            if value := post.get("add_person", ""):
                person = get_object_or_404(people, pk=_id(value))
                if services.people_add(action=action, people=[person], by=request.user):
                    messages.success(request, _("La personne est ajoutée à l'action."))
                return redirect(reverse("accompaniment:action_people", args=[action.pk]))
            if value := post.get("add_household", ""):
                household = get_object_or_404(households, pk=_id(value))
                if services.households_add(action=action, households=[household], by=request.user):
                    messages.success(request, _("Le ménage est ajouté à l'action."))
                return redirect(reverse("accompaniment:action_people", args=[action.pk]))
            if value := post.get("remove_person", ""):
                person = get_object_or_404(action.people.all(), pk=_id(value))
                services.people_remove(action=action, people=[person], by=request.user)
                messages.success(request, _("La personne est retirée de l'action."))
                return redirect(reverse("accompaniment:action_people", args=[action.pk]))
            if value := post.get("remove_household", ""):
                household = get_object_or_404(action.households.all(), pk=_id(value))
                services.households_remove(action=action, households=[household], by=request.user)
                messages.success(request, _("Le ménage est retiré de l'action."))
                return redirect(reverse("accompaniment:action_people", args=[action.pk]))
        except ValidationError as problem:
            error = " ".join(problem.messages)
        if query:
            results = _search(request, people.for_rows(), query)
    named = list(
        action.people.select_related("household")
        .only(
            *("organisation_id", "first_name", "last_name", "birth_year", "exited_on"),
            "household__name",
        )
        .order_by("last_name", "first_name", "pk")
    )
    named_households = list(
        action.households.annotate(
            members_count=Count("members", filter=Q(members__exited_on__isnull=True))
        )
        .only("name")
        .order_by("name", "pk")
    )
    on_action = {person.pk for person in named}
    households_on = {household.pk for household in named_households}
    for person in results:
        person.on_action = person.pk in on_action
        person.household_on_action = person.household_id in households_on
    audit.record_list(
        request,
        Person,
        section=SECTION,
        people=[p.pk for p in named] + [p.pk for p in results],
        households=[h.pk for h in named_households]
        + [p.household_id for p in results if p.household_id],
    )
    context = {
        "action": action,
        "named": named,
        "named_households": named_households,
        "query": query,
        "results": results,
        "searched": bool(query),
        "search_form": SearchForm(initial={"q": query}),
        "error": error,
    }
    if request.htmx and query:
        return render(request, "accompaniment/actions/partials/people_search.html", context)
    return render(request, "accompaniment/actions/action_people.html", context)


def _id(value: str) -> int:
    """An id posted by a button; anything else finds nothing (a 404, as a wrong id)."""
    return int(value) if value.isdigit() and len(value) <= 12 else 0


# --- Financing -----------------------------------------------------------------------------------


def _funding_page(request: HttpRequest, action: Action, funding: ActionFunding | None):
    form = FundingForm(request.POST or None, funding=funding)
    if request.method == "POST" and funding is not None and "delete" in request.POST:
        services.funding_delete(funding=funding, by=request.user)
        messages.success(request, _("La ligne de financement est supprimée."))
        return redirect(_action_url(action.pk, "financements"))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.funding_save(
                action=action, by=request.user, funding=funding, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved.spent is not None and saved.spent > saved.budget:
                messages.warning(
                    request,
                    _("Enregistré. Attention : le dépensé dépasse le budget de cette ligne."),
                )
            else:
                messages.success(request, _("Le financement est enregistré."))
            return redirect(_action_url(action.pk, "financements"))
    return render(
        request,
        "accompaniment/actions/funding_form.html",
        {"form": form, "action": action, "funding": funding},
    )


@access(permissions.manages_actions, hide=True)
def funding_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(services.managed_actions(request.user), pk=pk)
    return _funding_page(request, action, None)


@access(permissions.manages_actions, hide=True)
def funding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    funding = get_object_or_404(
        ActionFunding.objects.filter(
            action__in=services.managed_actions(request.user)
        ).select_related("action"),
        pk=pk,
    )
    return _funding_page(request, funding.action, funding)
