"""Who may see and do what with dossiers (R16, R17, R21). The app's one permission gate.

- A dossier of level C is visible to every role that holds the model permission
  ``customers.view_dossier`` (front desk, managers, archivists, executives).
- A confidential dossier (level B or A) is visible only to the users and groups granted
  ``view_dossier`` on that dossier (R17); the same grant also opens level C dossiers to
  someone without the role.
- Everything inside a dossier (occupancies, customers, change requests) inherits its visibility.
- Personal data is masked unless the user may reveal it on that dossier (R16): the model
  permission ``reveal_dossier`` for level C, an object grant for confidential dossiers.
"""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core import permissions as gate
from core import workflow
from core.choices import SecrecyLevel
from core.lookups import CompiledSubquery
from core.models import AccessLog
from core.roles import Role, group_ids_of
from core.services import log_access

from .models import (
    ChangeRequest,
    Customer,
    Dossier,
    DossierGroupObjectPermission,
    DossierUserObjectPermission,
    MoveInReferral,
    Occupancy,
    Unit,
)

VIEW = "customers.view_dossier"
REVEAL = "customers.reveal_dossier"
VIEW_CHANGES = "customers.view_changerequest"
VERIFY_OCCUPANCY = "customers.verify_occupancy"
DECIDE_REFERRAL = "customers.decide_moveinreferral"


def _grants(user, codename):
    """The ids of the dossiers on which ``user`` holds ``codename`` by an object grant: one
    subquery per table, over the direct-FK permission models."""
    direct = DossierUserObjectPermission.objects.filter(
        user=user, permission__codename=codename
    ).values("content_object_id")
    via_group = DossierGroupObjectPermission.objects.filter(
        group_id__in=group_ids_of(user), permission__codename=codename
    ).values("content_object_id")
    return direct, via_group


def granted_dossiers(user, codename, field="pk"):
    """The condition "``field`` is a dossier on which ``user`` holds ``codename`` by an object
    grant"."""
    direct, via_group = _grants(user, codename)
    return Q(**{f"{field}__in": direct}) | Q(**{f"{field}__in": via_group})


def hidden_dossiers(user):
    """The ids of the dossiers above level C that ``user`` was not granted: few (the
    confidential ones, read from their partial index), whatever the size of the archive."""
    granted = granted_dossiers(user, "view_dossier")
    return (
        Dossier.objects.order_by()
        .exclude(secrecy_level=SecrecyLevel.C)
        .exclude(granted)
        .values("pk")
    )


def _hidden_dossiers_compiled(user):
    """``hidden_dossiers(user)`` as SQL compiled once per process for each user and set of
    groups: the text depends on nothing else (the grants themselves are read by the database
    when each query runs, so a new or withdrawn grant counts at once)."""
    return _compiled_hidden(connection.alias, user.pk, tuple(group_ids_of(user)))


@lru_cache(maxsize=2048)
def _compiled_hidden(alias, user_pk, group_ids):
    user = get_user_model()(pk=user_pk)
    user._archive_group_ids = list(group_ids)  # the groups asked about, not read again
    sql, params = hidden_dossiers(user).query.get_compiler(alias).as_sql()
    return CompiledSubquery(sql, params)


def visible_dossier_condition(user, field="dossier"):
    """The condition "``field`` is a dossier ``user`` may see", on any model with a key to a
    dossier (``field="pk"`` on the dossier itself); ``None`` when every dossier is visible.

    For the roles that see level C it says "not one of the confidential dossiers they were
    not granted": a hash of a few thousand ids at most, probed row by row, so a page cut in an
    index's order stops after its rows, and a count reads no dossier. "Level C, or granted"
    made PostgreSQL hash every visible dossier (97,000 at 100,000 units) in every list, once
    for the page and again for its count (docs/PERFORMANCE.md)."""
    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    if user.has_perm(VIEW):
        return ~Q(**{f"{field}__in": _hidden_dossiers_compiled(user)})
    return granted_dossiers(user, "view_dossier", field)  # by grants alone: their few ids


def sight_key(user):
    """Everything :func:`visible_dossier_condition` and :func:`with_visible_dossier` read of
    ``user`` to write their SQL: a list compiled once for this key (core.compiled) sees what
    the user sees now. A withdrawn role or group, a lost permission or a deactivation changes
    it; the object grants need not be in it: the SQL reads them when it runs."""
    if not (user and user.is_authenticated):
        return ("anonymous",)
    return (
        user.pk,
        user.is_active,
        user.is_superuser,
        user.has_perm(VIEW),
        tuple(group_ids_of(user)),
    )


def seen_through_gate(user, dossier) -> bool:
    """This request's copy of ``dossier`` was read through ``user``'s sight
    (``access_dossier_or_404``): asking again would repeat the same answer."""
    return dossier is not None and getattr(dossier, "_seen_by", None) == user.pk


def with_visible_dossier(user, queryset, field="dossier", *, within=None):
    """``queryset`` (of a model with a key to a dossier) kept to the dossiers ``user`` sees;
    with ``within``, to that one dossier. A dossier page's panels pass the page's dossier:
    once its gate has let the user in, the sight condition (three subqueries to build, plan
    and run) is not asked again for each panel."""
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if within is not None:
        queryset = queryset.filter(**{field: within})
        if seen_through_gate(user, within):
            return queryset
    condition = visible_dossier_condition(user, field)
    return queryset if condition is None else queryset.filter(condition)


def dossier_visible_to(user, queryset=None):
    queryset = Dossier.objects.all() if queryset is None else queryset
    return with_visible_dossier(user, queryset, "pk")


def can_view_dossier(user, dossier):
    """Not asked again for the copy a page's gate has just read (``seen_through_gate``)."""
    if seen_through_gate(user, dossier) and user.is_active:
        return True
    return dossier_visible_to(user).filter(pk=dossier.pk).exists()


def access_dossier_or_404(user, pk, *, perm=None, request=None, queryset=None):
    """The dossier ``pk`` if ``user`` may see it, else 404 (the same for missing and not
    yours, the refusal logged); then, with ``perm``, the model permission for what the page
    does with it (403, logged). Every view of a confidential dossier is logged (R21)."""
    dossier = gate.get_or_404(user, dossier_visible_to(user, queryset), request=request, pk=pk)
    dossier._seen_by = user.pk  # this page's copy was read through the user's sight
    if perm:
        gate.require(user, perm, request=request)
    if dossier.is_confidential:  # R21: every view of a confidential record is logged
        log_access(user, dossier, AccessLog.Action.VIEW, request=request)
    return dossier


def occupancy_visible_to(user, queryset=None):
    queryset = Occupancy.objects.all() if queryset is None else queryset
    return with_visible_dossier(user, queryset)


def access_occupancy_or_404(user, pk, *, perm=None, request=None):
    """A section (R8) through a dossier ``user`` may see, like ``access_dossier_or_404``."""
    visible = occupancy_visible_to(user).select_related("dossier", "customer")
    occupancy = gate.get_or_404(user, visible, request=request, pk=pk)
    if perm:
        gate.require(user, perm, request=request)
    if occupancy.dossier.is_confidential:  # R21: every read of a confidential record
        log_access(user, occupancy, AccessLog.Action.VIEW, request=request)
    return occupancy


def open_customers(dossier):
    """Customers with an open section in the dossier: a closed section is read-only (R8)."""
    return Customer.objects.filter(
        occupancies__in=Occupancy.objects.current().filter(dossier=dossier)
    ).distinct()


def access_customer_or_404(user, dossier_pk, pk, *, perm=None, request=None):
    """A customer, reached through a dossier ``user`` may see, in an open section of it:
    ``(dossier, customer)``, else 404; then, with ``perm``, the model permission (403)."""
    dossier = access_dossier_or_404(user, dossier_pk, request=request)
    customer = get_object_or_404(open_customers(dossier), pk=pk)
    if perm:
        gate.require(user, perm, request=request)
    return dossier, customer


def access_change_request_or_404(user, pk, *, perm=VIEW_CHANGES, request=None):
    """A change request (R9) through a dossier ``user`` may see. The model permission comes
    first here, as on the list of change requests (403 without it, then 404)."""
    if perm:
        gate.require(user, perm, request=request)
    visible = change_request_visible_to(user).select_related(
        "dossier", "customer", "requested_by", "decided_by"
    )
    cr = gate.get_or_404(user, visible, request=request, pk=pk)
    if cr.dossier.is_confidential:  # R21
        log_access(user, cr, AccessLog.Action.VIEW, request=request)
    return cr


def access_referral_or_404(user, pk, *, request=None):
    """A referred move-in (R17) among those ``user`` may see (``referral_visible_to``), after
    the right to work with referrals at all (``require_referrals``)."""
    require_referrals(user, request=request)
    visible = referral_visible_to(user).select_related(
        "unit__building__estate", "customer", "requested_by", "decided_by", "occupancy"
    )
    return gate.get_or_404(user, visible, request=request, pk=pk)


def may_see_referrals(user):
    """Referred move-ins are the business of those who record move-ins and of deciders."""
    return gate.can(user, "customers.add_occupancy") or gate.can(user, DECIDE_REFERRAL)


def require_referrals(user, *, request=None):
    if not may_see_referrals(user):
        gate.record_refusal(user, DECIDE_REFERRAL, request=request)
        raise PermissionDenied(_("Your role does not allow this."))


def on_dossier(user, obj, perm=None):
    """The gate of the moves of a dossier's records (sections, change requests): the sight of
    that very dossier (R17). ``perm`` is the move's model permission, checked before. A
    page's copy of the dossier read through ``access_dossier_or_404`` is not asked again
    (the buttons of its sections, one query for the page)."""
    return can_view_dossier(user, obj.dossier)


def on_referral(user, referral, perm=None):
    """The gate of a referral's moves: the sight of the customer on file and of the unit's
    dossier, when it has one (the move-in is recorded there)."""
    return can_see_customer(user, referral.customer) and (
        units_open_to(user).filter(pk=referral.unit_id).exists()
    )


def can_reveal(user, dossier):
    """R16: the reveal right *on this dossier*. For a confidential dossier that is an object
    grant of ``reveal_dossier`` (a grant to view it is not enough); for an ordinary one the
    role's model permission. Either way only on a dossier the user may see."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not can_view_dossier(user, dossier):
        return False
    if not dossier.is_confidential and user.has_perm(REVEAL):  # read with the roles already
        return True
    return user.has_perm(REVEAL, dossier)  # an object grant (guardian): two queries


def require_reveal(user, dossier, *, request=None):
    if not can_reveal(user, dossier):
        gate.record_refusal(user, REVEAL, dossier, request=request)
        raise PermissionDenied(_("You may not reveal the personal data of this dossier."))


def require_on_dossier(user, perm, dossier, *, request=None):
    """The gate of every service that writes into a dossier: the model permission ``perm``
    and the sight of that very dossier (R17), so that the admin, the shell and Celery are held
    to the same rule as the pages. Refusals are logged."""
    gate.require(user, perm, request=request)
    if dossier is not None and not can_view_dossier(user, dossier):
        gate.record_refusal(user, perm, dossier, request=request)
        raise PermissionDenied(_("You may not work in this dossier."))


def customer_visible_to(user, queryset=None):
    """A customer is visible through any dossier in which they have a section."""
    queryset = Customer.objects.all() if queryset is None else queryset
    sections = with_visible_dossier(user, Occupancy.objects.filter(customer=OuterRef("pk")))
    return queryset.filter(Exists(sections))


def is_confidential_object(obj):
    """Whether reading ``obj`` is a read of a confidential record (R21): a dossier of level B
    or A, anything with a ``dossier`` of that level, and a customer (or their contact,
    household member) with a section in one."""
    if isinstance(obj, Dossier):
        return obj.is_confidential
    dossier = getattr(obj, "dossier", None)
    if isinstance(dossier, Dossier):
        return dossier.is_confidential
    customer = obj if isinstance(obj, Customer) else getattr(obj, "customer", None)
    if isinstance(customer, Customer):
        return Dossier.objects.filter(occupancies__customer=customer).confidential().exists()
    return False


def can_see_customer(user, customer):
    """Whether ``user`` may see ``customer``: through a dossier they may see, or because the
    customer is in nobody's dossier yet (just registered, before the move-in)."""
    if user.is_superuser:
        return True
    if customer_visible_to(user).filter(pk=customer.pk).exists():
        return True
    return not Occupancy.objects.filter(customer=customer).exists()


def change_request_visible_to(user, queryset=None):
    queryset = ChangeRequest.objects.all() if queryset is None else queryset
    return with_visible_dossier(user, queryset)


def can_edit_dossier(user, dossier):
    return gate.can(user, "customers.change_customer") and can_view_dossier(user, dossier)


def can_record_move_in(user):
    return gate.can(user, "customers.add_occupancy")


def can_verify_move_ins(user):
    """Whether ``user`` verifies move-ins at all (the list of pending ones)."""
    return gate.can(user, VERIFY_OCCUPANCY)


def can_set_secrecy(user, dossier=None):
    return gate.can(user, "customers.change_dossier") and (
        dossier is None or can_view_dossier(user, dossier)
    )


def can_import_units(user):
    """An import of units adds and updates units and may add buildings."""
    return all(
        gate.can(user, perm)
        for perm in ("customers.add_unit", "customers.change_unit", "customers.add_building")
    )


def grant_dossier(user_or_group, dossier, *, reveal=False):
    gate.grant(VIEW, user_or_group, dossier)
    if reveal:
        gate.grant(REVEAL, user_or_group, dossier)


def revoke_dossier(user_or_group, dossier):
    gate.revoke(VIEW, user_or_group, dossier)
    gate.revoke(REVEAL, user_or_group, dossier)


def users_who_see(dossier, users):
    """Of ``users`` (a queryset), those who may see ``dossier``: one query, no loop over
    ``has_perm``. A level-C dossier is seen by every holder of the view permission (through a
    group, the way roles grant it); a confidential one only by its grantees (R17)."""
    return _who_see(
        users, Dossier.objects.filter(pk=dossier.pk), ordinary=not dossier.is_confidential
    )


def _who_see(users, dossiers, *, ordinary):
    """Of ``users``, those granted on any of ``dossiers`` (a queryset), superusers, and, when
    ``ordinary`` (one of them is level C), every holder of the view permission."""
    condition = Q(
        pk__in=DossierUserObjectPermission.objects.filter(
            content_object__in=dossiers, permission__codename="view_dossier"
        ).values("user_id")
    ) | Q(
        groups__in=DossierGroupObjectPermission.objects.filter(
            content_object__in=dossiers, permission__codename="view_dossier"
        ).values("group_id")
    )
    condition |= Q(is_superuser=True)
    if ordinary:
        condition |= Q(
            groups__permissions__codename="view_dossier",
            groups__permissions__content_type__app_label="customers",
        ) | Q(
            user_permissions__codename="view_dossier",
            user_permissions__content_type__app_label="customers",
        )
    return users.filter(condition).distinct()


def _holding(users, perm):
    """Of ``users``, those holding the model permission ``perm``, in SQL as roles grant it:
    through a group, directly, or as superuser."""
    app_label, codename = perm.split(".", 1)
    holds = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return users.filter(
        Q(groups__permissions__in=holds) | Q(user_permissions__in=holds) | Q(is_superuser=True)
    ).distinct()


def who_is_told(dossier, *, roles=(Role.MANAGER,), perm=None, exclude=None, customer=None):
    """The one "who is told" of every app: the active holders of ``roles`` (and of ``perm``)
    who may see ``dossier`` (and ``customer``, through any dossier of theirs). Nobody is told
    anything about a dossier or customer they may not see (R17). ``dossier`` None: a matter
    of no dossier in particular, told to the role holders."""
    users = get_user_model().objects.filter(groups__name__in=list(roles), is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    if perm:
        users = _holding(users, perm)
    if dossier is not None:
        users = users_who_see(dossier, users)
    if customer is not None:
        users = who_may_see_customer(customer, users)
    return list(users.distinct())


def who_may_see_customer(customer, users):
    """Of ``users``, those who may see ``customer`` through any dossier of theirs: one query."""
    dossiers = Dossier.objects.filter(occupancies__customer=customer)
    ordinary = dossiers.filter(secrecy_level=SecrecyLevel.C).exists()
    return _who_see(users, dossiers, ordinary=ordinary)


def units_open_to(user, queryset=None):
    """The units ``user`` may record a move-in into: those without a dossier yet and those
    whose dossier they may see. A unit of a confidential dossier is "not found" (R17)."""
    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(Q(dossier__isnull=True) | Q(dossier__in=dossier_visible_to(user)))


def referral_visible_to(user, queryset=None):
    """A referred move-in is seen by whoever recorded it (without the customer on file) and
    by the managers who may decide it: they hold the permission and may see the customer."""
    queryset = MoveInReferral.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    condition = Q(requested_by=user)
    if user.has_perm(DECIDE_REFERRAL):
        if user.is_superuser:
            return queryset
        condition |= Q(customer__in=customer_visible_to(user))
    return queryset.filter(condition)


def can_decide_referral(user, referral):
    return bool({"accept", "reject"} & workflow.allowed_moves(user, referral))
