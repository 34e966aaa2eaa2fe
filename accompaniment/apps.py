from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = _("Accompagnement")

    def ready(self) -> None:
        # Follow-ups, tasks and the plan appear in the timeline that beneficiaries draws.
        from accompaniment import (
            sources_french,
            sources_rights,
            sources_school,
            summary_sources,
            timeline_sources,
        )
        from accompaniment.demo import follow_ups_and_plans
        from accompaniment.demo_actions import local_actions
        from accompaniment.demo_pathways import rights_school_and_french
        from mia import demo

        timeline_sources.register_sources()
        # ...and in the summary at the top of the person's and the household's pages.
        summary_sources.register_sources()
        # The pathways: rights, school, French.
        sources_rights.register_sources()
        sources_school.register_sources()
        sources_french.register_sources()
        # Follow-ups and plans need the people of beneficiaries' step (order 20).
        demo.register(follow_ups_and_plans, order=30)
        demo.register(rights_school_and_french, order=35)
        # Local actions tie some of the follow-ups and procedures made above.
        demo.register(local_actions, order=36)
