"""Every URL of the URLconf, walked: the security matrix and the masking walk ask it."""

from django.urls import URLPattern, URLResolver, get_resolver

# Django admin pages are checked by one rule of their own (test_matrix), not one entry each.
ADMIN_NAMESPACE = "admin"
STATIC_PREFIXES = ("static/", "media/")


def walk(patterns=None, prefix="", namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if entry.namespace and namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, route, entry


def our_urls():
    for name, route, _entry in walk():
        if route.startswith(STATIC_PREFIXES) or route.startswith(ADMIN_NAMESPACE + "/"):
            continue
        yield name, route


def admin_urls():
    for name, route, _entry in walk():
        if (
            (name or "").startswith(ADMIN_NAMESPACE + ":")
            and "<" not in route
            and "(?P" not in route
        ):
            yield name
