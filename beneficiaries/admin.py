from django.contrib import admin

from beneficiaries.models import (
    Commune,
    Household,
    HouseholdStay,
    Person,
    ReferentAssignment,
    Site,
    SitePopulation,
)
from mia import audit, permissions
from mia.admin import CheckedAdmin, RoleAdmin


class OrganisationScopedAdmin(CheckedAdmin):
    """An administrator sees the rows of their own organisation only, as on every other page
    (visible_to). Files are read-only here: their writes go through beneficiaries.services,
    which keep the histories (referents, places, periods in the programme)."""

    def get_queryset(self, request):
        return super().get_queryset(request) & self.model.objects.visible_to(request.user)

    def has_module_permission(self, request):
        return permissions.administers(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.administers(request.user)

    # An administrator cannot read a file silently either: the admin's lists, pages and
    # histories of files are reads like any other, recorded in the audit trail.
    shows_people = True

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = _shown(response, "cl")
        if changelist is not None and self.shows_people:
            # Evaluated here once; the template lists the same rows without a second query.
            rows = list(changelist.result_list)
            audit.record_list(request, self.model, section="admin", **_named(self.model, rows))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if (obj := _shown(response, "original")) is not None and self.shows_people:
            audit.record_read(request, obj, section="admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if (obj := _shown(response, "object")) is not None and self.shows_people:
            audit.record_read(request, obj, section="admin")
        return response

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _shown(response, name: str):
    """What an admin page shows (its changelist, its object), if it answered with a page."""
    if response.status_code != 200:
        return None
    return (getattr(response, "context_data", None) or {}).get(name)


def _named(model, rows) -> dict:
    """The files an admin list shows: households, people, or the people its rows are about."""
    if model is Household:
        return {"households": [row.pk for row in rows]}
    return {"people": [row.pk if model is Person else row.person_id for row in rows]}


@admin.register(Commune)
class CommuneAdmin(RoleAdmin):
    list_display = ["insee", "name", "departement", "merged_into"]
    list_filter = ["departement"]
    search_fields = ["insee", "name"]


class SitePopulationInline(admin.TabularInline):
    model = SitePopulation
    extra = 0


@admin.register(Site)
class SiteAdmin(OrganisationScopedAdmin):
    list_display = ["name", "kind", "commune", "status"]
    list_filter = ["status", "kind", "commune__departement"]
    list_select_related = ["commune"]
    search_fields = ["name", "address"]
    inlines = [SitePopulationInline]
    # A living place and its estimates: no household, no person.
    shows_people = False


class HouseholdStayInline(admin.TabularInline):
    model = HouseholdStay
    extra = 0


@admin.register(Household)
class HouseholdAdmin(OrganisationScopedAdmin):
    list_display = ["name", "site"]
    list_select_related = ["site"]
    # No search: the admin's search is a GET, which would put names in URLs and access logs.
    # MIA's own search posts them (beneficiaries.searches).
    inlines = [HouseholdStayInline]


class ReferentAssignmentInline(admin.TabularInline):
    model = ReferentAssignment
    fk_name = "person"
    extra = 0


@admin.register(Person)
class PersonAdmin(OrganisationScopedAdmin):
    list_display = ["last_name", "first_name", "birth_year", "household", "referent", "exited_on"]
    list_select_related = ["household", "referent"]
    list_filter = ["sex", "nationality"]
    # No search, as for households: names would go into URLs and access logs.
    inlines = [ReferentAssignmentInline]
