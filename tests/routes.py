"""The names of the project's URLs, for the tests that must cover every one of them (the access
matrix, the audit walk, the fuzz test): a new URL cannot escape them."""

from django.urls import URLPattern, URLResolver, get_resolver


def route_names() -> set[str]:
    """Every named URL, `namespace:name` inside an app's namespace, third-party ones included."""

    def walk(resolver, namespace=None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    return set(walk(get_resolver()))
