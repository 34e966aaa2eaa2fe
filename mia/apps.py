from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MiaConfig(AppConfig):
    name = "mia"
    verbose_name = _("Comptes et organisations")
