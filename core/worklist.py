"""What waits for a person: the sections of the home page.

Core knows none of the apps above it. Each app registers its providers from its
``AppConfig.ready``: ``register(name, provider, order=...)``, where ``provider(user, limit)``
returns a ``Section`` (its title, how many things wait, the first ``limit`` of them and the
link to the full list), or ``None`` when the person has no part in it. A provider builds its
section from the same selector as the list it links to, so the count on the home page is the
count of that list; it asks a fixed number of queries, whatever waits.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse

from .permissions import can


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    detail: str = ""  # a second line: who, what
    when: object = None  # the date (or moment) it has waited since
    flag: str = ""  # a short warning shown as a badge (overdue, major …)


@dataclass
class Section:
    title: str
    count: int
    items: list[Item]
    url: str  # the full list
    icon: str = "inbox"
    name: str = ""

    @property
    def more(self):
        return self.count > len(self.items)


@dataclass(frozen=True)
class _Provider:
    name: str
    provider: object
    order: int = 100


_registry: dict[str, _Provider] = {}
_search: dict = {}


def register_search(url_name: str, *, perm: str, placeholder: str = ""):
    """The search box of the home page: the list it opens (``?q=``) and the right it needs."""
    _search.update(url_name=url_name, perm=perm, placeholder=placeholder)


def search_for(user):
    """The search box ``user`` is offered: {"url", "placeholder"}, or None."""
    if not _search or not can(user, _search["perm"]):
        return None
    return {"url": reverse(_search["url_name"]), "placeholder": _search["placeholder"]}


def register(name: str, provider, *, order: int = 100):
    """Add (or replace, by name) a provider of a section of the home page."""
    _registry[name] = _Provider(name, provider, order)


def providers():
    return sorted(_registry.values(), key=lambda p: (p.order, p.name))


def sections_for(user, *, limit: int = 5) -> list[Section]:
    """The sections with something waiting for ``user``, in the registry's order."""
    sections = []
    for entry in providers():
        section = entry.provider(user, limit)
        if section is None or not section.count:
            continue
        section.name = section.name or entry.name
        sections.append(section)
    return sections


def first(queryset: QuerySet, limit: int, *, count: int | None = None):
    """The count of ``queryset`` and its first ``limit`` rows: two queries (one when the
    count is known already), however many rows wait."""
    rows = list(queryset[:limit])
    if count is None:
        count = queryset.count()
    return count, rows


@dataclass
class _Merged:
    count: int = 0
    rows: list = field(default_factory=list)


def merged(parts, limit: int):
    """Several querysets shown as one section: ``parts`` are (queryset, make) pairs, ``make``
    turning a row into an ``Item``. The counts are added and the first ``limit`` items of all
    of them kept, oldest first by their ``when``. Two queries a part."""
    result = _Merged()
    items = []
    for queryset, make in parts:
        count, rows = first(queryset, limit)
        result.count += count
        items.extend(make(row) for row in rows)
    items.sort(key=lambda item: (item.when is None, item.when or 0))
    result.rows = items[:limit]
    return result
