"""Time the pages of what a dossier holds on a large PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/records_bench.py --units 20000

Creates the database if it is missing, migrates it, adds demo data with ``seed_demo`` until it
holds ``--units`` dossiers, then adds the records with ``bulk_create`` (only what is missing,
so a second run starts at once): 24 monthly management-fee charges per dossier with their
payments (about 5% of the dossiers in arrears, some charges partly paid), about 1,000,000
timeline events of which 5,000 are in one dossier, 50,000 complaints with their return visits,
and deposits, renovations and applications, some awaiting a manager. Then it times, for a
manager, what the pages run: the arrears list (``records.finance.selectors.arrears``,
paginated, with ``attach_occupants`` and ``arrears_summary``), the dossier's timeline
(``customers.timeline.dossier_timeline``, paginated), the approvals inbox
(``records.approvals.selectors.approvals_waiting``, a page of each section), the complaint list
(``records.complaints.selectors.complaint_list``, paginated) and the dossier's records panel
(``records.panels.records_panel``). Prints the median of ``--runs`` runs of each and its ratio
to a primary-key lookup; exits 1 if a median is over ``--limit`` ms (default 50).
"""

import argparse
import datetime
import os
import random
import sys
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")

from search_bench import ensure_database, explain, first_page, manager_user, measure  # noqa: E402

MONTHS = 24  # monthly management-fee charges per dossier
ARREARS_SHARE = 0.05  # dossiers that owe something
EVENTS = 1_000_000  # timeline events in all
BIG_DOSSIER_EVENTS = 5_000  # in the dossier whose page is timed
COMPLAINTS = 50_000
DEPOSITS, RENOVATIONS, APPLICATIONS = 8_000, 3_000, 6_000
PENDING_SHARE = 0.015  # of deposits, renovations and applications awaiting a manager
BATCH = 5_000
TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文"


def _rng(seed):
    return random.Random(seed)  # noqa: S311 - invented demo data, not secrets


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _moment(day, rng):
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)), TZ
    )


def _months_before(today, count):
    """The ``count`` billing periods before ``today``'s month, oldest first, as (y, m)."""
    year, month = today.year, today.month
    periods = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append((year, month))
    return periods[::-1]


# --- Users and the dossier whose pages are timed ----------------------------------------------
def front_desk_user():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import Role

    user, created = get_user_model().objects.get_or_create(
        username="bench_frontdesk", defaults={"last_name": "周", "first_name": "前台"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.FRONT_DESK))
    return user


def big_dossier():
    """The occupied level-C dossier in the middle: it gets the 5,000 events and the most
    records."""
    from customers.models import Dossier

    dossiers = Dossier.objects.filter(secrecy_level="C", status=Dossier.Status.OCCUPIED).order_by(
        "pk"
    )
    return dossiers[dossiers.count() // 2]


def _dossiers():
    """Every dossier's (pk, floor area, current section, an occupant's name)."""
    from customers.models import Dossier, Occupancy

    area = dict(Dossier.objects.values_list("pk", "unit__area"))
    sections, names = {}, {}
    current = Occupancy.objects.current().order_by("dossier_id", "section_number")
    for dossier_id, pk, name in current.values_list("dossier_id", "pk", "customer__name"):
        sections[dossier_id] = pk  # the newest current section wins
        names.setdefault(dossier_id, name)
    return [(pk, area[pk] or Decimal("90"), sections.get(pk), names.get(pk)) for pk in sorted(area)]


@contextmanager
def stamped_events():
    """Let bulk_create keep the events' own ``recorded_at`` (auto_now_add otherwise stamps them
    all with the moment of the insert)."""
    from customers.models import DossierEvent

    field = DossierEvent._meta.get_field("recorded_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


# --- Records ------------------------------------------------------------------------------------
def seed_charges(dossiers, today, user):
    """24 monthly management-fee charges per dossier that has none, with their payments:
    about 5% of the dossiers leave their last 1–8 months unpaid (a third of those partly paid);
    a few others paid late."""
    from records.models import Charge

    have = set(Charge.objects.values_list("dossier_id", flat=True).distinct())
    missing = [d for d in dossiers if d[0] not in have]
    if missing:
        _add_charges(missing, today, user)
    # bulk_create sends no signal: the arrears page's balances counted from the charges, on
    # every run (a database seeded on an earlier day has stale ones)
    from records.finance.balances import refresh_all

    print(f"Balances of {refresh_all(today)} dossiers with a charge not paid in full.")


def _add_charges(missing, today, user):
    from django.db import transaction

    from records.models import Charge, Payment

    print(f"Adding {MONTHS} charges and their payments to {len(missing)} dossiers...")
    started = time.perf_counter()
    periods = _months_before(today, MONTHS)
    methods = [m for m, _label in Payment.Method.choices]
    for start in range(0, len(missing), 200):
        charges, plans = [], []
        for pk, area, section, _occupant in missing[start : start + 200]:
            rng = _rng(pk)
            amount = max(Decimal("30.00"), (area * Decimal("2.80")).quantize(Decimal("0.01")))
            owes = rng.randint(1, 8) if rng.random() < ARREARS_SHARE else 0
            for index, (year, month) in enumerate(periods):
                due_on = datetime.date(year, month, 15)
                if index >= MONTHS - owes:
                    paid = (amount / 2).quantize(Decimal("0.01")) if rng.random() < 0.33 else None
                else:
                    paid = amount
                if paid is None:
                    paid_on = None
                elif rng.random() < 0.03:  # paid late
                    paid_on = min(today, due_on + datetime.timedelta(days=rng.randint(20, 75)))
                else:
                    paid_on = min(today, due_on + datetime.timedelta(days=rng.randint(-20, 10)))
                charges.append(
                    Charge(
                        dossier_id=pk,
                        section_id=section,
                        recorded_by=user,
                        recorded_at=_moment(due_on - datetime.timedelta(days=20), rng),
                        locked=paid == amount,
                        item=Charge.Item.MANAGEMENT,
                        period=f"{year:04d}-{month:02d}",
                        amount=amount,
                        due_on=due_on,
                        paid_amount=paid or Decimal("0.00"),
                        last_paid_on=paid_on,
                    )
                )
                plans.append((paid, paid_on, rng.choice(methods), rng))
        with transaction.atomic():
            Charge.objects.bulk_create(charges, batch_size=BATCH)
            payments = [
                Payment(
                    dossier_id=charge.dossier_id,
                    section_id=charge.section_id,
                    recorded_by=user,
                    recorded_at=_moment(paid_on, rng),
                    locked=True,
                    charge=charge,
                    paid_on=paid_on,
                    amount=paid,
                    method=method,
                    receipt_number=f"BSK{charge.pk:010d}",
                )
                for charge, (paid, paid_on, method, rng) in zip(charges, plans, strict=True)
                if paid
            ]
            Payment.objects.bulk_create(payments, batch_size=BATCH)
    print(f"  done in {time.perf_counter() - started:.0f} s.")


EVENT_KINDS = [  # (kind, weight, record model, title)
    ("payment", 40, "charge", "{period} 物业管理费 {amount} 元已收（收据 {n}）"),
    ("complaint", 8, "complaint", "投诉登记：{subject}"),
    ("repair", 12, "repair", "报修：{subject}"),
    ("visit", 8, "visit", "回访：{subject}"),
    ("deposit", 5, "deposit", "装修押金 {amount} 元已收（收据 {n}）"),
    ("contact", 6, None, "联系方式变更：手机"),
    ("customer", 4, None, "客户资料变更：通讯地址"),
    ("household", 3, None, "家庭成员迁入：{name}"),
    ("occupancy", 2, None, "{name} 入伙"),
    ("lease", 3, "lease", "租赁合同 {n} 已登记"),
    ("renovation", 3, "renovation", "二次装修申请已受理"),
    ("violation", 2, "violation", "违规：{subject}"),
    ("correspondence", 2, "correspondence", "来函：{subject}"),
    ("application", 2, "application", "申请：车位"),
]
SUBJECTS = ["楼道灯不亮", "电梯噪音", "外墙渗水", "邻居装修噪音", "垃圾清运不及时", "门禁卡失效"]


def seed_events(dossiers, big, user, today):
    """About 1,000,000 events in all, 5,000 of them in ``big``."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from customers.models import DossierEvent

    types = {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="records")}
    kinds = [k for k, _w, _m, _t in EVENT_KINDS]
    weights = [w for _k, w, _m, _t in EVENT_KINDS]
    spec = {k: (m, t) for k, _w, m, t in EVENT_KINDS}
    sections = {pk: section for pk, _area, section, _name in dossiers}
    in_big = DossierEvent.objects.filter(dossier=big).count()
    others = DossierEvent.objects.count() - in_big
    wanted = [(big.pk, BIG_DOSSIER_EVENTS - in_big)]
    wanted.append((None, EVENTS - BIG_DOSSIER_EVENTS - others))
    if all(n <= 0 for _pk, n in wanted):
        return
    print(f"Adding {sum(max(n, 0) for _pk, n in wanted)} timeline events...")
    started = time.perf_counter()
    ids = [pk for pk, *_rest in dossiers if pk != big.pk]
    rng = _rng(2026 + others + in_big)
    first_day = today - datetime.timedelta(days=8 * 365)
    span = (today - first_day).days
    with stamped_events():
        for dossier_id, count in wanted:
            for start in range(0, max(count, 0), BATCH * 4):
                events = []
                for _ in range(min(BATCH * 4, count - start)):
                    pk = dossier_id or rng.choice(ids)
                    kind = rng.choices(kinds, weights)[0]
                    model, title = spec[kind]
                    day = first_day + datetime.timedelta(days=rng.randint(0, span))
                    events.append(
                        DossierEvent(
                            dossier_id=pk,
                            section_id=sections.get(pk),
                            kind=kind,
                            occurred_on=day,
                            recorded_at=_moment(day, rng),
                            title=title.format(
                                period=f"{day.year}-{day.month:02d}",
                                amount=rng.randint(80, 900),
                                n=f"B{rng.randint(10**7, 10**8)}",
                                subject=rng.choice(SUBJECTS),
                                name=_name(rng),
                            ),
                            detail="" if rng.random() < 0.6 else "经办：前台",
                            actor=user,
                            record_type_id=types.get(model),
                            record_id=rng.randint(1, 500_000) if model else None,
                        )
                    )
                with transaction.atomic():
                    DossierEvent.objects.bulk_create(events, batch_size=BATCH)
    print(f"  done in {time.perf_counter() - started:.0f} s.")


def seed_complaints(dossiers, big, user, manager, today):
    """50,000 complaints over three years, most of them closed with their return visit; 40 in
    ``big``; a few collective ones naming two other dossiers."""
    from django.db import transaction

    from records.models import Complaint, Visit

    missing = COMPLAINTS - Complaint.objects.count()
    if missing <= 0:
        return
    print(f"Adding {missing} complaints and their return visits...")
    started = time.perf_counter()
    rng = _rng(4242 + missing)
    info = {pk: (section, name) for pk, _area, section, name in dossiers}
    ids = list(info)
    channels = [c for c, _l in Complaint.Channel.choices]
    categories = [c for c, _l in Complaint.Category.choices]
    ordinary = [c for c in categories if c not in Complaint.MAJOR_CATEGORIES]
    through = Complaint.other_dossiers.through
    for start in range(0, missing, BATCH):
        complaints, collective = [], []
        for index in range(start, min(missing, start + BATCH)):
            pk = big.pk if index < 40 else rng.choice(ids)
            section, name = info[pk]
            received = _moment(today - datetime.timedelta(days=rng.randint(0, 3 * 365)), rng)
            age = (today - received.date()).days
            roll = rng.random()
            if age > 30 and roll < 0.96:
                status = Complaint.Status.CLOSED
            else:
                status = rng.choice(
                    [Complaint.Status.OPEN, Complaint.Status.OPEN, Complaint.Status.REPLIED]
                )
            category = rng.choice(categories) if rng.random() < 0.03 else rng.choice(ordinary)
            channel = rng.choice(channels)
            steps = {"open": 2, "replied": 4, "closed": 5}[status]
            is_collective = rng.random() < 0.005
            complaint = Complaint(
                dossier_id=pk,
                section_id=section,
                recorded_by=user,
                recorded_at=received,
                locked=status == Complaint.Status.CLOSED,
                complainant=name or _name(rng),
                channel=channel,
                category=category,
                received_at=received,
                subject=rng.choice(SUBJECTS),
                is_major=category in Complaint.MAJOR_CATEGORIES or is_collective,
                is_written=channel == Complaint.Channel.LETTER,
                households=3 if is_collective else 1,
                status=status,
            )
            for step in Complaint.STEPS[:steps]:
                setattr(complaint, step, "已记录。")
            if complaint.is_major:
                complaint.reported_at = received + datetime.timedelta(minutes=20)
            if complaint.is_written and status != Complaint.Status.OPEN:
                complaint.written_reply = "您好，您反映的问题已处理。"
                complaint.replied_on = received.date() + datetime.timedelta(days=3)
                complaint.reply_reference = f"BHF{start + index:07d}"
            if status == Complaint.Status.CLOSED:
                complaint.closed_at = received + datetime.timedelta(days=7)
                complaint.closed_by = user
            complaints.append(complaint)
            if is_collective:
                collective.append((complaint, rng.sample(ids, 2)))
        with transaction.atomic():
            Complaint.objects.bulk_create(complaints, batch_size=BATCH)
            through.objects.bulk_create(
                [
                    through(complaint_id=complaint.pk, dossier_id=other)
                    for complaint, others in collective
                    for other in others
                    if other != complaint.dossier_id
                ]
            )
            Visit.objects.bulk_create(
                [
                    Visit(
                        dossier_id=c.dossier_id,
                        section_id=c.section_id,
                        recorded_by=user,
                        recorded_at=c.closed_at,
                        locked=True,
                        kind=Visit.Kind.RETURN_VISIT,
                        method=Visit.Method.PHONE,
                        visited_on=c.closed_at.date(),
                        visitor=manager,
                        visited_person=c.complainant,
                        complaint=c,
                        purpose="投诉回访",
                        satisfaction=rng.choice((3, 4, 4, 5, 5)),
                    )
                    for c in complaints
                    if c.status == Complaint.Status.CLOSED
                ],
                batch_size=BATCH,
            )
    print(f"  done in {time.perf_counter() - started:.0f} s.")


def seed_approvals(dossiers, big, user, manager, today):
    """Deposits, renovations and applications; about 1.5% of each await a manager."""
    from django.db import transaction

    from records.models import Application, Deposit, Renovation

    rng = _rng(77)
    info = {pk: (section, name) for pk, _area, section, name in dossiers}
    ids = list(info)
    added = []

    def pick(index):
        pk = big.pk if index < 3 else rng.choice(ids)
        section, name = info[pk]
        return pk, section, name or _name(rng)

    def day_in_last(days):
        return today - datetime.timedelta(days=rng.randint(0, days))

    missing = DEPOSITS - Deposit.objects.count()
    if missing > 0:
        deposits = []
        kinds = [k for k, _l in Deposit.Kind.choices]
        for index in range(missing):
            pk, section, name = pick(index)
            received = day_in_last(5 * 365)
            deposit = Deposit(
                dossier_id=pk,
                section_id=section,
                recorded_by=user,
                recorded_at=_moment(received, rng),
                kind=rng.choice(kinds),
                payer=name,
                amount=Decimal(rng.choice((500, 1000, 2000, 3000, 5000))),
                received_on=received,
                receipt_number=f"BYJ{index:05d}-{pk}",
            )
            roll = rng.random()
            if roll < PENDING_SHARE:
                refund = roll < PENDING_SHARE / 2
                deposit.status = (
                    Deposit.Status.REFUND_REQUESTED if refund else Deposit.Status.FORFEIT_REQUESTED
                )
                deposit.refund_amount = deposit.amount if refund else Decimal("0.00")
                deposit.settlement_reason = "装修完工验收合格" if refund else "违规装修"
                deposit.settlement_requested_by = user
            elif roll < 0.25:
                deposit.status = Deposit.Status.REFUNDED
                deposit.refund_amount = deposit.amount
                deposit.settlement_reason = "退租"
                deposit.settlement_requested_by = user
                deposit.approved_by = manager
                deposit.settled_on = min(today, received + datetime.timedelta(days=200))
                deposit.approved_at = _moment(deposit.settled_on, rng)
                deposit.refund_receipt_number = f"BTK{index:05d}-{pk}"
                deposit.locked = True
            deposits.append(deposit)
        with transaction.atomic():
            Deposit.objects.bulk_create(deposits, batch_size=BATCH)
        added.append(f"{missing} deposits")

    missing = RENOVATIONS - Renovation.objects.count()
    if missing > 0:
        renovations = []
        for index in range(missing):
            pk, section, name = pick(index)
            applied = day_in_last(5 * 365)
            roll = rng.random()
            if roll < PENDING_SHARE or applied > today - datetime.timedelta(days=3):
                status = Renovation.Status.APPLIED
            elif roll < 0.1:
                status = Renovation.Status.REJECTED
            else:
                status = Renovation.Status.ACCEPTED
            renovation = Renovation(
                dossier_id=pk,
                section_id=section,
                recorded_by=user,
                recorded_at=_moment(applied, rng),
                applicant=name,
                applied_on=applied,
                scope="厨房、卫生间翻新，不改动承重结构",
                contractor="某某装饰工程有限公司",
                contractor_licence=f"D{rng.randint(10**9, 10**10)}",
                planned_start=applied + datetime.timedelta(days=7),
                planned_end=applied + datetime.timedelta(days=67),
                status=status,
                locked=status != Renovation.Status.APPLIED,
            )
            if status != Renovation.Status.APPLIED:
                renovation.decided_by = manager
                renovation.decided_at = _moment(applied + datetime.timedelta(days=2), rng)
            if status == Renovation.Status.ACCEPTED:
                renovation.permit_number = f"BZX{index:05d}-{pk}"
                renovation.started_on = renovation.planned_start
                renovation.accepted_on = renovation.planned_end
                renovation.accepted_by = manager
            renovations.append(renovation)
        with transaction.atomic():
            Renovation.objects.bulk_create(renovations, batch_size=BATCH)
        added.append(f"{missing} renovations")

    missing = APPLICATIONS - Application.objects.count()
    if missing > 0:
        applications = []
        kinds = [k for k, _l in Application.Kind.choices]
        for index in range(missing):
            pk, section, name = pick(index)
            applied = day_in_last(5 * 365)
            roll = rng.random()
            if roll < PENDING_SHARE:
                status = Application.Status.SUBMITTED
            elif roll < 0.1:
                status = Application.Status.REJECTED
            else:
                status = Application.Status.APPROVED
            applications.append(
                Application(
                    dossier_id=pk,
                    section_id=section,
                    recorded_by=user,
                    recorded_at=_moment(applied, rng),
                    locked=status != Application.Status.SUBMITTED,
                    kind=rng.choice(kinds),
                    applicant=name,
                    applied_on=applied,
                    details="申请办理",
                    status=status,
                    decided_by=None if status == Application.Status.SUBMITTED else manager,
                    decided_at=None
                    if status == Application.Status.SUBMITTED
                    else _moment(applied + datetime.timedelta(days=1), rng),
                )
            )
        with transaction.atomic():
            Application.objects.bulk_create(applications, batch_size=BATCH)
        added.append(f"{missing} applications")
    if added:
        print("Added " + ", ".join(added) + ".")


def prepare(units, today):
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Dossier

    call_command("migrate", verbosity=0, interactive=False)
    have = Dossier.objects.count()
    if have < units:
        print(f"Seeding {units - have} units (the database has {have} dossiers)...")
        call_command("seed_demo", units=units - have, no_history=True)
    manager = manager_user()
    user = front_desk_user()
    big = big_dossier()
    dossiers = _dossiers()
    seed_charges(dossiers, today, user)
    seed_events(dossiers, big, user, today)
    seed_complaints(dossiers, big, user, manager, today)
    seed_approvals(dossiers, big, user, manager, today)
    with connection.cursor() as cursor:  # the steady state autovacuum keeps
        cursor.execute("VACUUM ANALYZE")
    return manager, big


def counts():
    from customers.models import Dossier, DossierEvent
    from records.models import Application, Charge, Complaint, Deposit, Payment, Renovation

    charges = Charge.objects.count()
    return (
        f"{Dossier.objects.count()} dossiers, {charges} charges, {Payment.objects.count()} "
        f"payments, {DossierEvent.objects.count()} events, {Complaint.objects.count()} "
        f"complaints, {Deposit.objects.count()} deposits, {Renovation.objects.count()} "
        f"renovations, {Application.objects.count()} applications"
    )


# --- What the pages run -------------------------------------------------------------------------
def arrears_page(user, on, estate=None, page=1):
    """``records.finance_views.arrears_list``: a page with its count and sum, its occupants."""
    from records.finance import selectors as finance
    from records.finance.views import PAGE_SIZE

    _page, summary = finance.arrears_page(
        user=user, on=on, estate=estate, number=page, per_page=PAGE_SIZE
    )
    return summary["dossiers"], summary["total"]


def timeline_page(dossier, kind="", page=1):
    """``customers.views._timeline_context``: one page of events, its count, the links."""
    from django.core.paginator import Paginator

    from customers import timeline
    from customers.views import TIMELINE_PAGE_SIZE

    events = timeline.dossier_timeline(dossier=dossier, kind=kind)
    current = Paginator(events, TIMELINE_PAGE_SIZE).get_page(page)
    for event in current:
        event.link = timeline.link_for(event)
    return current.paginator.count


def approvals(user):
    """``records.approvals.views.approval_list``: the first page of each of its three sections
    and their counts."""
    from core.pagination import CappedCountPaginator
    from records.approvals.selectors import SECTIONS
    from records.approvals.views import PAGE_SIZE

    total = 0
    for waiting in SECTIONS.values():
        page = CappedCountPaginator(waiting(user=user), PAGE_SIZE).get_page(1)
        list(page.object_list)
        total += page.paginator.count
    return total


def complaint_page(user, status="", page=1):
    """``records.complaints.views.complaint_list``: one page (cut by keys) and its count."""
    from core.pagination import KeysFirstPaginator
    from records.complaints import selectors
    from records.complaints.views import PAGE_SIZE

    rows = selectors.complaint_list(user=user, status=status)
    current = KeysFirstPaginator(rows, PAGE_SIZE).get_page(page)
    list(current)
    return current.paginator.count


def records_panel(dossier, user):
    from records.panels import records_panel as panel

    return sum(panel(dossier=dossier, user=user)["open_counts"].values())


def dossier_balances(dossier):
    from records.panels import dossier_balances as balances

    return balances(dossier)[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--limit", type=float, default=50.0, help="ms; a slower median fails")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of every measurement"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/archive_bench")
    ensure_database(url)

    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.utils import timezone

    from customers.models import Dossier, Estate

    today = timezone.localdate()
    manager, big = prepare(args.units, today)
    manager = manager_user()  # fresh, without cached permissions
    estate = Estate.objects.order_by("pk")[Estate.objects.count() // 2]
    last_page = Paginator(range(BIG_DOSSIER_EVENTS), 20).num_pages
    print(f"{counts()}; median of {args.runs} runs\n")

    cases = [
        ("baseline: primary key", lambda: first_page(Dossier.objects.filter(pk=big.pk))[1]),
        ("arrears, all estates", lambda: arrears_page(manager, today)),
        (f"arrears, estate {estate.code}", lambda: arrears_page(manager, today, estate)),
        (
            "arrears, all, 90 days ago",
            lambda: arrears_page(manager, today - datetime.timedelta(days=90)),
        ),
        ("timeline, page 1", lambda: timeline_page(big)),
        (f"timeline, page {last_page}", lambda: timeline_page(big, page=last_page)),
        ("timeline, complaints, p. 1", lambda: timeline_page(big, kind="complaint")),
        ("timeline, payments, last p.", lambda: timeline_page(big, kind="payment", page=10**6)),
        ("approvals inbox", lambda: approvals(manager)),
        ("complaints, page 1", lambda: complaint_page(manager)),
        ("complaints, open, page 1", lambda: complaint_page(manager, status="open")),
        ("complaints, page 1000", lambda: complaint_page(manager, page=1000)),
        ("records panel", lambda: records_panel(big, manager)),
        ("dossier balances", lambda: dossier_balances(big)),
    ]
    results = []
    for label, function in cases:
        median, result = measure(function, args.runs)
        results.append((label, median, result))
        if args.explain or median > args.limit:
            explain(label, "", median, function)
    baseline = results[0][1]
    print(f"{'measurement':<30} {'result':>24} {'median ms':>10} {'x baseline':>11}")
    for label, median, result in results:
        shown = str(result)[:24]
        print(f"{label:<30} {shown:>24} {median:>10.2f} {median / baseline:>11.1f}")
    slow = [label for label, median, _result in results if median > args.limit]
    if slow:
        print(f"\nOver {args.limit:g} ms: {', '.join(slow)}")
        return 1
    print(f"\nAll medians under {args.limit:g} ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
