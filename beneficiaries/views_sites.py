"""Sites from installation to resorption: the list, the map, a site's page, and the forms of
its identity and closure, population entries, living conditions and legal procedure.

The legal procedure (SiteLegalProcedure) is loaded only for coordinators and managers
(permissions.reads_site_legal_procedure): no page reads it for anyone else."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries import services, services_sites
from beneficiaries.forms import (
    SiteConditionsForm,
    SiteFilter,
    SiteForm,
    SiteLegalProcedureForm,
    SitePopulationForm,
)
from beneficiaries.models import POPULATION_COUNTS, Site, SiteLegalProcedure, SiteStatus
from mia import audit, permissions
from mia.concurrency import ConflictError
from mia.permissions import access

HISTORY = 12


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, settings.MIA_PAGE_SIZE).get_page(request.GET.get("page"))


def _errors_on(form, error: ValidationError) -> None:
    """A service's {field: message} errors on the form's fields (on top when not a field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.error_dict.items():
        name = field if field in form.fields else None
        for message in messages_:
            form.add_error(name, message)


@access(permissions.reads_person_files)
def site_list(request: HttpRequest) -> HttpResponse:
    sites = (
        Site.objects.visible_to(request.user)
        .select_related("commune")
        .with_population()
        .order_by("name", "pk")
    )
    site_filter = SiteFilter(request.GET, queryset=sites)
    return render(
        request,
        "beneficiaries/site_list.html",
        {"filter": site_filter, "page": _page(request, site_filter.qs)},
    )


@access(permissions.reads_person_files)
def site_map(request: HttpRequest) -> HttpResponse:
    """Every site of the filter, listed (the page works without tiles, network or script) and,
    for those with coordinates, given to static/js/sites-map.js as JSON for the markers. Open
    sites unless another status is asked for. Coordinates locate places, never people."""
    data = request.GET.copy()
    data.setdefault("status", SiteStatus.OPEN)
    sites = (
        Site.objects.visible_to(request.user)
        .select_related("commune")
        .with_population()
        .order_by("name", "pk")
    )
    site_filter = SiteFilter(data, queryset=sites)
    rows = list(
        site_filter.qs.only(
            *("organisation_id", "name", "status", "latitude", "longitude"),
            *("commune__name", "commune__departement"),
        )
    )
    # One reverse for all: a map of 450 sites made 900 (its list's links and its markers').
    detail = reverse("beneficiaries:site_detail", args=[0]).removesuffix("0/")
    for site in rows:
        site.url = f"{detail}{site.pk}/"
        # Worded here: 450 {% blocktranslate count %} took a third of the page's time.
        site.population_label = (
            ngettext("%(count)s personne", "%(count)s personnes", site.estimated_people)
            % {"count": site.estimated_people}
            if site.estimated_people is not None
            else _("population inconnue")
        )
    markers = [
        {
            "name": site.name,
            "lat": float(site.latitude),
            "lng": float(site.longitude),
            "people": site.estimated_people,
            "url": site.url,
        }
        for site in rows
        if site.latitude is not None and site.longitude is not None
    ]
    return render(
        request,
        "beneficiaries/site_map.html",
        {
            "filter": site_filter,
            "sites": rows,
            "markers": markers,
            "map_config": {
                "tiles": settings.MIA_MAP_TILES_URL,
                "attribution": settings.MIA_MAP_TILES_ATTRIBUTION,
            },
        },
    )


@access(permissions.reads_person_files, hide=True)
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("commune"), pk=pk)
    households = site.households.annotate(
        member_count=Count("members", filter=Q(members__exited_on__isnull=True))
    ).order_by("name", "pk")
    page = _page(request, households)
    audit.record_list(request, site, section="site", households=[row.pk for row in page])
    entries = list(site.population_estimates.order_by("-observed_on", "-pk")[:HISTORY])
    reads_legal = permissions.reads_site_legal_procedure(request.user)
    return render(
        request,
        "beneficiaries/site_detail.html",
        {
            "site": site,
            "latest": entries[0] if entries else None,
            "estimates": entries,
            "page": page,
            "can_edit": permissions.can_edit_site(request.user, site),
            "reads_legal": reads_legal,
            "legal": services_sites.legal_procedure_of(site, user=request.user)
            if reads_legal
            else None,
            "records_legal": permissions.records_site_legal_procedure(request.user),
        },
    )


@access(permissions.edits_sites)
def site_create(request: HttpRequest) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = services.site_save(
            site=form.save(commit=False),
            by=request.user,
            population=form.cleaned_data.get("population"),
        )
        messages.success(request, _("Le lieu de vie a été créé."))
        return redirect("beneficiaries:site_detail", pk=site.pk)
    return render(request, "beneficiaries/site_form.html", {"form": form})


@access(permissions.edits_sites, hide=True)
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.editable_by(request.user), pk=pk)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        services.site_save(
            site=form.save(commit=False),
            by=request.user,
            population=form.cleaned_data.get("population"),
        )
        messages.success(request, _("Le lieu de vie a été mis à jour."))
        return redirect("beneficiaries:site_detail", pk=site.pk)
    return render(request, "beneficiaries/site_form.html", {"form": form, "site": site})


@access(permissions.edits_sites, hide=True)
def site_population_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A population entry, with the dwellings seen that day; an entry of the same day is
    replaced by the new count."""
    site = get_object_or_404(Site.objects.editable_by(request.user), pk=pk)
    form = SitePopulationForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_sites.population_record(
                site=site,
                by=request.user,
                observed_on=data["observed_on"],
                people=data["people"],
                **{name: data.get(name) for name in POPULATION_COUNTS if name != "people"},
            )
        except ValidationError as error:
            _errors_on(form, error)
        else:
            messages.success(request, _("Le relevé de population est enregistré."))
            return redirect("beneficiaries:site_detail", pk=site.pk)
    return render(request, "beneficiaries/sites/population_form.html", {"form": form, "site": site})


@access(permissions.edits_sites, hide=True)
def site_conditions(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.editable_by(request.user), pk=pk)
    form = SiteConditionsForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_sites.conditions_update(
                site=site,
                by=request.user,
                **{name: data.get(name) for name in services_sites.CONDITIONS_FORM_FIELDS},
            )
        except ValidationError as error:
            _errors_on(form, error)
        else:
            messages.success(request, _("Les conditions de vie sont enregistrées."))
            return redirect("beneficiaries:site_detail", pk=site.pk)
    return render(request, "beneficiaries/sites/conditions_form.html", {"form": form, "site": site})


@access(permissions.records_site_legal_procedure, hide=True)
def site_legal(request: HttpRequest, pk: int) -> HttpResponse:
    """The legal procedure's form: coordinators only; everyone else gets a 404."""
    site = get_object_or_404(Site.objects.editable_by(request.user), pk=pk)
    legal = SiteLegalProcedure.objects.visible_to(request.user).filter(site=site).first()
    form = SiteLegalProcedureForm(request.POST or None, instance=legal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_sites.legal_procedure_save(
                site=site,
                by=request.user,
                expected_version=form.expected_version if legal else None,
                **{name: data.get(name) for name in services_sites.LEGAL_FIELDS},
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            _errors_on(form, error)
        else:
            messages.success(request, _("La procédure est enregistrée."))
            return redirect("beneficiaries:site_detail", pk=site.pk)
    return render(request, "beneficiaries/sites/legal_form.html", {"form": form, "site": site})
