from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Pathway
from partners.models import Referral
from partners.referrals import partner_organisations


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["organisation", "pathway", "reason"]
        labels = {"organisation": _("Partenaire")}
        help_texts = {
            "reason": _(
                "Ce que la personne attend du partenaire. Le partenaire lit ce motif : "
                "pas de détail sans rapport avec l'orientation."
            ),
        }
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations()
        self.fields["pathway"].choices = [("", "---------"), *Pathway.choices]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif du refus.")},
    )


class ReplyForm(forms.Form):
    """The partner's reply: a comment for the sender, the appointment given to the person. It
    shows the current reply, so that posting it again changes only what was edited."""

    appointment_at = forms.DateTimeField(
        label=_("Rendez-vous donné à la personne"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Date et heure, si vous avez donné un rendez-vous."),
        error_messages={"invalid": _("Indiquez une date et une heure valides.")},
    )
    comment = forms.CharField(
        label=_("Votre réponse au référent"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que le référent doit savoir : pièces à apporter, suite donnée…"),
    )

    def __init__(self, *args, referral=None, **kwargs):
        if referral is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "appointment_at": referral.partner_appointment_at
                and timezone.localtime(referral.partner_appointment_at),
                "comment": referral.partner_comment,
            }
        super().__init__(*args, **kwargs)

    def clean_appointment_at(self):
        when = self.cleaned_data.get("appointment_at")
        if when and timezone.localtime(when).date() < timezone.localdate():
            raise ValidationError(_("Ce rendez-vous est déjà passé : vérifiez la date."))
        return when

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and not cleaned.get("comment", "").strip()
            and not cleaned.get("appointment_at")
        ):
            raise ValidationError(_("Écrivez une réponse ou indiquez un rendez-vous."))
        return cleaned
