"""The writes of a dossier itself: opening it with its archive number (R1, R2), its secrecy
and retention (R12, R17), and its status, derived from its open sections."""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions as gate

from . import permissions
from .models import ArchiveNumber, Building, Dossier, Estate, Occupancy, Unit


def format_archive_number(unit: Unit) -> str:
    building = unit.building
    parts = {
        "estate": building.estate.code,
        "building": building.number,
        "entrance": unit.entrance,
        "room": unit.room,
        "floor": unit.floor,
    }
    number = settings.ARCHIVE_NUMBER_FORMAT.format(**parts)
    # drop the separators around empty parts: "A-3--1201" -> "A-3-1201"
    return re.sub(r"([-/_.])\1+", r"\1", number).strip("-/_.")


def unit_sort_key(unit: Unit) -> str:
    """R1: the dossier's place in the list, ordered as (estate code, building number, floor,
    entrance, room). Each text is written as the hex of its UTF-8 bytes followed by ``00``,
    and the floor as four hex digits, so that the key sorts the same under any collation
    (hex digits sort alike in all of them) and a shorter text sorts before a longer one that
    begins with it, as in the tuple."""
    building = unit.building

    def text(value):
        return str(value).encode().hex() + "00"

    return "".join(
        (
            text(building.estate.code),
            text(building.number),
            f"{unit.floor + 0x8000:04x}",  # basements (negative floors) first
            text(unit.entrance),
            text(unit.room),
        )
    )


def refresh_sort_keys(dossiers):
    """Write the sort key of ``dossiers`` again from their units: after a unit, a building or
    an estate changed its number, floor or code (connected in ``CustomersConfig.ready``)."""
    changed = []
    for dossier in dossiers.select_related("unit__building__estate").order_by().iterator(1000):
        key = unit_sort_key(dossier.unit)
        if dossier.sort_key != key:
            dossier.sort_key = key
            changed.append(dossier)
    Dossier.objects.bulk_update(changed, ["sort_key"], batch_size=1000)
    return len(changed)


def structure_changed(sender, instance, created=False, raw=False, **kwargs):
    """post_save of an estate, a building or a unit: the sort keys of its dossiers."""
    if raw or created:  # a new unit has no dossier yet; loaddata writes the keys it holds
        return
    lookup = {Unit: "unit", Building: "unit__building", Estate: "unit__building__estate"}[sender]
    refresh_sort_keys(Dossier.objects.filter(**{lookup: instance}))


def _issue_archive_number(unit: Unit) -> str:
    """R2: derived from the unit, unique, never reused: a number issued before (to a dossier
    since removed, or a unit renamed back) gets a suffix instead."""
    base = format_archive_number(unit)
    candidate, n = base, 1
    while ArchiveNumber.objects.filter(number=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def dossier_open(*, unit: Unit, actor, opened_on=None) -> Dossier:
    """Open the unit's dossier (R1); an existing one is returned unchanged."""
    gate.require(actor, "customers.add_dossier")
    existing = Dossier.objects.filter(unit=unit).first()
    if existing:  # refused outside the transaction, so that the refusal is kept in the log
        permissions.require_on_dossier(actor, "customers.add_dossier", existing)
    with transaction.atomic():
        existing = Dossier.objects.filter(unit=unit).first()
        if existing:
            return existing
        number = _issue_archive_number(unit)
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    unit=unit,
                    archive_number=number,
                    sort_key=unit_sort_key(unit),
                    opened_on=opened_on or timezone.localdate(),
                    opened_by=actor,
                )
        except IntegrityError:  # somebody opened it at the same moment
            return Dossier.objects.get(unit=unit)
        ArchiveNumber.objects.create(number=number, dossier=dossier)
        return dossier


def dossier_set_secrecy(
    *, dossier: Dossier, secrecy_level: str, retention: str, reason: str, actor
):
    permissions.require_on_dossier(actor, "customers.change_dossier", dossier)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        dossier.secrecy_level, dossier.retention = secrecy_level, retention
        dossier._change_reason = reason
        dossier.save(update_fields=["secrecy_level", "retention"])
    return dossier


def refresh_dossier_status(dossier: Dossier):
    """Occupied, pending or vacant, from the dossier's open sections (in the caller's
    transaction, after a section moved)."""
    statuses = set(dossier.occupancies.current().values_list("status", flat=True))
    if Occupancy.Status.ACTIVE in statuses:
        status = Dossier.Status.OCCUPIED
    elif Occupancy.Status.PENDING in statuses:
        status = Dossier.Status.PENDING
    else:
        status = Dossier.Status.VACANT
    if dossier.status != status:
        dossier.status = status
        dossier.save(update_fields=["status"])
