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


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee", "name", "departement", "merged_into"]
    list_filter = ["departement"]
    search_fields = ["insee", "name"]


class SitePopulationInline(admin.TabularInline):
    model = SitePopulation
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "status", "organisation"]
    list_filter = ["status", "kind", "commune__departement", "organisation"]
    list_select_related = ["commune", "organisation"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["commune"]
    inlines = [SitePopulationInline]


class HouseholdStayInline(admin.TabularInline):
    model = HouseholdStay
    extra = 0
    autocomplete_fields = ["site"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "organisation"]
    list_select_related = ["site", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["site"]
    inlines = [HouseholdStayInline]


class ReferentAssignmentInline(admin.TabularInline):
    model = ReferentAssignment
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["referent"]
    readonly_fields = ["assigned_by", "created_at"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "birth_year", "household", "referent", "exited_on"]
    list_select_related = ["household", "referent"]
    list_filter = ["organisation", "sex", "nationality"]
    search_fields = ["first_name", "last_name", "other_names"]
    autocomplete_fields = ["household", "referent"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [ReferentAssignmentInline]
