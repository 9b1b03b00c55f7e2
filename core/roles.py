"""The roles of the archive (domain rules, "Roles") as Django groups.

The group *name* is the stable code below; people see the translated label. Model permissions
per role are declared here in one table and applied by ``sync_role_permissions`` after every
migrate; object permissions (which dossier) are granted separately through core.permissions.
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


_DOCUMENTS_READ = [
    "documents.view_document",
    "documents.view_documentcategory",
    "documents.view_requireddocument",
    "documents.view_room",
    "documents.view_shelf",
    "documents.view_box",
    "documents.view_handover",
    "documents.view_handoveritem",
    "documents.view_storageinspection",
]
_DOCUMENTS_FRONT_DESK = [
    "documents.view_document",
    "documents.add_document",
    "documents.change_document",
    "documents.download_document",
    "documents.view_documentcategory",
    "documents.view_requireddocument",
    "documents.view_handover",
    "documents.add_handover",
    "documents.change_handover",
    "documents.view_handoveritem",
]
_DOCUMENTS_ARCHIVIST = [
    *_DOCUMENTS_READ,
    "documents.add_document",
    "documents.change_document",
    "documents.download_document",
    "documents.file_document",
    "documents.check_handover",  # the archive room's side only: not change_handover
    "documents.add_room",
    "documents.change_room",
    "documents.add_shelf",
    "documents.change_shelf",
    "documents.add_box",
    "documents.change_box",
    "documents.add_storageinspection",
    "documents.change_storageinspection",
]

_FRONT_DESK_CUSTOMERS = [
    "customers.view_estate",
    "customers.view_building",
    "customers.view_unit",
    "customers.view_dossier",
    "customers.add_dossier",
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "customers.view_occupancy",
    "customers.add_occupancy",
    "customers.change_occupancy",
    "customers.verify_occupancy",
    "customers.view_contact",
    "customers.add_contact",
    "customers.view_householdmember",
    "customers.add_householdmember",
    "customers.change_householdmember",
    "customers.view_changerequest",
    "customers.add_changerequest",
]
_READ_CUSTOMERS = [
    "customers.view_servicecentre",
    "customers.view_estate",
    "customers.view_building",
    "customers.view_unit",
    "customers.view_dossier",
    "customers.view_customer",
    "customers.view_occupancy",
    "customers.view_contact",
    "customers.view_householdmember",
    "customers.view_changerequest",
]

_RECORD_MODELS = [
    "lease",
    "deposit",
    "charge",
    "payment",
    "renovation",
    "renovationinspection",
    "violation",
    "complaint",
    "complaintstep",
    "repair",
    "visit",
    "correspondence",
    "application",
]
_RECORDS_READ = [f"records.view_{m}" for m in _RECORD_MODELS]
# the front desk records everything a dossier holds (R5); managers also decide
_RECORDS_FRONT_DESK = [
    *_RECORDS_READ,
    *(f"records.add_{m}" for m in _RECORD_MODELS),
    *(f"records.change_{m}" for m in _RECORD_MODELS),
]
_RECORDS_MANAGER = [
    *_RECORDS_FRONT_DESK,
    "records.approve_deposit",
    "records.approve_renovation",
    "records.approve_application",
]

# Segregation of duties: each approval, verification, decision and signature belongs to the
# roles that the rules name (domain rules, "Roles") and to no other. The administrator keeps
# users, groups, settings, master data and the Django admin, never these: a wildcard row takes
# every one of them back (tests/security/test_segregation.py holds the table to this).
DUTIES: dict[str, tuple[Role, ...]] = {
    # R4: 信息核实 by a second person (never the recorder): a front-desk colleague or a manager
    "customers.verify_occupancy": (Role.FRONT_DESK, Role.MANAGER),
    # R9: edits of locked records need a manager's consent
    "customers.approve_changerequest": (Role.MANAGER,),
    # R12, R17: a dossier's secrecy level decides who reads it; a manager sets it
    "customers.change_dossier": (Role.MANAGER,),
    # R17: a move-in of a customer on file in a dossier the recorder may not see
    "customers.decide_moveinreferral": (Role.MANAGER,),
    # R5: refunds and forfeits of deposits, renovations and their acceptance, applications
    "records.approve_deposit": (Role.MANAGER,),
    "records.approve_renovation": (Role.MANAGER,),
    "records.approve_application": (Role.MANAGER,),
    # R30: a manager accepts an incomplete dossier; the archive room checks and signs its side;
    # the service centre prepares its list and signs its side (``change_handover``)
    "documents.override_handover": (Role.MANAGER,),
    "documents.check_handover": (Role.ARCHIVIST,),
    "documents.change_handover": (Role.FRONT_DESK, Role.MANAGER),
}
_NOT_ADMIN_DUTIES = [f"!{perm}" for perm in DUTIES]

# "app_label.codename" per role; "app_label.*" means every permission of that app and
# "!app_label.codename" takes one back. Apps add their rows as they arrive; a permission that
# does not exist (yet) is skipped. The table is the whole truth: a permission it no longer gives
# a role is taken from the role's group on the next migrate.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.FRONT_DESK: [
        "core.view_notification",
        *_FRONT_DESK_CUSTOMERS,
        *_DOCUMENTS_FRONT_DESK,
        *_RECORDS_FRONT_DESK,
    ],
    Role.MANAGER: [
        "core.view_notification",
        "core.view_accesslog",
        *_FRONT_DESK_CUSTOMERS,
        *_READ_CUSTOMERS,
        "customers.change_dossier",
        "customers.reveal_dossier",
        "customers.approve_changerequest",
        "customers.decide_moveinreferral",
        *_DOCUMENTS_READ,
        *_DOCUMENTS_FRONT_DESK,
        "documents.override_handover",
        *_RECORDS_MANAGER,
    ],
    Role.ARCHIVIST: [
        "core.view_notification",
        *_READ_CUSTOMERS,
        *_DOCUMENTS_ARCHIVIST,
        *_RECORDS_READ,
    ],
    Role.WITNESS: [
        "core.view_notification",
    ],
    Role.ADMIN: [
        "auth.*",
        "core.*",
        "axes.*",
        "django_celery_beat.*",
        "customers.*",
        # administrators keep the system; reading personal data is not part of that (R16)
        "!customers.reveal_dossier",
        "!customers.reveal_customer",
        "documents.*",
        "!documents.download_document",
        "!documents.add_handover",  # the service centre prepares its handover list (R30)
        "records.*",
        # segregation of duties: no approval, verification, decision or signature
        *_NOT_ADMIN_DUTIES,
    ],
    Role.EXECUTIVE: [
        "core.view_notification",
        "core.view_accesslog",
        *_READ_CUSTOMERS,
        *_DOCUMENTS_READ,
        *_RECORDS_READ,
    ],
}


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


def roles_of(user) -> list[Role]:
    """The roles a user holds, in the order of ``Role``; superusers hold every role."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Role)
    cached = getattr(user, "_archive_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = [role for role in Role if role.value in names]
        user._archive_roles = cached
    return cached


def has_role(user, *roles) -> bool:
    held = roles_of(user)
    return any(role in held for role in roles)
