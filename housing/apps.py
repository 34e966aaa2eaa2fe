from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Hébergement et logement")
