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
from mia.admin import RoleAdmin


class OrganisationScopedAdmin(admin.ModelAdmin):
    """An administrator sees the rows of their own organisation only, as on every other page
    (visible_to). Files are read-only here: their writes go through beneficiaries.services,
    which keep the histories (referents, places, periods in the programme)."""

    def get_queryset(self, request):
        return super().get_queryset(request) & self.model.objects.visible_to(request.user)

    def has_module_permission(self, request):
        return permissions.administers(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.administers(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An administrator cannot read a file silently either: the admin's page of a file is a
        # read like any other, recorded in the audit trail.
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and self.model in (Person, Household):
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit.record_read(request, obj, section="admin")
        return response

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


class HouseholdStayInline(admin.TabularInline):
    model = HouseholdStay
    extra = 0


@admin.register(Household)
class HouseholdAdmin(OrganisationScopedAdmin):
    list_display = ["name", "site"]
    list_select_related = ["site"]
    search_fields = ["name"]
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
    search_fields = ["first_name", "last_name", "other_names"]
    inlines = [ReferentAssignmentInline]
