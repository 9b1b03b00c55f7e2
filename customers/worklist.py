"""The home page's sections of customers (``core.worklist``): the move-ins to verify."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import worklist
from core.permissions import can

from . import selectors


def verifications(user, limit):
    """R4: the move-ins waiting for verification, as the verification list shows them."""
    if not can(user, "customers.verify_occupancy"):
        return None
    count, rows = worklist.first(selectors.pending_verifications(user=user), limit)
    return worklist.Section(
        title=_("Move-ins to verify"),
        count=count,
        icon="patch-check",
        url=reverse("customers:verification_list"),
        items=[
            worklist.Item(
                label=f"{o.dossier.archive_number} · {o.customer.name}",
                url=reverse("customers:dossier_detail", args=[o.dossier_id]),
                detail=_("recorded by %(who)s") % {"who": o.recorded_by},
                when=o.recorded_at,
                flag=_("yours: another verifies") if o.recorded_by_id == user.pk else "",
            )
            for o in rows
        ],
    )


def register():
    worklist.register("verifications", verifications, order=10)
    worklist.register_search(
        "customers:dossier_list",
        perm="customers.view_dossier",
        placeholder=gettext_lazy("Archive number, room, name, phone, ID number or credit code"),
    )
