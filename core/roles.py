"""The roles of the archive (domain rules, "Roles") as Django groups.

The group *name* is the stable code below; people see the translated label. Model permissions
per role are one table, to which each app adds its own rows from its ``roles.py``
(``register``), applied by ``sync_role_permissions`` after every migrate; object permissions
(which dossier) are granted separately through core.permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")
    MANAGER = "manager", _("Manager")
    ARCHIVIST = "archivist", _("Archivist")
    WITNESS = "witness", _("Witness")
    ADMIN = "admin", _("Administrator")
    EXECUTIVE = "executive", _("Executive")
    LEGAL = "legal", _("Legal department")
    ENGINEERING = "engineering", _("Engineering department")


# Segregation of duties: each approval, verification, decision and signature belongs to the
# roles that the rules name (domain rules, "Roles") and to no other. The administrator keeps
# users, groups, settings, master data and the Django admin, never these: every duty that an
# app declares is taken back from the administrator ("!perm" in its row; the test
# tests/security/test_segregation.py holds the table to this).
DUTIES: dict[str, tuple[Role, ...]] = {}

# "app_label.codename" per role; "app_label.*" means every permission of that app and
# "!app_label.codename" takes one back. Each app declares its own rows in its ``roles.py``
# (found by ``discover``, run from CoreConfig.ready) with ``register``; core knows none of them.
# A permission that does not exist (yet) is skipped. The table is the whole truth: a permission
# it no longer gives a role is taken from the role's group on the next migrate.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.FRONT_DESK: ["core.view_notification"],
    Role.MANAGER: ["core.view_notification", "core.view_accesslog"],
    Role.ARCHIVIST: ["core.view_notification"],
    Role.WITNESS: ["core.view_notification"],
    Role.ADMIN: ["auth.*", "core.*", "axes.*", "django_celery_beat.*"],
    Role.EXECUTIVE: ["core.view_notification", "core.view_accesslog"],
    Role.LEGAL: ["core.view_notification"],
    Role.ENGINEERING: ["core.view_notification"],
}


def register(permissions: dict, duties: dict | None = None) -> None:
    """Add an app's rows to the table: ``permissions`` {role: [perm, …]} and ``duties``
    {perm: (roles, …)}, each duty taken back from the administrator. Registering the same
    row twice changes nothing."""
    for role, perms in permissions.items():
        row = ROLE_PERMISSIONS.setdefault(Role(role), [])
        row.extend(p for p in perms if p not in row)
    for perm, roles in (duties or {}).items():
        if perm in DUTIES and set(DUTIES[perm]) != set(roles):
            raise ValueError(f"duty {perm} declared twice with different roles")
        DUTIES[perm] = tuple(roles)
        if f"!{perm}" not in ROLE_PERMISSIONS[Role.ADMIN]:
            ROLE_PERMISSIONS[Role.ADMIN].append(f"!{perm}")


def discover() -> None:
    """Import every installed app's ``roles`` module, which registers its rows."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("roles")


def ensure_groups(group_model):
    """Create the role groups that are missing; used by the data migration and at sync."""
    for role in Role:
        group_model.objects.get_or_create(name=role.value)


def sync_role_permissions(sender, using="default", apps=None, **kwargs):
    """Make each role's group hold exactly the declared permissions of the app that has just
    been migrated: the missing ones are added, and those the table no longer gives (an
    approval taken from the administrator, a permission added by hand) are taken away, so an
    existing deployment follows the table on its next migrate. Groups that are not roles are
    left alone."""
    from django.apps import apps as global_apps

    registry = apps or global_apps
    try:
        group_model = registry.get_model("auth", "Group")
        permission_model = registry.get_model("auth", "Permission")
    except LookupError:
        return
    label = sender.label
    ensure_groups(group_model)
    of_app = permission_model.objects.using(using).filter(content_type__app_label=label)
    for role, perms in ROLE_PERMISSIONS.items():
        wanted = [p.split(".", 1)[1] for p in perms if p.split(".", 1)[0] == label]
        taken_back = [p.split(".", 1)[1] for p in perms if p.startswith(f"!{label}.")]
        declared = of_app if "*" in wanted else of_app.filter(codename__in=wanted)
        declared = set(declared.exclude(codename__in=taken_back).values_list("pk", flat=True))
        group = group_model.objects.using(using).get(name=role)
        held = set(
            group.permissions.filter(content_type__app_label=label).values_list("pk", flat=True)
        )
        if held - declared:
            group.permissions.remove(*(held - declared))
        if declared - held:
            group.permissions.add(*(declared - held))


def refresh_permission_names(sender, using="default", apps=None, **kwargs):
    """Keep the stored name of each declared permission (``Meta.permissions``) as the code
    says it: Django writes a permission's name once, when it creates it, so a name changed
    since (a rule number taken out of it) would stay in the admin's lists for ever."""
    from django.utils import translation

    registry = apps or sender.apps
    try:
        permission_model = registry.get_model("auth", "Permission")
    except LookupError:
        return
    with translation.override(None):  # stored as written in the code, translated when shown
        for model in sender.get_models():
            for codename, name in model._meta.permissions:
                permission_model.objects.using(using).filter(
                    content_type__app_label=sender.label, codename=codename
                ).exclude(name=str(name)).update(name=str(name))


def roles_of(user) -> list[Role]:
    """The roles a user holds, in the order of ``Role``; superusers hold every role."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Role)
    if getattr(user, "_archive_roles", None) is None:
        _read_groups(user)
    return user._archive_roles


def group_ids_of(user) -> list[int]:
    """The ids of the user's groups, read once per copy of the user with its roles: the
    object grants through a group are looked up by these ids, not by a join per query."""
    if not user.is_authenticated:
        return []
    if getattr(user, "_archive_group_ids", None) is None:
        _read_groups(user)
    return user._archive_group_ids


def _read_groups(user):
    groups = list(user.groups.values_list("pk", "name"))
    names = {name for _pk, name in groups}
    user._archive_roles = [role for role in Role if role.value in names]
    user._archive_group_ids = [pk for pk, _name in groups]


def has_role(user, *roles) -> bool:
    held = roles_of(user)
    return any(role in held for role in roles)
