from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accompaniment.models import ProcedureType
from mia import permissions
from mia.admin import RoleAdmin


class ProcedureTypeForm(forms.ModelForm):
    """The unique code per organisation is checked here: the organisation is not a field of
    an association's administrator's form (it is theirs), so Django's own check skips it."""

    class Meta:
        model = ProcedureType
        fields = [
            "organisation",
            "code",
            "name",
            "category",
            "validity_months",
            "renew_before_days",
            "guidance",
            "essential",
            "position",
            "active",
        ]

    organisation_id_value: int | None = None

    def clean_code(self):
        code = self.cleaned_data["code"]
        organisation_id = (
            self.cleaned_data["organisation"].pk
            if self.cleaned_data.get("organisation")
            else self.organisation_id_value
        )
        if "organisation" in self.fields and not self.cleaned_data.get("organisation"):
            return code  # a default: the model's constraint on default codes is checked
        taken = ProcedureType.objects.filter(organisation_id=organisation_id, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Votre organisation a déjà un type de démarche avec ce code.")
            )
        return code


@admin.register(ProcedureType)
class ProcedureTypeAdmin(RoleAdmin):
    """The reference list of procedures. An association's administrator edits their
    organisation's own types, and replaces a default by adding one with the same code; the
    defaults (no organisation, accompaniment/data/procedure_types.csv) are read-only to them,
    edited by the instance's superuser only."""

    form = ProcedureTypeForm
    list_display = [
        "name",
        "code",
        "category",
        "organisation",
        "validity_months",
        "renew_before_days",
        "essential",
        "active",
    ]
    list_filter = ["category", "essential", "active"]
    list_select_related = ["organisation"]
    search_fields = ["name", "code"]
    ordering = ["position", "name", "pk"]

    def get_queryset(self, request):
        types = super().get_queryset(request)
        if permissions.manages_all_organisations(request.user):
            return types
        return types.filter(organisation__isnull=True) | types.filter(
            organisation_id=request.user.organisation_id
        )

    def _own(self, request, obj) -> bool:
        if permissions.manages_all_organisations(request.user):
            return True
        return obj is None or (
            obj.organisation_id is not None and obj.organisation_id == request.user.organisation_id
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)

    def get_exclude(self, request, obj=None):
        if permissions.manages_all_organisations(request.user):
            return []
        # Their own organisation, set on save.
        return ["organisation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not permissions.manages_all_organisations(request.user):
            form.organisation_id_value = request.user.organisation_id
        return form

    def save_model(self, request, obj, form, change):
        if not permissions.manages_all_organisations(request.user):
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)
