"""Navigation by role: each app registers its menu entries in its AppConfig.ready()."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from .permissions import can
from .roles import has_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    roles: tuple = ()  # empty: everyone logged in
    perm: str | tuple = ""  # a model permission required as well (a tuple: any one of them)
    order: int = 100
    children: tuple = field(default=())


_registry: list[NavItem] = []


def register(*items: NavItem):
    for item in items:
        if item not in _registry:
            _registry.append(item)
    _registry.sort(key=lambda i: i.order)


def items_for(user, current_path: str = ""):
    entries = []
    for item in _registry:
        if item.roles and not has_role(user, *item.roles):
            continue
        perms = [p for p in ((item.perm,) if isinstance(item.perm, str) else item.perm) if p]
        if perms and not any(can(user, perm) for perm in perms):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
    # the entry with the longest URL that starts the current path is the active one
    matches = [
        e
        for e in entries
        if current_path == e["url"] or (e["url"] != "/" and current_path.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return entries
