"""Every URL of the project declares who may use it (mia.permissions.access or public)."""

from django.urls import URLPattern, URLResolver, get_resolver

# Third-party URL sets with their own access rules: allauth's login and account pages, and the
# Django admin (is_staff, checked by the admin site itself).
THIRD_PARTY_NAMESPACES = {"admin"}
THIRD_PARTY_MODULES = ("allauth.",)


def _patterns(resolver, namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def test_every_project_view_has_an_access_rule():
    missing = []
    for namespace, pattern in _patterns(get_resolver()):
        view = pattern.callback
        module = getattr(view, "__module__", "")
        if namespace in THIRD_PARTY_NAMESPACES or module.startswith(THIRD_PARTY_MODULES):
            continue
        if not getattr(view, "access_rule", None):
            missing.append(f"{pattern.pattern} ({module}.{getattr(view, '__name__', view)})")

    assert missing == []
