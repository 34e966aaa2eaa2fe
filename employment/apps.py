from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = _("Emploi")

    def ready(self) -> None:
        # Contracts, candidacies, trainings and workshops in the person's timeline and summary.
        from employment import sources
        from employment.demo import employment
        from mia import demo

        sources.register_sources()
        # Needs the people (beneficiaries, 20), their goals (30) and pathways (35).
        demo.register(employment, order=37)
