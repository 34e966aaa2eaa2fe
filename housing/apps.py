from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Hébergement et logement")

    def ready(self) -> None:
        # Offers, placements and applications appear in the timeline and the file's summary
        # that beneficiaries draws.
        from housing import sources
        from housing.demo import evacuations_and_placements
        from mia import demo

        sources.register_sources()
        # After the people (beneficiaries, 20) and the pathways (accompaniment, 35).
        demo.register(evacuations_and_placements, order=38)
