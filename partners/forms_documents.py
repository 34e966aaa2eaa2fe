from django import forms
from django.utils.translation import gettext_lazy as _

from partners import files
from partners.models import DocumentKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier ou photo"),
        help_text=_("PDF ou photo (JPEG, PNG, HEIC)."),
        # `capture` makes a phone offer its camera: a paper is photographed on the spot.
        widget=forms.FileInput(attrs={"accept": files.ACCEPT, "capture": "environment"}),
        error_messages={
            "required": _("Choisissez un fichier ou prenez une photo."),
            "empty": _("Le fichier est vide."),
        },
    )
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    dated_on = forms.DateField(label=_("Date du document"), required=False, widget=DATE_INPUT)
    # The file last: one refused while it streams in (mia.uploads) keeps the fields sent before.
    field_order = ["kind", "dated_on", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = files.max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _(
            "PDF ou photo (JPEG, PNG, HEIC), %(size)d Mo au plus."
        ) % {"size": size}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        files.check_upload(upload)  # raises the French ValidationError shown under the field
        return upload
