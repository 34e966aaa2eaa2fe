from django import forms
from django.utils.translation import gettext_lazy as _

from mia import permissions
from mia.models import Organisation, User


class InvitationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "phone", "organisation", "role"]

    def __init__(self, *args, by: User, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        allowed = permissions.roles_assignable_by(by)
        self.fields["role"].choices = [
            (value, label) for value, label in self.fields["role"].choices if value in allowed
        ]
        if permissions.manages_all_organisations(by):
            self.fields["organisation"].queryset = Organisation.objects.all()
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]
            self.instance.organisation_id = by.organisation_id

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec cette adresse."))
        return email
