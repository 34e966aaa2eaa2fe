from django.contrib import admin

from beneficiaries.admin import OrganisationScopedAdmin
from partners.models import Consent


@admin.register(Consent)
class ConsentAdmin(OrganisationScopedAdmin):
    """Read-only, the administrator's organisation's files only: consents are recorded and
    withdrawn from the person's page, where partners.services keeps the grants in step."""

    list_display = ["person", "organisation", "given_on", "expires_on", "withdrawn_on"]
    list_filter = ["organisation"]
    list_select_related = ["person", "organisation"]
    date_hierarchy = "given_on"
    exclude = ["proof"]  # downloaded through partners:consent_proof, never a media URL
