"""Optimistic locking. Forms carry the version of the row they were opened on; a save based on
an older version is refused, so two people editing one file never overwrite each other."""

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

CONFLICT_MESSAGE = _(
    "Ce dossier a été modifié par quelqu'un d'autre pendant que vous le modifiiez. Vos saisies "
    "sont conservées ci-dessous : vérifiez la version à jour (dans un autre onglet) puis "
    "enregistrez à nouveau pour confirmer."
)


class ConflictError(Exception):
    """The row changed since the form was opened. `current` is its version now."""

    def __init__(self, current: int | None):
        super().__init__(current)
        self.current = current


def save_versioned(instance: models.Model, *, expected: int, update_fields: list[str]) -> None:
    """Save `update_fields` of `instance` if its row is still at version `expected`, and bump it.
    The row is locked while checking so two saves cannot both pass."""
    model = type(instance)
    with transaction.atomic():
        current = (
            model.objects.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current != expected:
            raise ConflictError(current)
        instance.version = expected + 1
        instance.save(update_fields=[*update_fields, "version"])


class VersionedForm(forms.Form):
    """Mixin for model forms of versioned rows: a hidden field carries the version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version
        else:
            del self.fields["version"]

    @property
    def expected_version(self) -> int:
        # A form posted without a version (an old page, a hand-made request) is treated as
        # based on version 0, which never matches: it cannot overwrite anything silently.
        return self.cleaned_data.get("version") or 0

    def show_conflict(self, current: int | None) -> None:
        """Keep the user's input, say why it was not saved, and base the next save on the
        current version: saving again is a deliberate choice."""
        self.add_error(None, CONFLICT_MESSAGE)
        if current is not None:
            data = self.data.copy()
            data[self.add_prefix("version")] = str(current)
            self.data = data
