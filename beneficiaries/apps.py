from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Personnes, ménages et lieux de vie")

    def ready(self) -> None:
        # Sites, households and people come after mia's organisations and accounts.
        from beneficiaries import timeline_sources
        from beneficiaries.demo import duplicate_scans, people_and_places
        from mia import demo

        demo.register(people_and_places, order=20)
        # Once every app's files are in: the queue of likely duplicates.
        demo.register(duplicate_scans, order=90)
        timeline_sources.register_sources()
