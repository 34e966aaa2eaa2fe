from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mia.models import Organisation, OrganisationKind
from partners import files
from partners.models import Consent, Section

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(forms.ModelForm):
    """A consent as the person gave it. The proof is checked from its bytes (partners.files)."""

    sections = forms.MultipleChoiceField(
        label=_("Parties partagées"),
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les notes d'entretien ne sont jamais partagées."),
    )
    for_household = forms.BooleanField(
        label=_("Donné aussi pour les enfants mineurs du ménage"), required=False
    )
    # The proof last: one refused while it streams in (mia.uploads) keeps the fields sent before.
    field_order = [
        *("organisation", "purpose", "sections", "given_on", "expires_on", "for_household"),
        "proof",
    ]

    class Meta:
        model = Consent
        fields = ["organisation", "purpose", "sections", "given_on", "expires_on", "proof"]
        widgets = {
            "given_on": DATE_INPUT,
            "expires_on": DATE_INPUT,
            "proof": forms.ClearableFileInput(attrs={"accept": files.ACCEPT}),
        }

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.person = person
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            kind=OrganisationKind.OPERATOR
        ).order_by("name")
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["proof"].help_text = _(
            "PDF ou photo (JPEG, PNG, HEIC), %(max)d Mo au plus."
        ) % {"max": files.max_upload_bytes() // (1024 * 1024)}
        if not person.household_id:
            del self.fields["for_household"]

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise ValidationError(_("Un consentement ne peut être daté de demain."))
        return given_on

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on and expires_on < timezone.localdate():
            raise ValidationError(_("Cette date d'expiration est déjà passée."))
        return expires_on

    def clean_proof(self):
        proof = self.cleaned_data.get("proof")
        if proof:
            files.check_upload(proof)
        return proof
