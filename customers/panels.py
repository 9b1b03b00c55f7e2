"""Panels of the dossier page contributed by the apps above ``customers`` (documents, loans …).

``customers`` never imports those apps: each registers a provider at start-up. A provider is
``fn(*, dossier, user) -> dict | None`` returning ``{"template": ..., **context}``; it must run
a constant number of queries.
"""

_providers = []


def register(provider, *, order=100):
    if all(p is not provider for _o, p in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda item: item[0])


def panels_for(*, dossier, user):
    panels = []
    for _order, provider in _providers:
        panel = provider(dossier=dossier, user=user)
        if panel:
            panels.append(panel)
    return panels


# Panels of a record's page inside a dossier (a lease, a complaint …): the documents attached
# to it, for instance. A provider is ``fn(*, record, user) -> dict | None``, like the above.
_record_providers = []


def register_record_panel(provider, *, order=100):
    if all(p is not provider for _o, p in _record_providers):
        _record_providers.append((order, provider))
        _record_providers.sort(key=lambda item: item[0])


def record_panels_for(*, record, user):
    panels = []
    for _order, provider in _record_providers:
        panel = provider(record=record, user=user)
        if panel:
            panels.append(panel)
    return panels
