"""Time every Django admin changelist on a large, already seeded PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_bench_100k \\
        .venv/bin/python bench/admin_bench.py

For every model registered with the admin site, GETs its changelist (the first page, the
default order, no filter) as a superuser through Django's test client, ``--runs`` times, and
prints the median in ms with the table's row estimate, slowest first. Exits 1 if a median is
over ``--limit`` ms (default 1000). Seed first with ``bench/run`` or ``bench/records_bench.py``;
this script only reads (it adds one superuser, ``bench_admin``, if missing).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")


def superuser():
    from django.contrib.auth import get_user_model

    user, made = get_user_model().objects.get_or_create(
        username="bench_admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if made:
        user.set_unusable_password()
        user.save()
    return user


def estimated_rows(model) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0


def measure(*, runs=3) -> list[dict]:
    """``[{"admin": "app.model", "rows": n, "ms": median, "status": code}]``, slowest first."""
    from django.contrib import admin
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(superuser())
    results = []
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        timings, status = [], None
        client.get(url, follow=True)  # warm: the first request compiles the templates
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url, follow=True)  # a one-row admin opens its row
            timings.append((time.perf_counter() - started) * 1000)
            status = response.status_code
        results.append(
            {
                "admin": meta.label_lower,
                "rows": estimated_rows(model),
                "ms": statistics.median(timings),
                "status": status,
            }
        )
    return sorted(results, key=lambda r: -r["ms"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=1000.0, help="ms")
    parser.add_argument("--top", type=int, default=15, help="rows printed")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        sys.exit("Set DATABASE_URL to the seeded PostgreSQL database")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    results = measure(runs=args.runs)
    print(f"{'changelist':<40} {'rows':>10} {'median ms':>10}  status")
    for row in results[: args.top]:
        print(f"{row['admin']:<40} {row['rows']:>10,} {row['ms']:>10.0f}  {row['status']}")
    print(f"... {len(results)} changelists in all")
    over = [r for r in results if r["ms"] > args.limit or r["status"] != 200]
    for row in over:
        print(f"over the limit: {row['admin']} {row['ms']:.0f} ms, HTTP {row['status']}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
