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

from django.db.models import Exists, OuterRef, Q

from core import permissions as gate
from core.choices import SecrecyLevel
from core.models import AccessLog
from core.services import log_access

from .models import (
    ChangeRequest,
    Customer,
    Dossier,
    DossierGroupObjectPermission,
    DossierUserObjectPermission,
    Occupancy,
)

VIEW = "customers.view_dossier"
REVEAL = "customers.reveal_dossier"


def granted_dossiers(user, codename):
    """Ids of dossiers on which ``user`` holds ``codename`` by an object grant (one subquery
    per table, over the direct-FK permission models)."""
    direct = DossierUserObjectPermission.objects.filter(
        user=user, permission__codename=codename
    ).values("content_object_id")
    via_group = DossierGroupObjectPermission.objects.filter(
        group__user=user, permission__codename=codename
    ).values("content_object_id")
    return Q(pk__in=direct) | Q(pk__in=via_group)


def dossier_visible_to(user, queryset=None):
    queryset = Dossier.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = granted_dossiers(user, "view_dossier")
    if user.has_perm(VIEW):
        condition |= Q(secrecy_level=SecrecyLevel.C)
    return queryset.filter(condition)


def can_view_dossier(user, dossier):
    return dossier_visible_to(user).filter(pk=dossier.pk).exists()


def access_dossier_or_404(user, pk, *, request=None, queryset=None):
    dossier = gate.get_or_404(user, dossier_visible_to(user, queryset), request=request, pk=pk)
    if dossier.is_confidential:  # R21: every view of a confidential record is logged
        log_access(user, dossier, AccessLog.Action.VIEW, request=request)
    return dossier


def can_reveal(user, dossier):
    if user.is_superuser:
        return True
    if user.has_perm(REVEAL, dossier):  # an object grant (guardian)
        return True
    return not dossier.is_confidential and user.has_perm(REVEAL)


def require_reveal(user, dossier, *, request=None):
    if not can_reveal(user, dossier):
        gate.record_refusal(user, REVEAL, dossier, request=request)
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


def customer_visible_to(user, queryset=None):
    """A customer is visible through any dossier in which they have a section."""
    queryset = Customer.objects.all() if queryset is None else queryset
    sections = Occupancy.objects.filter(
        customer=OuterRef("pk"), dossier__in=dossier_visible_to(user)
    )
    return queryset.filter(Exists(sections))


def change_request_visible_to(user, queryset=None):
    queryset = ChangeRequest.objects.all() if queryset is None else queryset
    return queryset.filter(dossier__in=dossier_visible_to(user))


def can_edit_dossier(user, dossier):
    return user.has_perm("customers.change_customer") and can_view_dossier(user, dossier)


def can_record_move_in(user):
    return user.has_perm("customers.add_occupancy")


def can_verify(user, occupancy):
    return (
        user.has_perm("customers.verify_occupancy")
        and occupancy.recorded_by_id != user.pk
        and occupancy.status == Occupancy.Status.PENDING
    )


def can_decide_change(user, change_request):
    return (
        user.has_perm("customers.approve_changerequest")
        and change_request.requested_by_id != user.pk
        and change_request.status == ChangeRequest.Status.REQUESTED
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
    granted = Q(
        pk__in=DossierUserObjectPermission.objects.filter(
            content_object=dossier, permission__codename="view_dossier"
        ).values("user_id")
    ) | Q(
        groups__in=DossierGroupObjectPermission.objects.filter(
            content_object=dossier, permission__codename="view_dossier"
        ).values("group_id")
    )
    condition = granted | Q(is_superuser=True)
    if not dossier.is_confidential:
        condition |= Q(
            groups__permissions__codename="view_dossier",
            groups__permissions__content_type__app_label="customers",
        ) | Q(
            user_permissions__codename="view_dossier",
            user_permissions__content_type__app_label="customers",
        )
    return users.filter(condition).distinct()
