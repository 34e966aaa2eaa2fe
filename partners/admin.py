from django.contrib import admin

from beneficiaries.admin import OrganisationScopedAdmin
from mia.admin import RoleAdmin
from partners.models import Consent, OrganisationContact


@admin.register(Consent)
class ConsentAdmin(OrganisationScopedAdmin):
    """Read-only, the administrator's organisation's files only: consents are recorded and
    withdrawn from the person's page, where partners.services keeps the grants in step."""

    list_display = ["person", "organisation", "given_on", "expires_on", "withdrawn_on"]
    list_filter = ["organisation"]
    list_select_related = ["person", "organisation"]
    date_hierarchy = "given_on"
    # Not the proof: it is downloaded through partners:consent_proof, never a media URL.
    fields = [
        "person",
        "household",
        "organisation",
        "purpose",
        "sections",
        "given_on",
        "expires_on",
        "recorded_by",
        "withdrawn_on",
        "withdrawn_by",
    ]


@admin.register(OrganisationContact)
class OrganisationContactAdmin(RoleAdmin):
    list_display = ["name", "function", "organisation", "email", "phone"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "function", "email"]
    fields = ["organisation", "name", "function", "email", "phone"]
