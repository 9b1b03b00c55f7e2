"""Each dossier's balance kept beside it (``DossierBalance``): what today's arrears page reads.

Listed largest debt first, the arrears need every owing dossier's total; added up from the
charges they cost more as the archive grows (at 100,000 units, 21,839 owing charges of 4,885
dossiers on every page, docs/PERFORMANCE.md). The balances hold those totals, one row per
dossier with a charge not paid in full, and are written here only:

- ``refresh`` for the dossiers whose charges changed, in the same transaction as the change
  (``charge_add`` and a saved or deleted charge through the signal below, ``payment_record``,
  whose ``UPDATE`` no signal sees), the dossier's row locked so that two payments of one
  dossier recompute one after the other;
- ``refresh_all``, every night (``records.refresh_balances``) and after charges were written
  in bulk (the benches' seeds: ``bulk_create`` and ``update`` send no signal): every balance
  recounted, locked as above. A row counts the charges due before its ``as_of`` and names the
  next due day of one not yet due, ``next_due``; from the day after that it is stale.

``current(on)`` says whether every row is right for ``on``; the arrears page falls back to the
charges themselves when one is not (the nightly job did not run, or ``on`` is not today).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from customers.models import Dossier
from records.base import MONEY as MONEY_DIGITS
from records.finance.models import Charge, DossierBalance

__all__ = ["compute", "refresh", "refresh_all", "stale", "current"]

MONEY = DecimalField(**MONEY_DIGITS)
CHUNK = 500


def compute(on, dossier_ids=None):
    """The balances on ``on`` (unsaved rows) of the dossiers given, or of all: only those
    with a charge not paid in full."""
    owing = Charge.objects.filter(paid_amount__lt=F("amount"))
    if dossier_ids is not None:
        owing = owing.filter(dossier_id__in=list(dossier_ids))
    due = Q(due_on__lt=on)
    rows = (
        owing.order_by()
        .values("dossier_id")
        .annotate(
            total=Coalesce(
                Sum(F("amount") - F("paid_amount"), filter=due, output_field=MONEY),
                Value(Decimal("0.00"), output_field=MONEY),
            ),
            periods=Count("period", distinct=True, filter=due),
            oldest_period=Min("period", filter=due),
            oldest_due=Min("due_on", filter=due),
            next_due=Min("due_on", filter=~due),
        )
    )
    return [
        DossierBalance(
            dossier_id=row["dossier_id"],
            as_of=on,
            total=row["total"],
            periods=row["periods"],
            oldest_period=row["oldest_period"] or "",
            oldest_due=row["oldest_due"],
            next_due=row["next_due"],
        )
        for row in rows
    ]


def refresh(dossier_ids, *, on=None):
    """Recompute the balances of ``dossier_ids`` on ``on`` (today): their rows locked, in the
    caller's transaction if there is one."""
    on = on or timezone.localdate()
    ids = sorted(set(dossier_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            # in the order of their keys, so that two refreshes never wait on each other
            list(
                Dossier.objects.select_for_update(no_key=True)
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            DossierBalance.objects.filter(dossier_id__in=chunk).delete()
            DossierBalance.objects.bulk_create(compute(on, chunk))
    return len(ids)


def stale(on):
    """The balances not right for ``on``: a charge has fallen due since (or, after a clock
    set back, they were counted for a later day)."""
    return DossierBalance.objects.filter(next_due__lt=on) | DossierBalance.objects.filter(
        as_of__gt=on
    )


def current(on) -> bool:
    return not stale(on).exists()


def refresh_all(on=None):
    """Every balance recounted from the charges, a chunk of dossiers at a time with their rows
    locked (as ``refresh``), so a payment meanwhile is neither lost nor refused: the nightly
    job (``records.refresh_balances``), and whatever wrote charges in bulk (``bulk_create``
    and ``update`` send no signal). A balance that went wrong anyhow (a write that skipped
    ``refresh``, a deploy rolled back) is right again by the next morning."""
    on = on or timezone.localdate()
    owing = Charge.objects.filter(paid_amount__lt=F("amount")).order_by()
    ids = set(owing.values_list("dossier_id", flat=True).distinct())
    ids |= set(DossierBalance.objects.values_list("dossier_id", flat=True))
    return refresh(ids, on=on)


# a charge saved or deleted anywhere (a service, the shell, a fixture): its dossier's balance
@receiver(post_save, sender=Charge, dispatch_uid="records.balance.charge_saved")
@receiver(post_delete, sender=Charge, dispatch_uid="records.balance.charge_deleted")
def _charge_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture's own rows; the nightly refresh_all counts them
        return
    refresh([instance.dossier_id])
