from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _partner_account_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # Accounts are created in mia (team, admin, seed), which cannot know about shares. A login
    # (last_login) or a password change does not move anyone.
    if update_fields is not None and not {"role", "organisation"} & set(update_fields):
        return
    if not raw:
        from partners import services

        services.join_organisation_group(instance)


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires")

    def ready(self):
        from beneficiaries import sharing as beneficiaries_sharing
        from mia import demo
        from mia.models import User
        from partners import sharing, summary_sources
        from partners.demo import consents_and_shares
        from partners.demo_referrals import referrals

        beneficiaries_sharing.register(sharing.provider)
        summary_sources.register_sources()
        demo.register(consents_and_shares, order=40)
        demo.register(referrals, order=45)
        post_save.connect(_partner_account_saved, sender=User, dispatch_uid="partner_group")
