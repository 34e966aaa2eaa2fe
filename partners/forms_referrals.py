from django import forms
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
