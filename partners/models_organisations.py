from django.db import models
from django.utils.translation import gettext_lazy as _

from mia.models import Organisation


class OrganisationContact(models.Model):
    """Whom to call at a partner organisation (an adviser, a CCAS desk): people who are not
    necessarily MIA users."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=200)
    function = models.CharField(_("fonction"), max_length=200, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact d'une organisation")
        verbose_name_plural = _("contacts des organisations")
        ordering = ["organisation", "name", "pk"]

    def __str__(self) -> str:
        return self.name
