"""The cache is a database table (settings.CACHES: rate-limit counts, used TOTP codes). migrate
makes it, so that every way of installing MIA has it: `make run`, the test databases, CI and the
`migrate` service of docker-compose.yml."""

from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_table(sender, using: str, **kwargs) -> None:
    # Does nothing when the table exists: migrate may run any number of times.
    call_command("createcachetable", database=using, verbosity=0)


def connect(app_config) -> None:
    """Called by mia.apps.MiaConfig.ready(): once per migrate, after mia's migrations."""
    post_migrate.connect(_create_table, sender=app_config, dispatch_uid="mia.cache")
