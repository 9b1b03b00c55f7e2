"""The dossier as it stood on a chosen day (R10: dynamic updates are kept as history).

Everything is rebuilt from the django-simple-history tables, never from the current rows: for
each object the latest history row written before the end of that day (Asia/Shanghai) is taken,
and deleted objects are dropped. A correction made later therefore never changes what an
earlier day shows. The record's own dates then say whether it was in force that day (moved in
and not yet moved out, a contact valid, a lease running, a deposit received and still held).

Records entered after the day but dated on or before it (a move-in recorded a week late) were
not in the dossier that day: they are counted in ``late`` and, when asked for with
``include_late``, shown as they were first recorded and marked with the day they were entered.

One query per history table, whatever the dossier holds: sections, leases, deposits, then the
customers, household members and contacts of the people found. Personal data leaves this module
already masked (``core.masking.mask_field``): the page never sees a raw ID number or
phone number.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from core.masking import mask_field
from customers.models import Contact, Customer, HouseholdMember, Occupancy
from records.models import Deposit, Lease

__all__ = [
    "DossierAsOf",
    "end_of_day",
    "dossier_as_of",
    "occupants_on",
    "leases_on",
    "deposits_on",
]

CUSTOMER_FIELDS = tuple(Customer.PERSONAL_FIELDS)  # the personal ones, shown masked


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the site's time zone (Asia/Shanghai)."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_default_timezone()
    )


@dataclass
class _Versions:
    """Per object id: the row in force at the end of the day (``known``), or, for objects
    entered only later, their first row (``later``)."""

    known: dict = field(default_factory=dict)
    later: dict = field(default_factory=dict)

    def rows(self, include_late):
        rows = list(self.known.values())
        if include_late:
            rows += self.later.values()
        return rows


def _versions(history, day) -> _Versions:
    """One query: every history row of ``history``, sorted so that the last row seen per id
    before the end of ``day`` is the one in force then."""
    moment = end_of_day(day)
    known, first_later, deleted = {}, {}, set()
    for row in history.order_by("id", "history_date", "history_id"):
        if row.history_date < moment:
            known[row.id] = row
        elif row.id not in first_later:
            first_later[row.id] = row
    for pk, row in known.items():
        row.recorded_later = None
        if row.history_type == "-":
            deleted.add(pk)
    later = {}
    for pk, row in first_later.items():
        if pk in known or row.history_type == "-":
            continue
        row.recorded_later = timezone.localdate(row.history_date)
        later[pk] = row
    return _Versions({pk: r for pk, r in known.items() if pk not in deleted}, later)


def _select(versions, test, include_late):
    """The rows passing ``test`` (the record's own dates), and how many rows entered later
    would pass it too."""
    rows = [r for r in versions.rows(include_late) if test(r)]
    late = 0 if include_late else sum(1 for r in versions.later.values() if test(r))
    return rows, late


def _within(start, day, end, *, end_inclusive=False):
    """start <= day, and day before ``end`` (or on it); a missing start or end is open."""
    if start is not None and start > day:
        return False
    if end is None:
        return True
    return end >= day if end_inclusive else end > day


# --- The people -----------------------------------------------------------------------------


def _masked_customer(row):
    """What the page may show of a customer as they were then: no raw personal data."""
    return SimpleNamespace(
        pk=row.id,
        name=row.name,
        kind=row.kind,
        kind_display=row.get_kind_display(),
        is_enterprise=row.kind == Customer.Kind.ENTERPRISE,
        legal_representative=row.legal_representative,
        recorded_later=row.recorded_later,
        **{name: mask_field(Customer, name, getattr(row, name)) for name in CUSTOMER_FIELDS},
    )


def _masked_member(row):
    return SimpleNamespace(
        pk=row.id,
        name=row.name,
        relation=row.relation,
        joined_on=row.joined_on,
        left_on=row.left_on,
        id_number=mask_field(HouseholdMember, "id_number", row.id_number),
        mobile=mask_field(HouseholdMember, "mobile", row.mobile),
        recorded_later=row.recorded_later,
    )


def _masked_contact(row):
    return SimpleNamespace(
        pk=row.id,
        name=row.name,
        kind_display=row.get_kind_display(),
        relation=row.relation,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        mobile=mask_field(Contact, "mobile", row.mobile),
        landline=mask_field(Contact, "landline", row.landline),
        recorded_later=row.recorded_later,
    )


def _sections_on(dossier, day, include_late):
    """The sections open that day: moved in by then, not yet moved out (rejected ones never
    occupied the unit)."""
    versions = _versions(Occupancy.history.filter(dossier_id=dossier.pk), day)

    def occupying(row):
        return row.status != Occupancy.Status.REJECTED and _within(row.moved_in, day, row.moved_out)

    rows, late = _select(versions, occupying, include_late)
    for row in rows:
        # a section entered with its move-out already known (old papers imported, the demo)
        # has only rows that say "moved out": on a day before the move-out it was occupied,
        # and the page does not tell that day what came later
        if row.status == Occupancy.Status.MOVED_OUT and row.moved_out and row.moved_out > day:
            row.status, row.moved_out = Occupancy.Status.ACTIVE, None
    rows.sort(key=lambda r: r.section_number)
    return rows, late


def _people_on(customer_ids, day, include_late, households=None):
    """The customers (as they were), and for those in ``households`` (default: all) the
    household members present and the contacts valid that day: three queries. Returns
    ({id: customer}, {id: [members]}, {id: [contacts]}, late)."""
    if not customer_ids:
        return {}, {}, {}, 0
    households = customer_ids if households is None else households
    customers = _versions(Customer.history.filter(id__in=customer_ids), day)
    members = _versions(HouseholdMember.history.filter(customer_id__in=households), day)
    contacts = _versions(Contact.history.filter(customer_id__in=households), day)
    people = {
        row.id: _masked_customer(row)
        for row in customers.rows(include_late=True)  # a section shown names its customer
    }
    present, late_members = _select(
        members, lambda r: _within(r.joined_on, day, r.left_on), include_late
    )
    valid, late_contacts = _select(
        contacts, lambda r: _within(r.valid_from, day, r.valid_until), include_late
    )
    by_customer_members, by_customer_contacts = {}, {}
    for row in sorted(present, key=lambda r: r.id):
        by_customer_members.setdefault(row.customer_id, []).append(_masked_member(row))
    for row in sorted(valid, key=lambda r: (r.kind, r.valid_from, r.id)):
        by_customer_contacts.setdefault(row.customer_id, []).append(_masked_contact(row))
    return people, by_customer_members, by_customer_contacts, late_members + late_contacts


def occupants_on(dossier, day, *, include_late=False):
    """Who occupied the unit on ``day``: each section as it stood, with its customer, the
    household members present and the contacts valid then. Four queries."""
    sections, late = _sections_on(dossier, day, include_late)
    people = _people_on({s.customer_id for s in sections}, day, include_late)
    return _occupants(sections, people), late + people[3]


def _occupants(sections, people):
    customers, members, contacts, _late = people
    return [
        SimpleNamespace(
            section=section,
            customer=customers.get(section.customer_id),
            members=members.get(section.customer_id, []),
            contacts=contacts.get(section.customer_id, []),
        )
        for section in sections
    ]


# --- Money held ------------------------------------------------------------------------------


def _leases_on(dossier, day, include_late):
    """Leases running that day: started, not yet ended, not terminated before it."""
    versions = _versions(Lease.history.filter(dossier_id=dossier.pk), day)

    def in_force(row):
        return _within(row.starts_on, day, row.ends_on, end_inclusive=True) and _within(
            None, day, row.terminated_on, end_inclusive=True
        )

    rows, late = _select(versions, in_force, include_late)
    rows.sort(key=lambda r: (r.starts_on, r.id))
    return rows, late


def leases_on(dossier, day, *, include_late=False):
    """The leases in force on ``day``, each with its tenant's name as it was then (two
    queries)."""
    leases, late = _leases_on(dossier, day, include_late)
    names = _tenant_names({row.tenant_id for row in leases}, day)
    for row in leases:
        row.tenant_name = names.get(row.tenant_id, "")
    return leases, late


def _tenant_names(customer_ids, day):
    if not customer_ids:
        return {}
    versions = _versions(Customer.history.filter(id__in=customer_ids), day)
    return {row.id: row.name for row in versions.rows(include_late=True)}


def deposits_on(dossier, day, *, include_late=False):
    """The deposits the company held at the end of ``day`` (received by then, and held,
    refund or forfeit awaiting approval), and their total. One query."""
    versions = _versions(Deposit.history.filter(dossier_id=dossier.pk), day)

    def held(row):
        return row.received_on <= day and row.status in Deposit.HELD_STATUSES

    rows, late = _select(versions, held, include_late)
    rows.sort(key=lambda r: (r.received_on, r.id))
    total = sum((row.amount for row in rows), Decimal("0"))
    return rows, total, late


# --- The whole page --------------------------------------------------------------------------


@dataclass
class DossierAsOf:
    day: datetime.date
    dossier: object
    before_opening: bool = False
    include_late: bool = False
    occupants: list = field(default_factory=list)
    leases: list = field(default_factory=list)
    deposits: list = field(default_factory=list)
    deposit_total: Decimal = Decimal("0")
    # records dated on or before the day but entered after it (not shown unless asked for)
    late: int = 0

    @property
    def is_empty(self):
        return not (self.occupants or self.leases or self.deposits)


def dossier_as_of(dossier, day, *, include_late=False) -> DossierAsOf:
    """The dossier on ``day``: six queries (sections, leases, deposits, customers, household
    members, contacts), none when the dossier was not yet opened."""
    result = DossierAsOf(day=day, dossier=dossier, include_late=include_late)
    if day < dossier.opened_on:
        result.before_opening = True
        return result
    sections, late_sections = _sections_on(dossier, day, include_late)
    leases, late_leases = _leases_on(dossier, day, include_late)
    deposits, total, late_deposits = deposits_on(dossier, day, include_late=include_late)
    occupant_ids = {s.customer_id for s in sections}
    customer_ids = occupant_ids | {lease.tenant_id for lease in leases}
    people = _people_on(customer_ids, day, include_late, households=occupant_ids)
    for lease in leases:
        tenant = people[0].get(lease.tenant_id)
        lease.tenant_name = tenant.name if tenant else ""
    result.occupants = _occupants(sections, people)
    result.leases = leases
    result.deposits, result.deposit_total = deposits, total
    result.late = late_sections + late_leases + late_deposits + people[3]
    return result
