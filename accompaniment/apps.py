from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = _("Accompagnement")

    def ready(self) -> None:
        # Follow-ups, tasks and the plan appear in the timeline that beneficiaries draws.
        from accompaniment import timeline_sources

        timeline_sources.register_sources()
