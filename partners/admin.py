from django.contrib import admin
from django.db.models import Q

from beneficiaries.admin import OrganisationScopedAdmin
from mia import permissions
from mia.admin import RoleAdmin
from mia.models import Organisation, OrganisationKind
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


def _contact_organisations(user):
    """Whom to call at the partner organisations is every association's directory; the contacts
    of another association are that association's business."""
    if permissions.manages_all_organisations(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        ~Q(kind=OrganisationKind.OPERATOR) | Q(pk=user.organisation_id)
    )


@admin.register(OrganisationContact)
class OrganisationContactAdmin(RoleAdmin):
    list_display = ["name", "function", "organisation", "email", "phone"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "function", "email"]
    fields = ["organisation", "name", "function", "email", "phone"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(organisation__in=_contact_organisations(request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = _contact_organisations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
