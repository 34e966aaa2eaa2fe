from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MiaConfig(AppConfig):
    name = "mia"
    verbose_name = _("Comptes et organisations")

    def ready(self) -> None:
        # Each app registers its own demo step (see mia.demo): organisations and accounts first.
        from mia import audit, cache, demo, mfa, security, sessions

        audit.connect()
        cache.connect(self)
        mfa.connect()
        security.connect()
        sessions.connect()

        demo.register(demo.organisations_and_accounts, order=10)
