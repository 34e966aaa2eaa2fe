from django import forms
from django.utils.translation import gettext_lazy as _

from partners import files
from partners.models import DocumentKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _procedure_label(procedure) -> str:
    label = f"{procedure.type.name} · {procedure.get_status_display()}"
    if procedure.filed_on:
        label += " · " + _("déposée le %(date)s") % {
            "date": procedure.filed_on.strftime("%d/%m/%Y")
        }
    return label


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Prendre une photo ou choisir un fichier"),
        help_text=_("PDF ou photo (JPEG, PNG, HEIC)."),
        # No `capture`: it would force the camera, and a PDF received by e-mail could not be
        # attached. A phone still offers its camera among the choices. The input is visually
        # hidden but focusable; its label is the large button (templates/partners/partials/
        # document_file_field.html, static/js/file-input.js shows the chosen file's name).
        widget=forms.FileInput(
            attrs={
                "accept": files.ACCEPT,
                "class": "file-input",
                "aria-describedby": "id_file_helptext id_file_chosen",
            }
        ),
        error_messages={
            "required": _("Choisissez un fichier ou prenez une photo."),
            "empty": _("Le fichier est vide."),
        },
    )
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=120,
        required=False,
        help_text=_("Obligatoire pour un document « Autre » : il s'affiche à sa place."),
    )
    dated_on = forms.DateField(label=_("Date du document"), required=False, widget=DATE_INPUT)
    # The file last: one refused while it streams in (mia.uploads) keeps the fields sent before.
    field_order = ["kind", "title", "dated_on", "file"]

    def __init__(self, *args, procedures=None, **kwargs):
        """`procedures`: the person's rights procedures the paper may belong to (the AME
        decision, the domiciliation certificate); None for a household's papers."""
        super().__init__(*args, **kwargs)
        if procedures is not None:
            self.fields["procedure"] = forms.ModelChoiceField(
                label=_("Démarche concernée"),
                queryset=procedures,
                required=False,
                empty_label=_("Aucune"),
                help_text=_("Le document s'affichera aussi sur la page de cette démarche."),
            )
            self.fields["procedure"].label_from_instance = _procedure_label
            self.order_fields(["kind", "title", "dated_on", "procedure", "file"])
        size = files.max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _(
            "PDF ou photo (JPEG, PNG, HEIC), %(size)d Mo au plus."
        ) % {"size": size}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        files.check_upload(upload)  # raises the French ValidationError shown under the field
        return upload

    def clean(self):
        cleaned = super().clean()
        cleaned["title"] = (cleaned.get("title") or "").strip()
        if cleaned.get("kind") == DocumentKind.OTHER and not cleaned["title"]:
            self.add_error(
                "title",
                _("Précisez l'intitulé du document (par exemple « Attestation de stage »)."),
            )
        elif cleaned.get("kind") != DocumentKind.OTHER:
            cleaned["title"] = ""  # a title only stands in for "Autre"
        return cleaned
