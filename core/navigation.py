"""Navigation by role: each app registers its menu entries in its AppConfig.ready()."""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join, mark_safe
from django.utils.translation import get_language

from .permissions import can
from .roles import has_role, roles_of


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

# The entries a set of roles and permissions sees, worked out once per process: checking ~40
# permissions and reversing ~30 URLs cost ~4 ms on every page. The key is everything the
# entries depend on, the user's whole permission set included, so a changed grant is a new key.
_entries_by_rights: dict[tuple, tuple] = {}
_html_by_rights: dict[tuple, str] = {}
_ENTRIES_KEPT = 256


def register(*items: NavItem):
    for item in items:
        if item not in _registry:
            _registry.append(item)
    _registry.sort(key=lambda i: i.order)
    _entries_by_rights.clear()
    _html_by_rights.clear()


def _key(user):
    return (
        user.is_active,
        user.is_superuser,
        tuple(roles_of(user)),
        frozenset(user.get_all_permissions()),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )


def items_for(user, current_path: str = "", *, key=None):
    key = key or _key(user)
    entries = _entries_by_rights.get(key)
    if entries is None:
        if len(_entries_by_rights) >= _ENTRIES_KEPT:
            _entries_by_rights.clear()
        entries = _entries_by_rights[key] = tuple(_entries(user))
    entries = [dict(entry, active=False) for entry in entries]
    # the entry with the longest URL that starts the current path is the active one
    matches = [
        e
        for e in entries
        if current_path == e["url"] or (e["url"] != "/" and current_path.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return entries


def menu_html(user, current_path: str = ""):
    """The side menu's links, as ``base.html`` shows them: made once per set of rights,
    language and active entry, then served from memory (~3 ms of template loop a page)."""
    rights = _key(user)  # read once: it holds the user's whole permission set
    entries = items_for(user, current_path, key=rights)
    active = next((e["url"] for e in entries if e["active"]), "")
    key = (rights, get_language(), active)
    html = _html_by_rights.get(key)
    if html is None:
        if len(_html_by_rights) >= _ENTRIES_KEPT:
            _html_by_rights.clear()
        html = _html_by_rights[key] = format_html_join(
            "\n",
            '<a class="nav-link{}" href="{}"{}><i class="bi bi-{} me-2"></i>{}</a>',
            (
                (
                    " active" if e["active"] else "",
                    e["url"],
                    mark_safe(' aria-current="page"') if e["active"] else "",
                    e["icon"],
                    e["label"],
                )
                for e in entries
            ),
        )
    return html


def _entries(user):
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
        yield {"label": item.label, "url": url, "icon": item.icon}
