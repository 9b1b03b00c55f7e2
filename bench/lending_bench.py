"""Time the archivist's desk and the approval queue on a large PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/lending_bench.py --units 20000 --loans 100000

Creates the database if it is missing, migrates it, adds demo data with ``seed_demo`` until it
holds ``--units`` dossiers, then adds with ``bulk_create`` (only what is missing, so a second
run starts at once) three documents to each dossier that loans use, 200 borrowers and
``--loans`` loans over three years across those dossiers: most of them closed, a few thousand
out (some due today, some overdue, some escalated), some waiting for a manager, for the legal
department (outside parties) or for the archive room, with their items (a document is out on
one loan at a time), a history row for their request and one for their last move, and waiting
renewals. Then it times the pages a user waits for, through the whole stack (middleware,
views, templates), as the archivist (each tab of the desk), a manager and the legal department
(the approval queue): the median of ``--runs`` runs and its ratio to the loan page of one loan
(the baseline), and beside it the median of the selectors alone (what the page asks the
database, as ``records_bench.py`` times its pages).

It also counts each page's queries twice: at ``--loans`` loans and, inside a transaction rolled
back afterwards, with all but 1,000 loans deleted. The counts must be the same. It exits 1 if
a count differs, or if a median is over ``--limit`` ms (default 100).
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

from search_bench import ensure_database, explain, manager_user, measure  # noqa: E402

BORROWERS = 200
DOCUMENTS_PER_DOSSIER = 3
SMALL = 1_000  # the loans kept for the second count of queries
BATCH = 5_000
TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai
NUMBER_PREFIX = "JYB"  # the bench's loan numbers, apart from the product's (JY2026-…)

# (status, share of the loans); the rest are returned
OPEN = [
    ("requested", 0.015),
    ("approved", 0.010),
    ("out", 0.030),
    ("renewed", 0.008),
    ("return_checked", 0.002),
    ("rejected", 0.04),
    ("cancelled", 0.04),
    ("copied", 0.02),
    ("lost", 0.002),
]
OUTSIDE_SHARE = 0.005  # outside parties (R20), waiting for the legal department when requested
MODES = ["read_archive", "read_office", "take_out", "copy"]
MODE_WEIGHTS = [40, 25, 30, 5]


def _rng(seed):
    return random.Random(seed)  # noqa: S311 - invented demo data, not secrets


def _moment(day, rng):
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)), TZ
    )


def _user(username, role, last, first):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"last_name": last, "first_name": first}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return get_user_model().objects.get(pk=user.pk)  # fresh, without cached permissions


def borrowers():
    """The front-desk staff who borrow: made once, in one insert."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from core.roles import Role

    users = get_user_model()
    names = [f"bench_borrower{i:03d}" for i in range(BORROWERS)]
    have = set(users.objects.filter(username__in=names).values_list("username", flat=True))
    unusable = make_password(None)
    users.objects.bulk_create(
        [
            users(username=n, last_name="钱", first_name=f"借阅{n[-3:]}", password=unusable)
            for n in names
            if n not in have
        ]
    )
    group = users.groups.field.related_model.objects.get(name=Role.FRONT_DESK)
    people = list(users.objects.filter(username__in=names).order_by("username"))
    group.user_set.add(*people)
    return people


@contextmanager
def own_moments():
    """Let bulk_create keep the loans' own ``requested_at`` (auto_now_add otherwise stamps
    them all with the moment of the insert)."""
    from lending.models import Loan, Renewal

    fields = [Loan._meta.get_field("requested_at"), Renewal._meta.get_field("requested_at")]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def seed_documents(dossier_ids, user):
    """Three documents in each dossier that has none yet (loans lend them)."""
    from django.db import transaction

    from documents.models import Document, DocumentCategory

    have = set(
        Document.objects.filter(dossier_id__in=dossier_ids)
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    missing = [pk for pk in dossier_ids if pk not in have]
    if not missing:
        return
    print(f"Adding {DOCUMENTS_PER_DOSSIER} documents to {len(missing)} dossiers...")
    categories = list(DocumentCategory.objects.filter(code__in=["id_copy", "move_in", "other"]))
    day = datetime.date(2020, 5, 1)
    for start in range(0, len(missing), BATCH):
        with transaction.atomic():
            Document.objects.bulk_create(
                [
                    Document(
                        dossier_id=pk,
                        category=category,
                        title=category.name,
                        document_date=day,
                        pages=2,
                        copies=1,
                        secrecy_level=category.default_secrecy,
                        retention=category.default_retention,
                        status=Document.Status.FILED,
                        recorded_by=user,
                    )
                    for pk in missing[start : start + BATCH]
                    for category in categories[:DOCUMENTS_PER_DOSSIER]
                ],
                batch_size=BATCH,
            )


def _status_of(rng):
    roll, total = rng.random(), 0.0
    for status, share in OPEN:
        total += share
        if roll < total:
            return status
    return "returned"


def _loan(index, rng, *, dossier_id, borrower, manager, archivist, legal, today):
    """One loan, filled in as far as its status has gone."""
    from lending.models import Loan

    status = _status_of(rng)
    outside = rng.random() < OUTSIDE_SHARE
    mode = rng.choices(MODES, MODE_WEIGHTS)[0]
    if outside and mode not in ("read_archive", "read_office"):
        mode = "read_archive"
    if status == "copied":
        mode = "copy"
    elif mode == "copy" and status in ("out", "renewed", "return_checked", "returned", "lost"):
        mode = "take_out"
    open_now = status in ("requested", "approved", "out", "renewed", "return_checked")
    # the open ones are recent; the closed ones spread over three years
    age = rng.randint(0, 25) if open_now else rng.randint(20, 3 * 365)
    requested_on = today - datetime.timedelta(days=age)
    loan = Loan(
        number=f"{NUMBER_PREFIX}{index:07d}",
        dossier_id=dossier_id,
        status=status,
        mode=mode,
        purpose="核对业主资料",
        days=7,
        borrower_kind="outside" if outside else "staff",
        borrower=None if outside else borrower,
        party="police" if outside else "",
        party_organisation="某某区公安分局" if outside else "",
        party_person="李警官" if outside else "",
        party_credential="110101199003071234" if outside else "",
        needs_approval=mode != "read_archive" or outside,
        needs_legal=outside,
        renewals_allowed=2,
        requested_by=archivist if outside else borrower,
        requested_at=_moment(requested_on, rng),
    )
    if status == "requested":
        loan.needs_approval = True
    elif status == "rejected":
        loan.decision_note = "用途不明"
    else:
        loan.approved_at = loan.requested_at + datetime.timedelta(hours=2)
        loan.approved_by = manager if loan.needs_approval else None
    if outside and status not in ("requested", "rejected"):
        loan.legal_approved_at = loan.approved_at
        loan.legal_approved_by = legal
    if status in ("out", "renewed", "return_checked", "returned", "lost"):
        start = requested_on + datetime.timedelta(days=rng.randint(0, 2))
        start = min(start, today)
        if status == "renewed":
            loan.renewal_count = 1
            start = min(today, start + datetime.timedelta(days=7))
        loan.handed_out_at = _moment(start, rng)
        loan.handed_out_by = archivist
        loan.period_start = start
        loan.due_on = start + datetime.timedelta(days=7)
        loan.escalate_on = start + datetime.timedelta(days=16)
        loan.escalated = status in ("out", "renewed") and loan.escalate_on <= today
    if status in ("return_checked", "returned", "lost"):
        loan.return_checked_at = loan.handed_out_at + datetime.timedelta(days=rng.randint(1, 7))
        loan.return_checked_by = archivist
    if status in ("returned", "lost"):
        loan.returned_at = loan.return_checked_at
    return loan


def seed_loans(wanted, dossier_ids, people, deciders, today):
    """Loans, their items and their history, until the database holds ``wanted``."""
    from django.db import transaction

    from documents.models import Document
    from lending.models import Loan, LoanItem, Renewal

    manager, archivist, legal = deciders
    have = Loan.objects.count()
    missing = wanted - have
    if missing <= 0:
        return
    print(f"Adding {missing} loans with their items and history...")
    started = time.perf_counter()
    rng = _rng(2026 + have)
    documents = {}
    rows = Document.objects.filter(dossier_id__in=dossier_ids).values_list("dossier_id", "pk")
    for dossier_id, pk in rows.order_by("dossier_id", "pk"):
        documents.setdefault(dossier_id, []).append(pk)
    busy = set(LoanItem.objects.filter(out=True).values_list("document_id", flat=True))
    index = have
    with own_moments():
        for start in range(0, missing, BATCH):
            loans, plans = [], []
            for _ in range(min(BATCH, missing - start)):
                index += 1
                dossier_id = rng.choice(dossier_ids)
                loan = _loan(
                    index,
                    rng,
                    dossier_id=dossier_id,
                    borrower=rng.choice(people),
                    manager=manager,
                    archivist=archivist,
                    legal=legal,
                    today=today,
                )
                chosen = rng.sample(documents[dossier_id], rng.randint(1, 2))
                out = loan.status in Loan.OUT_STATUSES
                if out and busy & set(chosen):  # one loan out per document: it came back
                    loan.status = "returned"
                    loan.escalated = False
                    loan.return_checked_at = loan.returned_at = loan.handed_out_at
                    loan.return_checked_by = archivist
                    out = False
                if out:
                    busy.update(chosen)
                loans.append(loan)
                plans.append((chosen, out))
            with transaction.atomic():
                Loan.objects.bulk_create(loans, batch_size=BATCH)
                Loan.history.bulk_history_create(
                    loans, default_user=archivist, default_change_reason="Loan requested"
                )
                moved = [loan for loan in loans if loan.status != "requested"]
                Loan.history.bulk_history_create(
                    moved, update=True, default_user=archivist, default_change_reason="Moved"
                )
                items = [
                    LoanItem(loan=loan, document_id=pk, status_before="filed", out=out)
                    for loan, (chosen, out) in zip(loans, plans, strict=True)
                    for pk in chosen
                ]
                LoanItem.objects.bulk_create(items, batch_size=BATCH)
                LoanItem.history.bulk_history_create(items, default_user=archivist)
                Renewal.objects.bulk_create(
                    [
                        Renewal(
                            loan=loan,
                            days=7,
                            reason="尚未核对完",
                            requested_by=loan.borrower,
                            requested_at=_moment(today, rng),
                        )
                        for loan in loans
                        if loan.status == "out" and loan.borrower_id and rng.random() < 0.1
                    ]
                )
                out_ids = [pk for chosen, out in plans if out for pk in chosen]
                Document.objects.filter(pk__in=out_ids).update(status=Document.Status.ON_LOAN)
    print(f"  done in {time.perf_counter() - started:.0f} s.")


def prepare(units, loans, today):
    from django.core.management import call_command
    from django.db import connection

    from core.roles import Role
    from customers.models import Dossier, DossierUserObjectPermission
    from customers.permissions import grant_dossier

    call_command("migrate", verbosity=0, interactive=False)
    have = Dossier.objects.count()
    if have < units:
        print(f"Seeding {units - have} units (the database has {have} dossiers)...")
        call_command("seed_demo", units=units - have, no_history=True)
    manager = manager_user()
    archivist = _user("bench_archivist", Role.ARCHIVIST, "郑", "档案")
    legal = _user("bench_legal", Role.LEGAL, "冯", "法务")
    people = borrowers()
    dossier_ids = list(
        Dossier.objects.filter(secrecy_level="C").order_by("pk").values_list("pk", flat=True)
    )
    seed_documents(dossier_ids, archivist)
    seed_loans(loans, dossier_ids, people, (manager, archivist, legal), today)
    # the legal department sees the dossiers it is granted on (R17): a few hundred of them,
    # among them those of the outside parties waiting for it
    from lending.models import Loan

    if not DossierUserObjectPermission.objects.filter(user=legal).exists():
        waiting = Loan.objects.filter(status="requested", borrower_kind="outside")
        for dossier in Dossier.objects.filter(pk__in=waiting.values("dossier_id"))[:300]:
            grant_dossier(legal, dossier)
    with connection.cursor() as cursor:  # the steady state autovacuum keeps
        cursor.execute("VACUUM ANALYZE")
    return manager, archivist, legal


def counts():
    from customers.models import Dossier
    from lending.models import Loan, LoanItem, Renewal

    out = Loan.objects.out().count()
    return (
        f"{Dossier.objects.count()} dossiers, {Loan.objects.count()} loans ({out} out), "
        f"{LoanItem.objects.count()} items, {Loan.history.count()} loan history rows, "
        f"{Renewal.objects.filter(status='requested').count()} renewals waiting"
    )


# --- What the pages run -------------------------------------------------------------------------
def page(client, url):
    """One GET through the whole stack; the number of loans it lists."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.count(b'data-testid="loan-row-')


def client_for(user):
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def query_count(function):
    """The page's queries: the fewest of three runs (the session middleware now and then
    writes the session's last activity, which is no query of the page's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # the per-process caches (content types, permissions)
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            function()
        counts.append(len(captured))
    return min(counts)


def desk_sql(user, tab, today):
    """What ``lending.loans.views.desk`` asks the database: the tabs' counts, one page."""
    from lending.loans import selectors

    counts = selectors.desk_counts(user=user, today=today)
    list(selectors.desk_rows(user=user, tab=tab, today=today)[:25])
    return counts[tab]


def queue_sql(user):
    """What ``lending.loans.views.approval_queue`` asks the database: two lists and counts."""
    from lending.loans import selectors

    loans = selectors.approval_loans(user=user)
    renewals = selectors.approval_renewals(user=user)
    list(loans[:25])
    list(renewals[:25])
    return loans.count() + renewals.count()


def counts_with_few_loans(cases, baseline):
    """The queries of each case with all but ``SMALL`` loans deleted (the ``baseline`` loan
    kept), then rolled back."""
    from django.db import connection, transaction

    from lending.models import Loan

    # some of every open status (each tab has rows, as at full size), the outside parties
    # waiting for the legal department, and closed ones for the rest
    keep = {baseline}
    keep.update(
        Loan.objects.filter(status="requested", borrower_kind="outside").values_list(
            "pk", flat=True
        )
    )
    for status, _share in OPEN:
        keep.update(
            Loan.objects.filter(status=status).order_by("?").values_list("pk", flat=True)[:60]
        )
    closed = Loan.objects.filter(status="returned").order_by("?").values_list("pk", flat=True)
    keep = [*keep, *closed[: SMALL - len(keep)]]
    result = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in ("lending_loanitem", "lending_renewal"):
                cursor.execute(f"DELETE FROM {table} WHERE NOT (loan_id = ANY(%s))", [keep])  # noqa: S608
            cursor.execute("DELETE FROM lending_loan WHERE NOT (id = ANY(%s))", [keep])
        print(f"(with {Loan.objects.count()} loans for the second count)")
        for label, function in cases:
            result[label] = query_count(function)
        transaction.set_rollback(True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--limit", type=float, default=100.0, help="ms; a slower median fails")
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
    from django.urls import reverse
    from django.utils import timezone

    from lending.loans.selectors import DESK_TABS, desk_counts
    from lending.models import Loan

    today = timezone.localdate()
    manager, archivist, legal = prepare(args.units, args.loans, today)
    desk, boss, lawyer = client_for(archivist), client_for(manager), client_for(legal)
    some = Loan.objects.filter(status="out").order_by("pk").values_list("pk", flat=True)[0]
    print(counts())
    tabs = desk_counts(user=archivist, today=today)
    print("desk: " + ", ".join(f"{tab} {n}" for tab, n in tabs.items()))
    print(f"median of {args.runs} runs\n")

    cases = [
        (
            "baseline: loan page",
            lambda: desk.get(reverse("lending:loan_detail", args=[some])).status_code,
        ),
    ]
    for tab in DESK_TABS:
        cases.append(
            (f"desk, {tab}", lambda tab=tab: page(desk, reverse("lending:desk") + f"?tab={tab}"))
        )
    queue = reverse("lending:approval_queue")
    cases += [
        ("approval queue, manager", lambda: page(boss, queue)),
        ("approval queue, legal", lambda: page(lawyer, queue)),
        ("desk, out, page 40", lambda: page(desk, reverse("lending:desk") + "?tab=out&page=40")),
    ]
    sql = {f"desk, {tab}": lambda tab=tab: desk_sql(archivist, tab, today) for tab in DESK_TABS}
    sql["approval queue, manager"] = lambda: queue_sql(manager)
    sql["approval queue, legal"] = lambda: queue_sql(legal)
    large = {label: query_count(function) for label, function in cases}
    results = []
    for label, function in cases:
        median, result = measure(function, args.runs)
        in_sql = measure(sql[label], args.runs)[0] if label in sql else None
        results.append((label, median, result, in_sql))
        if args.explain or median > args.limit:
            explain(label, "", median, function)
    small = counts_with_few_loans(cases, some)

    baseline = results[0][1]
    print(
        f"{'page':<28} {'rows':>5} {'median ms':>10} {'x baseline':>11} {'SQL ms':>7} "
        f"{'queries':>8} {f'at {SMALL}':>8}"
    )
    for label, median, result, in_sql in results:
        shown = "" if in_sql is None else f"{in_sql:.2f}"
        print(
            f"{label:<28} {result!s:>5} {median:>10.2f} {median / baseline:>11.1f} {shown:>7} "
            f"{large[label]:>8} {small[label]:>8}"
        )
    failed = 0
    differ = [label for label in large if large[label] != small[label]]
    if differ:
        print(f"\nQueries differ between {SMALL} and {args.loans} loans: {', '.join(differ)}")
        failed = 1
    slow = [label for label, median, _result, _sql in results if median > args.limit]
    if slow:
        print(f"\nOver {args.limit:g} ms: {', '.join(slow)}")
        failed = 1
    if not failed:
        print(
            f"\nThe same queries at {SMALL} and {args.loans} loans; "
            f"medians under {args.limit:g} ms."
        )
    return failed


if __name__ == "__main__":
    sys.exit(main())
