"""Time the yearly statistics (R40) and the monthly complaint summary (R41) on a large
PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/statistics_bench.py --units 100000

Creates the database if it is missing, migrates it, adds demo data with ``seed_demo`` until it
holds ``--units`` dossiers, then adds what the statistics count, only what is missing (a second
run starts at once), reusing the other benchmarks' seeding: three filed documents per dossier
and ``--loans`` loans with their items (``lending_bench``), ``--complaints`` complaints with
their return visits (``records_bench``); and, in bulk ``INSERT … SELECT``, the documents'
filing times over three years, a moved-out section for half of the dossiers, overdue notices
and escalations of the loans, handover lists of every centre with their items, and appraisal
batches with their items (destroyed, kept, undecided). In all well over 1,000,000 rows.

Then it times ``reports.statistics.selectors.yearly_figures`` (what a snapshot counts) for the
busiest year and ``reports.complaints.selectors.monthly_figures`` for its busiest month: the
median of ``--runs`` runs; prints the rows counted, each query's time and the query plan
(``EXPLAIN (ANALYZE, BUFFERS)``) of the heaviest one. Exits 1 if a median is over ``--limit``
seconds (default 5).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")

from search_bench import ensure_database, manager_user, measure  # noqa: E402

YEARS = 3  # the facts are spread over the three years up to today
HANDOVERS_PER_CENTRE = 6  # half-yearly (R30)
BATCHES = 60  # appraisal batches
BATCH_ITEMS = 100_000


def _sql(statement, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _first_day(today):
    return datetime.date(today.year - YEARS + 1, 1, 1)


def seed_filing(today):
    """The documents' filing times, spread over the years (by primary key, reproducibly)."""
    start = _first_day(today)
    days = (today - start).days
    done = _sql(
        "UPDATE documents_document SET filed_at = %s::timestamptz"
        " + make_interval(days => ((id * 7919) %% %s)::int, hours => (9 + id %% 9)::int)"
        " WHERE filed_at IS NULL AND status = 'filed'",
        [f"{start.isoformat()} 00:00+08", days],
    )
    if done:
        print(f"Stamped {done} documents' filing times.")


def seed_move_outs(today, user):
    """A closed, moved-out section for every second dossier, on a day of the years."""
    from customers.models import Occupancy

    if Occupancy.objects.filter(status="moved_out", section_number__gte=900).exists():
        return
    start = _first_day(today)
    done = _sql(
        "INSERT INTO customers_occupancy (dossier_id, customer_id, role, section_number, status,"
        " moved_in, moved_out, recorded_by_id, recorded_at, note)"
        " SELECT o.dossier_id, o.customer_id, 'owner', 900, 'moved_out', DATE '2000-01-01',"
        " %s::date + ((o.dossier_id * 31) %% %s)::int, %s, now(), ''"
        " FROM (SELECT DISTINCT ON (dossier_id) dossier_id, customer_id FROM customers_occupancy"
        "       ORDER BY dossier_id, section_number) o WHERE o.dossier_id %% 2 = 0",
        [start, (today - start).days, user.pk],
    )
    print(f"Added {done} moved-out sections.")


def seed_notices():
    """An overdue notice for every fifth loan handed out, an escalation for every fifteenth."""
    from lending.models import Notice

    if Notice.objects.exists():
        return
    done = _sql(
        "INSERT INTO lending_notice (loan_id, period, level, day, borrower_id, sent_at,"
        " recipients)"
        " SELECT id, 0, 2, due_on + 1, borrower_id, now(), '' FROM lending_loan"
        "  WHERE handed_out_at IS NOT NULL AND due_on IS NOT NULL AND id %% 5 = 0"
        " UNION ALL"
        " SELECT id, 0, 3, due_on + 9, borrower_id, now(), '' FROM lending_loan"
        "  WHERE handed_out_at IS NOT NULL AND due_on IS NOT NULL AND id %% 15 = 0"
    )
    print(f"Added {done} loan notices.")


def seed_handovers(today, user):
    """Completed half-yearly handovers of every centre, each with a share of its documents."""
    from customers.models import ServiceCentre
    from documents.models import Handover

    if Handover.objects.filter(period__startswith="BENCH").exists():
        return
    start = _first_day(today)
    for centre in ServiceCentre.objects.all():
        for n in range(HANDOVERS_PER_CENTRE):
            signed = datetime.datetime.combine(
                start + datetime.timedelta(days=182 * n + 20),
                datetime.time(15),
                tzinfo=datetime.timezone(datetime.timedelta(hours=8)),
            )
            handover = Handover.objects.create(
                service_centre=centre,
                period=f"BENCH{n}",
                status=Handover.Status.COMPLETED,
                prepared_by=user,
                centre_signed_at=signed,
                archive_signed_at=signed,
                centre_signed_by=user,
                archive_signed_by=user,
            )
            _sql(
                "INSERT INTO documents_handoveritem (handover_id, document_id, result, note)"
                " SELECT %s, d.id, CASE WHEN d.id %% 50 = 0 THEN 'missing' ELSE 'accepted' END,"
                " '' FROM documents_document d"
                " JOIN customers_dossier x ON x.id = d.dossier_id"
                " JOIN customers_unit u ON u.id = x.unit_id"
                " JOIN customers_building b ON b.id = u.building_id"
                " JOIN customers_estate e ON e.id = b.estate_id"
                " WHERE e.service_centre_id = %s AND d.id %% 9 = %s",
                [handover.pk, centre.pk, n % 9],
            )
    print("Added the handover lists.")


def seed_batches(today, user):
    """Appraisal batches approved over the years, with their items: two in three destroyed
    a month after the approval, the rest kept or undecided."""
    from destruction.models import Batch

    if Batch.objects.filter(number__startswith="XHB").exists():
        return
    start = _first_day(today)
    step = (today - start).days // BATCHES
    per_batch = BATCH_ITEMS // BATCHES
    zone = datetime.timezone(datetime.timedelta(hours=8))
    for n in range(BATCHES):
        approved = datetime.datetime.combine(
            start + datetime.timedelta(days=step * n), datetime.time(10), tzinfo=zone
        )
        batch = Batch.objects.create(
            number=f"XHB{n:04d}",
            title="年度鉴定",
            created_by=user,
            status=Batch.Status.COMPLETED,
            approved_at=approved,
            completed_at=approved + datetime.timedelta(days=30),
        )
        _sql(
            "INSERT INTO destruction_batchitem (batch_id, document_id, dossier_id, decision,"
            " keep_permanently, decision_note, technical, engineering_opinion, state, open,"
            " blocked_reason, destroyed_at, reference, archive_number, title, category_name,"
            " document_date, carrier, secrecy_level, copies, file_name, file_sha256)"
            " SELECT %s, d.id, d.dossier_id,"
            "  CASE d.id %% 3 WHEN 2 THEN (CASE WHEN d.id %% 2 = 0 THEN 'keep' ELSE 'undecided'"
            "  END) ELSE 'destroy' END, false, '', false, '',"
            "  CASE WHEN d.id %% 3 = 2 THEN 'blocked' ELSE 'destroyed' END, false, '',"
            "  CASE WHEN d.id %% 3 = 2 THEN NULL ELSE %s::timestamptz END,"
            "  '', x.archive_number, d.title, '资料', d.document_date, d.carrier, '', 1, '', ''"
            " FROM documents_document d JOIN customers_dossier x ON x.id = d.dossier_id"
            " WHERE d.id %% %s = %s ORDER BY d.id LIMIT %s",
            [batch.pk, approved + datetime.timedelta(days=30), BATCHES, n, per_batch],
        )
    print(f"Added {BATCHES} appraisal batches and their items.")


def prepare(units, loans, complaints, today):
    import lending_bench
    import records_bench
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Dossier

    call_command("migrate", verbosity=0, interactive=False)
    have = Dossier.objects.count()
    if have < units:
        print(f"Seeding {units - have} units (the database has {have} dossiers)...")
        call_command("seed_demo", units=units - have, no_history=True)
    manager = manager_user()
    archivist = lending_bench._user("bench_archivist", "archivist", "郑", "档案")
    legal = lending_bench._user("bench_legal", "legal", "冯", "法务")
    people = lending_bench.borrowers()
    dossier_ids = list(
        Dossier.objects.filter(secrecy_level="C").order_by("pk").values_list("pk", flat=True)
    )
    lending_bench.seed_documents(dossier_ids, archivist)
    lending_bench.seed_loans(loans, dossier_ids, people, (manager, archivist, legal), today)
    records_bench.COMPLAINTS = complaints
    records_bench.seed_complaints(
        records_bench._dossiers(),
        records_bench.big_dossier(),
        records_bench.front_desk_user(),
        manager,
        today,
    )
    seed_filing(today)
    seed_move_outs(today, archivist)
    seed_notices()
    seed_handovers(today, archivist)
    seed_batches(today, archivist)
    with connection.cursor() as cursor:  # the steady state autovacuum keeps
        cursor.execute("VACUUM ANALYZE")


def counts():
    from django.db import connection

    tables = [
        "customers_dossier",
        "customers_occupancy",
        "documents_document",
        "documents_handoveritem",
        "destruction_batchitem",
        "lending_loan",
        "lending_loanitem",
        "lending_notice",
        "records_complaint",
        "records_visit",
    ]
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own names
            found[table] = cursor.fetchone()[0]
    return found


def busiest_month(year):
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from records.models import Complaint

    row = (
        Complaint.objects.filter(received_at__year=year)
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["month"].date() if hasattr(row["month"], "date") else row["month"]


def timed_queries(function):
    """Each query ``function`` runs, with its own time (ms), slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )


def plan(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--complaints", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=5.0, help="s; a slower median fails")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    import django

    django.setup()
    from django.utils import timezone

    from reports.complaints.selectors import monthly_figures
    from reports.statistics.selectors import yearly_figures

    today = timezone.localdate()
    started = time.perf_counter()
    prepare(args.units, args.loans, args.complaints, today)
    print(f"Prepared in {time.perf_counter() - started:.0f} s.")
    found = counts()
    for table, n in found.items():
        print(f"  {table:<26} {n:>10,}")
    print(f"  {'in all':<26} {sum(found.values()):>10,}")

    year = today.year - 1  # a whole year
    month = busiest_month(year)
    cases = [
        (f"yearly statistics {year}", lambda: yearly_figures(year)),
        (f"complaint summary {month:%Y-%m}", lambda: monthly_figures(month)),
    ]
    failed = False
    for label, function in cases:
        median, figures = measure(function, args.runs)
        seconds = median / 1000
        slow = seconds > args.limit
        failed |= slow
        verdict = " (SLOW)" if slow else ""
        print(f"\n=== {label}: median {seconds:.2f} s over {args.runs} runs{verdict}")
        if "centres" in figures:
            print(f"    company-wide: {figures['total']['counts']}")
        else:
            keys = ("complaints", "major", "closed", "return_visited")
            print(f"    total: { {k: figures['total'][k] for k in keys} }")
        queries = timed_queries(function)
        for ms, sql in queries:
            print(f"    {ms:8.1f} ms  {sql[:110]}…")
        heaviest = queries[0][1]
        print(f"--- the heaviest query's plan:\n{plan(heaviest)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
