"""Time the loan register (档案借阅登记表) of a year on a PostgreSQL database of 10,000 loans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/lending_register_bench.py --loans 10000

Creates the database if it is missing, migrates it, adds demo units with ``seed_demo`` until
it holds ``--units`` dossiers, then adds with ``bulk_create`` (only what is missing, so a
second run starts at once): five documents per dossier, and ``--loans`` loans spread over the
year before today, each with one to four items, one to three history rows, renewals and
escalation notices for some, an outside party's credential for one in twenty. Then it times,
for a manager, the register page's two answers as the view gives them (the selector, the
renderer, the access log): the PDF and the XLSX of the whole year. Prints the median of
``--runs`` runs and its ratio to a primary-key lookup; exits 1 if a median is over
``--limit`` seconds (default 5).
"""

import argparse
import datetime
import os
import random
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")

from search_bench import ensure_database, manager_user, measure  # noqa: E402

DOCUMENTS_PER_DOSSIER = 5
BATCH = 2_000
TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai
TITLES = (
    "业主身份证复印件",
    "入住登记表",
    "房屋租赁合同（续签）及租金支付明细",
    "装修申请表及装修施工承诺书",
    "关于楼上漏水的投诉及处理回访记录",
    "车位租赁协议",
    "押金收据",
)
PURPOSES = ("核对资料", "处理业主投诉", "办理车位租赁", "配合审计", "续签租赁合同核对", "装修验收")
# (status, share): most loans of a year are back
STATUSES = (
    ("returned", 0.70),
    ("out", 0.08),
    ("renewed", 0.05),
    ("return_checked", 0.02),
    ("requested", 0.05),
    ("approved", 0.03),
    ("rejected", 0.03),
    ("cancelled", 0.02),
    ("copied", 0.02),
)


def _rng(seed):
    return random.Random(seed)  # noqa: S311 - invented demo data, not secrets


@contextmanager
def stamped(*fields):
    """Let bulk_create keep the rows' own times (auto_now_add would stamp the insert's)."""
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def staff():
    """A few borrowers and an archivist of the bench, and the bench's manager."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import Role

    users = get_user_model().objects
    people = []
    names = (("王", "芳"), ("李", "娜"), ("张", "伟"), ("刘", "洋"), ("陈", "静"), ("杨", "磊"))
    for n, (last, first) in enumerate(names):
        user, created = users.get_or_create(
            username=f"bench_staff{n}", defaults={"last_name": last, "first_name": first}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=Role.FRONT_DESK))
        people.append(user)
    archivist, created = users.get_or_create(
        username="bench_archivist", defaults={"last_name": "周", "first_name": "档案"}
    )
    if created:
        archivist.set_unusable_password()
        archivist.save(update_fields=["password"])
        archivist.groups.add(Group.objects.get(name=Role.ARCHIVIST))
    return people, archivist, manager_user()


def seed_documents(clerk):
    """Five documents in every level-C dossier that has none of the bench's."""
    from customers.models import Dossier
    from documents.models import Document, DocumentCategory

    have = set(
        Document.objects.filter(title__startswith="[bench]")
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    dossiers = [
        pk
        for pk in Dossier.objects.filter(secrecy_level="C")
        .order_by("pk")
        .values_list("pk", flat=True)
        if pk not in have
    ]
    if not dossiers:
        return
    print(f"Adding {DOCUMENTS_PER_DOSSIER} documents to {len(dossiers)} dossiers...")
    category = DocumentCategory.objects.order_by("pk").first()
    rows = []
    for pk in dossiers:
        rng = _rng(pk)
        for n in range(DOCUMENTS_PER_DOSSIER):
            rows.append(
                Document(
                    dossier_id=pk,
                    category=category,
                    title=f"[bench]{rng.choice(TITLES)}{n + 1}",
                    document_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n * 30),
                    pages=rng.randint(1, 12),
                    status=Document.Status.FILED,
                    recorded_by=clerk,
                )
            )
    Document.objects.bulk_create(rows, batch_size=BATCH)


def seed_loans(count, today, people, archivist, manager):
    """``count`` loans over the year before ``today``, with items, history, renewals and
    escalation notices (only what is missing)."""
    from django.db import transaction

    from documents.models import Document
    from lending.models import BorrowerKind, Loan, LoanItem, Notice, Renewal

    have = Loan.objects.filter(purpose__startswith="[bench]").count()
    missing = count - have
    if missing <= 0:
        return
    print(f"Adding {missing} loans with their items and history...")
    started = time.perf_counter()
    documents = list(
        Document.objects.filter(title__startswith="[bench]")
        .order_by("dossier_id", "pk")
        .values_list("pk", "dossier_id")
    )
    by_dossier = {}
    for pk, dossier in documents:
        by_dossier.setdefault(dossier, []).append(pk)
    dossiers = sorted(by_dossier)
    statuses = [s for s, _share in STATUSES]
    weights = [share for _s, share in STATUSES]
    used_out = set(LoanItem.objects.filter(out=True).values_list("document_id", flat=True))
    history = Loan.history.model
    fields = (Loan._meta.get_field("requested_at"), Renewal._meta.get_field("requested_at"))
    for start in range(have, count, BATCH):
        rng = _rng(start)
        loans, plans = [], []
        for n in range(start, min(count, start + BATCH)):
            status = rng.choices(statuses, weights)[0]
            dossier = dossiers[n % len(dossiers)]
            asked = datetime.datetime.combine(
                today - datetime.timedelta(days=rng.randint(1, 360)),
                datetime.time(rng.randint(8, 17), rng.randint(0, 59)),
                TZ,
            )
            outside = rng.random() < 0.05
            borrower = None if outside else rng.choice(people)
            handed = asked + datetime.timedelta(hours=rng.randint(1, 30))
            was_out = status in ("returned", "out", "renewed", "return_checked")
            loan = Loan(
                number=f"JY{asked:%Y}-B{n:07d}",
                dossier_id=dossier,
                status=status,
                mode="read_archive" if outside else rng.choice(("take_out", "read_office")),
                purpose=f"[bench]{rng.choice(PURPOSES)}",
                days=7,
                borrower_kind=BorrowerKind.OUTSIDE if outside else BorrowerKind.STAFF,
                borrower=borrower,
                party="police" if outside else "",
                party_organisation="翠湖派出所" if outside else "",
                party_person="张警官" if outside else "",
                party_credential=f"1101011990030{n % 10000:04d}1" if outside else "",
                requested_by=borrower or rng.choice(people),
                requested_at=asked,
                approved_by=manager if status not in ("requested", "rejected") else None,
                approved_at=asked + datetime.timedelta(minutes=40)
                if status not in ("requested", "rejected")
                else None,
                handed_out_at=handed if was_out else None,
                handed_out_by=archivist if was_out else None,
                period_start=handed.date() if was_out else None,
                due_on=handed.date() + datetime.timedelta(days=7) if was_out else None,
                renewal_count=1 if status == "renewed" else 0,
                escalated=status == "out" and rng.random() < 0.3,
                returned_at=handed + datetime.timedelta(days=rng.randint(1, 20))
                if status == "returned"
                else None,
            )
            loans.append(loan)
            plans.append((rng.randint(1, 4), status in ("out", "renewed", "return_checked")))
        with transaction.atomic(), stamped(*fields):
            Loan.objects.bulk_create(loans, batch_size=BATCH)
            items, rows, notices, renewals = [], [], [], []
            for loan, (n_items, out) in zip(loans, plans, strict=True):
                pool = by_dossier[loan.dossier_id]
                picked = pool[: min(n_items, len(pool))]
                for document in picked:
                    is_out = out and document not in used_out
                    if is_out:
                        used_out.add(document)
                    items.append(
                        LoanItem(loan=loan, document_id=document, out=is_out, status_before="filed")
                    )
                # one history row per move the loan made: requested, decided, out, back
                moves = 1 + (loan.approved_at is not None) + (loan.handed_out_at is not None)
                for step in range(moves):
                    rows.append(
                        history(
                            **{
                                f.attname: getattr(loan, f.attname)
                                for f in Loan._meta.concrete_fields
                            },
                            history_date=loan.requested_at + datetime.timedelta(hours=step),
                            history_type="+" if step == 0 else "~",
                            history_user_id=loan.requested_by_id,
                        )
                    )
                if loan.renewal_count:
                    renewals.append(
                        Renewal(
                            loan=loan,
                            status="approved",
                            days=7,
                            reason="仍需核对",
                            requested_by=loan.requested_by,
                            requested_at=loan.requested_at + datetime.timedelta(days=6),
                            new_due_on=loan.due_on,
                        )
                    )
                if loan.escalated:
                    notices.append(
                        Notice(
                            loan=loan, period=1, level=3, day=loan.due_on, borrower=loan.borrower
                        )
                    )
            LoanItem.objects.bulk_create(items, batch_size=BATCH)
            history.objects.bulk_create(rows, batch_size=BATCH)
            Renewal.objects.bulk_create(renewals, batch_size=BATCH)
            Notice.objects.bulk_create(notices, batch_size=BATCH)
    print(f"  in {time.perf_counter() - started:.1f} s.")


def prepare(units, loans, today):
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Dossier

    call_command("migrate", verbosity=0, interactive=False)
    have = Dossier.objects.count()
    if have < units:
        print(f"Seeding {units - have} units (the database has {have} dossiers)...")
        call_command("seed_demo", units=units - have, no_history=True)
    people, archivist, manager = staff()
    seed_documents(people[0])
    seed_loans(loans, today, people, archivist, manager)
    with connection.cursor() as cursor:  # the steady state autovacuum keeps
        cursor.execute("VACUUM ANALYZE")
    return manager


def register(user, output, date_from, date_to):
    """What ``lending.register.views.loan_register`` answers for the period, as bytes."""
    from django.test import RequestFactory

    from lending.register.views import loan_register

    request = RequestFactory().get(
        "/loans/register/",
        {"date_from": f"{date_from:%Y-%m-%d}", "date_to": f"{date_to:%Y-%m-%d}", "format": output},
    )
    request.user = user
    response = loan_register(request)
    assert response.status_code == 200, response.status_code
    return len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=5.0, help="s; a slower median fails")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/archive_bench")
    ensure_database(url)

    import django

    django.setup()
    from django.utils import timezone, translation

    from lending.models import Loan
    from lending.register.selectors import register_count

    translation.activate("zh-hans")
    today = timezone.localdate()
    manager = prepare(args.units, args.loans, today)
    date_from, date_to = today - datetime.timedelta(days=365), today
    rows = register_count(user=manager, date_from=date_from, date_to=date_to)
    print(
        f"{Loan.objects.count()} loans, {rows} in the register of {date_from} to {date_to}; "
        f"median of {args.runs} runs\n"
    )
    baseline_pk = Loan.objects.order_by("pk").values_list("pk", flat=True).first()
    cases = [
        ("baseline: primary key", lambda: Loan.objects.filter(pk=baseline_pk).count()),
        ("register, PDF", lambda: register(manager, "pdf", date_from, date_to)),
        ("register, XLSX", lambda: register(manager, "xlsx", date_from, date_to)),
    ]
    results = []
    for label, function in cases:
        median, result = measure(function, args.runs)
        results.append((label, median / 1000, result))
    baseline = results[0][1]
    print(f"{'measurement':<24} {'bytes':>12} {'median s':>10} {'x baseline':>12}")
    for label, median, result in results:
        print(f"{label:<24} {result:>12} {median:>10.3f} {median / baseline:>12.0f}")
    slow = [label for label, median, _result in results if median > args.limit]
    if slow:
        print(f"\nOver {args.limit:g} s: {', '.join(slow)}")
        return 1
    print(f"\nAll medians under {args.limit:g} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
