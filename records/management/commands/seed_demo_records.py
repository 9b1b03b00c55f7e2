"""Demo contents for the dossiers made by ``seed_demo``: every kind of record, in every state.

``manage.py seed_demo_records [--if-empty] [--seed S] [--limit N]``

Fills the occupied level-C dossiers (the demo users see those) with what a dossier holds (R5):
leases of the tenants with their deposits (renewed, terminated, one tenant moving out),
renovation, key, access-card, parking and other deposits (held, awaiting approval, refunded,
forfeited, a refused settlement), six months of management-fee charges with their payments and
some arrears, secondary renovations in each state with inspections and violations, complaints
of each channel (major ones reported to the managers, a collective one filed in three dossiers,
closed ones with the five clears, a reply and a return visit), repairs in each state with the
customers' feedback, visits by managers and staff (R43), letters received and sent with their
replies, and applications of every kind in each state. A few dynamic updates (R10) go through
``customers.services`` too: tenants moving in, a household member joining, another leaving, a
contact replaced, a phone number changed.

Everything goes through the services, as the front desk (``frontdesk``) and the manager
(``manager``) of ``create_demo_users`` would do it, so the dossiers' timelines (R6) and the
approvals are written as in real use. The records are dated in the past: the dates are passed to
the services, and for the moves a service dates "now" (a decision, a complaint step) a clock
kept by this command dates the timeline line, the decision time and the history row instead, so
that the dossier-as-of page shows a plausible past. The e-mails of the notifications written on
the way are never sent; the notifications are marked read.

With ``--if-empty`` nothing happens once any record exists. The same ``--seed`` on the same
database the same day gives the same data. Refused unless DEBUG is on, like ``seed_demo``.
"""

import datetime
import logging
import random
import time
from contextlib import contextmanager
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from faker import Faker
from simple_history.signals import pre_create_historical_record

from core.models import Notification
from core.workflow import DomainError
from customers import services as customer_services
from customers.management.commands.seed_demo import MOBILE_PREFIXES, resident_id_check_char
from customers.models import Contact, Customer, Dossier, DossierEvent, HouseholdMember, Occupancy
from records.models import (
    Application,
    Charge,
    Complaint,
    Correspondence,
    Deposit,
    Lease,
    Payment,
    Renovation,
    RenovationInspection,
    Repair,
    Violation,
    Visit,
)

from . import _demo_texts as texts
from ._demo_money import MoneyRecords
from ._demo_services import ServiceRecords

RECORD_MODELS = [
    Deposit,
    Lease,
    Charge,
    Payment,
    Renovation,
    RenovationInspection,
    Violation,
    Complaint,
    Repair,
    Visit,
    Correspondence,
    Application,
]


# --- The clock: what a service stamps "now" is dated on the demo day instead ---------------
class _Clock:
    day = None  # the demo day of the move being made
    moment = None
    today = None


CLOCK = _Clock()
# timestamps services set to timezone.now() during a move, and the moment a record is entered
STAMPS = (
    "decided_at",
    "approved_at",
    "reported_at",
    "closed_at",
    "ordered_at",
    "verified_at",
    "recorded_at",
    "at",
)


def _date_history(sender, history_instance, **kwargs):
    if CLOCK.moment is not None:
        history_instance.history_date = CLOCK.moment


def _date_stamps(sender, instance, **kwargs):
    if CLOCK.day is None:
        return
    if isinstance(instance, DossierEvent):
        if instance.occurred_on == CLOCK.today:  # the service left the date to "today"
            instance.occurred_on = CLOCK.day
        return
    now = timezone.now()
    for name in STAMPS:
        value = getattr(instance, name, None)
        if isinstance(value, datetime.datetime) and abs(now - value).total_seconds() < 300:
            setattr(instance, name, CLOCK.moment)


@contextmanager
def _clock_running():
    pre_create_historical_record.connect(_date_history, dispatch_uid="seed_demo_records_history")
    pre_save.connect(_date_stamps, dispatch_uid="seed_demo_records_stamps")
    CLOCK.today = timezone.localdate()
    try:
        yield
    finally:
        pre_create_historical_record.disconnect(dispatch_uid="seed_demo_records_history")
        pre_save.disconnect(dispatch_uid="seed_demo_records_stamps")
        CLOCK.day = CLOCK.moment = CLOCK.today = None


@contextmanager
def _quiet_task_log():
    """The notifications' e-mail tasks run at the commit and find nothing to send: no need
    for a log line each."""
    logger = logging.getLogger("celery.app.trace")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Filler(MoneyRecords, ServiceRecords):
    """Fills the dossiers: the people here, money and services in their mixins."""

    def __init__(self, *, seed, clerk, manager, limit):
        self.rng = random.Random(seed)  # noqa: S311 - invented demo data, not secrets
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.clerk, self.manager = clerk, manager
        self.limit = limit
        self.today = timezone.localdate()
        self.now = timezone.now()
        # receipt, contract and notice numbers: each one numbered move writes at least one
        # event, so a later run (without --if-empty) starts past every number used before
        self.serial = DossierEvent.objects.count() + 1
        self.letter_serial = Correspondence.objects.count() + Complaint.objects.count() + 1
        self.rates = {}
        self.arrears = []  # dossiers left owing
        self.charged = set()

    # --- time -----------------------------------------------------------------------------
    @contextmanager
    def on(self, day, moment=None):
        """Make the moves inside on ``day``: the history rows and "now" stamps get its time."""
        moment = moment or self.moment(day)
        if CLOCK.day == day and CLOCK.moment is not None and moment <= CLOCK.moment:
            moment = CLOCK.moment + datetime.timedelta(minutes=self.rng.randint(5, 40))
        CLOCK.day, CLOCK.moment = day, min(moment, timezone.now())
        yield CLOCK.moment

    def moment(self, day):
        """Office hours on ``day``, never after now."""
        at = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(9, 16), self.rng.randint(0, 59))
        )
        return min(timezone.make_aware(at), timezone.now() - datetime.timedelta(minutes=2))

    def ago(self, low, high, *, not_before=None):
        day = self.today - datetime.timedelta(days=self.rng.randint(low, high))
        return max(day, not_before) if not_before else day

    def after(self, day, low, high):
        return min(day + datetime.timedelta(days=self.rng.randint(low, high)), self.today)

    # --- numbers and people ----------------------------------------------------------------
    def receipt(self, prefix, day):
        self.serial += 1
        return f"{prefix}{day:%Y%m}{self.serial:05d}"

    def letter_number(self, day, kind="物业函"):
        self.letter_serial += 1
        return f"{kind}〔{day.year}〕{self.letter_serial:03d}号"

    def mobile(self):
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    @staticmethod
    def person(customer):
        """Who speaks for the customer: the person, or an enterprise's representative."""
        if customer.kind == Customer.Kind.ENTERPRISE:
            return customer.legal_representative or customer.name
        return customer.name

    # --- the dossiers -----------------------------------------------------------------------
    def load(self):
        """The occupied level-C dossiers without a move-in awaiting verification, each with its
        owner's and tenant's open sections and the sections closed before them."""
        rows = (
            Occupancy.objects.filter(
                dossier__secrecy_level="C",
                dossier__status=Dossier.Status.OCCUPIED,
            )
            .select_related("dossier__unit__building__estate", "customer")
            .order_by("dossier__archive_number", "section_number")
        )
        by_dossier = {}
        for section in rows:
            by_dossier.setdefault(section.dossier_id, []).append(section)
        dossiers = []
        for sections in by_dossier.values():
            if any(s.status == Occupancy.Status.PENDING for s in sections):
                continue
            active = [s for s in sections if s.status == Occupancy.Status.ACTIVE]
            owner = next((s for s in active if s.role == Occupancy.Role.OWNER), None)
            if owner is None:
                continue
            tenant = next((s for s in active if s.role == Occupancy.Role.TENANT), None)
            dossiers.append(
                SimpleNamespace(
                    dossier=owner.dossier,
                    unit=owner.dossier.unit,
                    owner=owner,
                    tenant=tenant,
                    occupant=(tenant or owner).customer,
                    closed=[s for s in sections if s.status == Occupancy.Status.MOVED_OUT],
                    since=(tenant or owner).moved_in,
                )
            )
            if len(dossiers) == self.limit:
                break
        return dossiers

    # --- dynamic updates through customers.services (R10) ------------------------------------
    def new_tenant(self, slot):
        """An owner lets the unit: a tenant registers, moves in and is verified."""
        sex = self.rng.choice("MF")
        born = datetime.date(self.rng.randint(1970, 2000), self.rng.randint(1, 12), 15)
        while True:
            first17 = f"440305{born:%Y%m%d}{self.rng.randrange(100):02d}"
            first17 += self.rng.choice("13579" if sex == "M" else "02468")
            id_number = first17 + resident_id_check_char(first17)
            if not Customer.objects.filter(id_number=id_number).exists():
                break
        moved_in = self.ago(60, 400, not_before=slot.owner.moved_in + datetime.timedelta(days=30))
        name = self.fake.last_name() + (
            self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()
        )
        with self.on(moved_in):
            customer = customer_services.customer_register(
                data={
                    "kind": Customer.Kind.INDIVIDUAL,
                    "name": name,
                    "sex": sex,
                    "birth_date": born,
                    "id_number": id_number,
                    "mobile": self.mobile(),
                },
                actor=self.clerk,
            )
            section = customer_services.move_in_record(
                unit=slot.unit,
                customer=customer,
                role=Occupancy.Role.TENANT,
                moved_in=moved_in,
                actor=self.clerk,
                note="业主出租，租户入住",
            )
        with self.on(self.after(moved_in, 0, 2)):
            section = customer_services.occupancy_verify(occupancy=section, actor=self.manager)
            customer_services.contact_add(
                customer=customer,
                data={
                    "kind": Contact.Kind.EMERGENCY,
                    "name": self.fake.name(),
                    "relation": self.rng.choice(texts.CONTACT_RELATIONS),
                    "mobile": self.mobile(),
                    "valid_from": moved_in,
                },
                actor=self.clerk,
            )
        slot.tenant, slot.occupant, slot.since = section, customer, moved_in

    def dynamic_updates(self, dossiers):
        """A household member joins, another leaves, a contact is replaced, a phone number
        changes (a change request a manager approves): kept as history and events (R10)."""
        individuals = [s for s in dossiers if s.owner.customer.kind == Customer.Kind.INDIVIDUAL]
        picked = self.rng.sample(individuals, min(len(individuals), 6))
        for i, slot in enumerate(picked):
            customer = slot.owner.customer
            try:
                self._dynamic_update(i % 3, slot, customer)
            except DomainError:
                continue  # e.g. a demo customer whose data no longer validates

    def _dynamic_update(self, what, slot, customer):
        if what == 0:  # household
            joined = self.ago(30, 200, not_before=slot.owner.moved_in)
            with self.on(joined):
                customer_services.household_member_add(
                    customer=customer,
                    data={
                        "name": self.fake.name(),
                        "relation": self.rng.choice(texts.MEMBER_RELATIONS),
                        "joined_on": joined,
                    },
                    actor=self.clerk,
                )
            member = (
                HouseholdMember.objects.filter(customer=customer, left_on__isnull=True)
                .exclude(joined_on=joined)
                .first()
            )
            if member:
                left = self.ago(3, 25, not_before=joined)
                with self.on(left):
                    customer_services.household_member_leave(
                        member=member, left_on=left, actor=self.clerk
                    )
        elif what == 1:  # contact person changed
            since = self.ago(20, 150, not_before=slot.owner.moved_in)
            contact = Contact.objects.filter(customer=customer, valid_until__isnull=True).first()
            data = {
                "name": self.fake.name(),
                "relation": self.rng.choice(texts.CONTACT_RELATIONS),
                "mobile": self.mobile(),
                "valid_from": since,
            }
            with self.on(since):
                if contact is not None and contact.valid_from <= since:
                    customer_services.contact_replace(contact=contact, data=data, actor=self.clerk)
                else:
                    customer_services.contact_add(
                        customer=customer,
                        data={**data, "kind": Contact.Kind.EMERGENCY},
                        actor=self.clerk,
                    )
        else:  # phone number changed: the customer is confirmed, a manager approves (R9)
            asked = self.ago(10, 90, not_before=slot.owner.moved_in)
            with self.on(asked):
                result = customer_services.customer_update(
                    customer=customer,
                    data={"mobile": self.mobile()},
                    actor=self.clerk,
                    dossier=slot.dossier,
                    reason="客户更换手机号码",
                )
            if not isinstance(result, Customer):
                with self.on(self.after(asked, 0, 2)):
                    customer_services.change_request_approve(
                        change_request=result, actor=self.manager, note="已核对本人身份证件"
                    )

    # --- the whole run --------------------------------------------------------------------
    def run(self):
        dossiers = self.load()
        if not dossiers:
            raise CommandError("No occupied dossiers to fill: run seed_demo first.")
        # tenants enough for every lease story (and at least one move-in on the timeline)
        settled = self.today - datetime.timedelta(days=120)
        owner_only = [s for s in dossiers if s.tenant is None and s.owner.moved_in < settled]
        wanted = max(1, 4 - sum(1 for s in dossiers if s.tenant))
        for slot in self.rng.sample(owner_only, min(wanted, len(owner_only))):
            self.new_tenant(slot)
        self.dynamic_updates(dossiers)
        # a tenant with a lease on file already (an earlier run) keeps it
        leased = set(
            Lease.objects.filter(status=Lease.Status.ACTIVE).values_list("dossier_id", "tenant_id")
        )
        tenants = [
            s for s in dossiers if s.tenant and (s.dossier.pk, s.tenant.customer_id) not in leased
        ]
        self.leases(tenants)
        self.charged = set(  # by an earlier run
            Charge.objects.filter(item=Charge.Item.MANAGEMENT).values_list("dossier_id", "period")
        )
        owing = set(self.rng.sample(range(len(dossiers)), max(2, len(dossiers) // 7)))
        for i, slot in enumerate(dossiers):
            self.charges(slot, owing=i in owing)
        self.key_deposits(dossiers)
        self.service_records(dossiers)


class Command(BaseCommand):
    help = (
        "Fill the demo dossiers with records of every kind, through the services "
        "(development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any record exists."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--limit", type=int, default=150, help="Dossiers to fill at most (default 150)."
        )

    def handle(self, *args, if_empty, seed, limit, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is only made when DEBUG is on.")
        if if_empty and any(model.objects.exists() for model in RECORD_MODELS):
            self.stdout.write("Records exist already: no demo records added (--if-empty).")
            return
        users = get_user_model().objects
        clerk = users.filter(username="frontdesk", is_active=True).first()
        manager = users.filter(username="manager", is_active=True).first()
        if clerk is None or manager is None:
            raise CommandError("Run create_demo_users first (frontdesk and manager).")
        started = time.perf_counter()
        last_note = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        filler = Filler(seed=seed, clerk=clerk, manager=manager, limit=limit)
        with _quiet_task_log(), transaction.atomic(), _clock_running():
            filler.run()
            # demo: nobody is e-mailed about invented records, and nothing is left unread
            Notification.objects.filter(pk__gt=last_note).update(
                emailed_at=timezone.now(), read_at=timezone.now()
            )
        counts = ", ".join(
            f"{model.objects.count()} {model._meta.verbose_name_plural}" for model in RECORD_MODELS
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo records: {counts} in {time.perf_counter() - started:.1f} s.")
        )
