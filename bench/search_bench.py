"""Time the one-box dossier search on a large PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/search_bench.py --units 100000

Creates the database if it is missing, migrates it, adds demo data with ``seed_demo`` until it
holds ``--units`` dossiers, then times ``customers.selectors.dossier_search`` for a manager the
way the dossier list uses it: the first page (``list(qs[:25])``, with its prefetch of the
current occupants) plus ``qs.count()`` for the paginator. Prints the median of ``--runs`` runs
per kind of query and its ratio to a primary-key lookup; exits 1 if a median is over
``--limit`` ms (default 100).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")

PAGE = 25


def ensure_database(url):
    """CREATE DATABASE through the maintenance database ``postgres`` if it is missing."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            "DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/archive_bench"
        )
    name = unquote(parsed.path.lstrip("/"))
    connection = psycopg2.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=unquote(parsed.username or "postgres"),
        password=unquote(parsed.password) if parsed.password else None,
        dbname="postgres",
    )
    connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created database {name}.")
    finally:
        connection.close()


def prepare(units, history):
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Dossier

    call_command("migrate", verbosity=0, interactive=False)
    have = Dossier.objects.count()
    if have < units:
        print(f"Seeding {units - have} units (the database has {have} dossiers)...")
        call_command("seed_demo", units=units - have, no_history=not history)
    with connection.cursor() as cursor:  # the steady state autovacuum keeps: planner
        cursor.execute("VACUUM ANALYZE")  # statistics, GIN pending lists merged
    return Dossier.objects.count()


def manager_user():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import Role

    user, created = get_user_model().objects.get_or_create(
        username="bench_manager", defaults={"last_name": "孙", "first_name": "测"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.MANAGER))
    return get_user_model().objects.get(pk=user.pk)  # fresh, without cached permissions


def sample_queries():
    """Search terms taken from the data: one occupied level-C dossier of an individual, one of
    an enterprise."""
    from customers.models import Customer, Occupancy

    sections = Occupancy.objects.filter(
        status=Occupancy.Status.ACTIVE,
        role=Occupancy.Role.OWNER,
        dossier__secrecy_level="C",
    ).select_related("customer", "dossier__unit")
    people = sections.filter(customer__kind=Customer.Kind.INDIVIDUAL).order_by("pk")
    person = people[people.count() // 2]
    firms = sections.filter(customer__kind=Customer.Kind.ENTERPRISE).order_by("pk")
    firm = firms[firms.count() // 2]
    number = person.dossier.archive_number
    customer = person.customer
    return (
        person.dossier.pk,
        [
            ("archive number, exact", number),
            (
                "archive number, partial",
                "-".join(number.split("-")[:3]),
            ),  # estate-building-entrance
            ("room number", "1201"),
            ("name fragment (2 chars)", customer.name[:2]),
            ("pinyin initials", customer.name_initials),
            ("mobile (11 digits)", customer.mobile),
            ("resident ID (18)", customer.id_number),
            ("credit code", firm.customer.credit_code),
        ],
    )


def first_page(qs):
    rows = list(qs[:PAGE])
    total = qs.count()
    return rows, total


def explain(label, q, median, function):
    """EXPLAIN ANALYZE of each query the first page runs (page, prefetch, count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    print(f"=== {label} {q!r}: median {median:.1f} ms")
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"--- {query['sql'][:160]}...\n{plan}\n")


def measure(function, runs):
    function()  # warm the caches and the connection
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--limit", type=float, default=100.0, help="ms; a slower median fails")
    parser.add_argument(
        "--history", action="store_true", help="let seed_demo write history rows (slower)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of every search"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/archive_bench")
    ensure_database(url)

    import django

    django.setup()
    from customers.models import Dossier
    from customers.selectors import dossier_search

    dossiers = prepare(args.units, args.history)
    user = manager_user()
    baseline_pk, queries = sample_queries()
    print(f"{dossiers} dossiers; median of {args.runs} runs; first page of {PAGE} + count\n")

    baseline, _result = measure(
        lambda: first_page(Dossier.objects.filter(pk=baseline_pk)), args.runs
    )
    results = [("baseline: primary key", str(baseline_pk), baseline, 1)]
    for label, q in queries:
        median, (_rows, total) = measure(
            lambda q=q: first_page(dossier_search(user=user, q=q)), args.runs
        )
        results.append((label, q, median, total))
        if args.explain or median > args.limit:
            explain(label, q, median, lambda q=q: first_page(dossier_search(user=user, q=q)))

    print(f"{'query':<26} {'q':<20} {'found':>7} {'median ms':>10} {'x baseline':>11}")
    for label, q, median, total in results:
        print(f"{label:<26} {q:<20} {total:>7} {median:>10.2f} {median / baseline:>11.1f}")
    slow = [label for label, _q, median, _total in results if median > args.limit]
    if slow:
        print(f"\nOver {args.limit:g} ms: {', '.join(slow)}")
        return 1
    print(f"\nAll medians under {args.limit:g} ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
