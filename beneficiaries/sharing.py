"""Files shared with partner organisations, without beneficiaries knowing who shares them.

The partners app registers a provider in its AppConfig.ready(); PersonQuerySet.visible_to and
the person page ask it. Without a provider (partners not installed), nothing is shared."""

from typing import Protocol

from django.db.models import Q


class SharingProvider(Protocol):
    def persons_filter(self, user) -> Q:
        """Condition on Person selecting the files shared with this user's organisation now."""

    def section_filter(self, user, section: str) -> Q:
        """Condition on Person selecting the files whose `section` ("identity"…) is shared
        with this user's organisation now."""

    def sections(self, user, person) -> dict[str, str]:
        """Sections of `person` shared with this user's organisation now, code -> label
        ({"identity": "Identité et contact"…}), in the provider's order."""


_providers: list[SharingProvider] = []


def register(provider: SharingProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def persons_filter(user) -> Q | None:
    """None when nothing may be shared (no provider)."""
    condition = None
    for provider in _providers:
        found = provider.persons_filter(user)
        condition = found if condition is None else condition | found
    return condition


def section_filter(user, section: str) -> Q | None:
    """None when nothing may be shared (no provider)."""
    condition = None
    for provider in _providers:
        found = provider.section_filter(user, section)
        condition = found if condition is None else condition | found
    return condition


def sections(user, person) -> dict[str, str]:
    shared: dict[str, str] = {}
    for provider in _providers:
        shared.update(provider.sections(user, person))
    return shared
