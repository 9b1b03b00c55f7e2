"""Seeding for ``bench/run``: one PostgreSQL database per size, filled like production.

At 100,000 units: the units, dossiers, customers, sections and contacts of ``seed_demo`` (with
their history rows), 24 monthly charges per dossier with their payments, 1,000,000 timeline
lines, 50,000 complaints with their return visits, deposits, renovations and applications
(``records_bench``), and three documents per dossier (``lending_bench``). A smaller ``units``
gets the records in the same proportion. Everything goes in with ``bulk_create``; then every
history table that is still empty is filled in one ``INSERT … SELECT`` per table: a ``+`` row
for every record, dated when it was recorded, and a ``~`` row for every record closed since
(``locked``), as the services write them. A database already seeded is reused as it is.
"""

import time

import lending_bench
import records_bench

# What records_bench seeds at 100,000 units; a smaller database gets the same share per unit.
PER_100K = {
    "EVENTS": 1_000_000,
    "BIG_DOSSIER_EVENTS": 5_000,
    "COMPLAINTS": 50_000,
    "DEPOSITS": 8_000,
    "RENOVATIONS": 3_000,
    "APPLICATIONS": 6_000,
}
# Records written closed from the start: their one history row is the "+".
CREATED_LOCKED = {"payment", "visit"}
RECEIVED_SHARE = 50  # one document in this many still waits to be filed


def scale_records(units):
    """Set records_bench's counts for ``units`` (they are module constants there)."""
    for name, value in PER_100K.items():
        setattr(records_bench, name, max(1, value * units // 100_000))
    records_bench.BIG_DOSSIER_EVENTS = min(PER_100K["BIG_DOSSIER_EVENTS"], records_bench.EVENTS)


def _columns(cursor, table):
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
    )
    return {row[0] for row in cursor.fetchall()}


def _select(columns, kind, moment, where):
    """The SELECT of one kind of history row (``+`` or ``~``) from the record's table."""
    source, shared, mine, rest, values = columns
    picked = [f'"{c}"' for c in shared]
    for c, v in values.items():
        if c in mine:
            picked.append({"history_date": moment, "history_type": f"'{kind}'"}.get(c, v))
    picked += ["NULL"] * len(rest)
    return f'SELECT {", ".join(picked)} FROM "{source}"{where}'  # noqa: S608


def fill_history():
    """One ``+`` row per record in every empty history table, and a ``~`` per locked record."""
    from django.apps import apps
    from django.db import connection, transaction
    from simple_history.models import HistoricalChanges

    added = {}
    for model in apps.get_models():
        if not issubclass(model, HistoricalChanges) or not hasattr(model, "instance_type"):
            continue
        base = model.instance_type
        table, source = model._meta.db_table, base._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608
            if cursor.fetchone()[0]:
                continue
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{source}")')  # noqa: S608
            if not cursor.fetchone()[0]:
                continue
            mine, theirs = _columns(cursor, table), _columns(cursor, source)
        shared = sorted((mine & theirs) - {"history_id"})
        when = next(
            (c for c in ("recorded_at", "created_at", "opened_at", "joined_at") if c in theirs),
            None,
        )
        date = f'"{when}"' if when else "now()"
        user = '"recorded_by_id"' if "recorded_by_id" in theirs else "NULL"
        extra = sorted(mine - theirs - {"history_id"})
        values = {
            "history_date": None,
            "history_type": None,
            "history_user_id": user,
            "history_change_reason": "NULL",
        }
        rest = [c for c in extra if c not in values]
        names = [*shared, *[c for c in values if c in mine], *rest]
        quoted = ", ".join(f'"{c}"' for c in names)

        columns = (source, shared, mine, rest, values)
        parts = [_select(columns, "+", date, "")]
        if "locked" in theirs and base._meta.model_name not in CREATED_LOCKED:
            later = f"{date} + interval '1 day'"
            parts.append(_select(columns, "~", later, ' WHERE "locked"'))
        with transaction.atomic(), connection.cursor() as cursor:
            total = 0
            for part in parts:
                cursor.execute(f'INSERT INTO "{table}" ({quoted}) {part}')  # noqa: S608
                total += cursor.rowcount
        added[table] = total
    return added


def seed_documents(user):
    """Three documents per dossier (``lending_bench``); one in fifty still to be filed."""
    from django.db import connection

    from customers.models import Dossier
    from documents.models import Document

    if Document.objects.exists():
        return
    ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
    lending_bench.seed_documents(ids, user)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Document._meta.db_table} SET status = %s WHERE id %% %s = 0",  # noqa: S608
            [Document.Status.RECEIVED, RECEIVED_SHARE],
        )


def seed(units):
    """Seed the database of DATABASE_URL up to ``units`` dossiers with everything; returns
    the table sizes."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from customers.models import Dossier

    started = time.perf_counter()
    scale_records(units)
    call_command("migrate", verbosity=0, interactive=False)
    have = Dossier.objects.count()
    if have < units:
        print(f"Seeding {units - have} units with their history...", flush=True)
        call_command("seed_demo", units=units - have)
    today = timezone.localdate()
    manager = records_bench.manager_user()
    user = records_bench.front_desk_user()
    big = records_bench.big_dossier()
    dossiers = records_bench._dossiers()
    records_bench.seed_charges(dossiers, today, user)
    records_bench.seed_events(dossiers, big, user, today)
    records_bench.seed_complaints(dossiers, big, user, manager, today)
    records_bench.seed_approvals(dossiers, big, user, manager, today)
    seed_documents(user)
    added = fill_history()
    if added:
        print(f"History rows: {sum(added.values())} in {len(added)} tables.", flush=True)
    with connection.cursor() as cursor:  # the steady state autovacuum keeps
        cursor.execute("VACUUM ANALYZE")
    print(f"Seeded in {time.perf_counter() - started:.0f} s.", flush=True)
    return sizes()


def sizes():
    """Rows of the tables the figures depend on, and of every history table together."""
    from django.apps import apps
    from django.db import connection
    from simple_history.models import HistoricalChanges

    labels = {
        "units": "customers_unit",
        "dossiers": "customers_dossier",
        "customers": "customers_customer",
        "sections": "customers_occupancy",
        "timeline lines": "customers_dossierevent",
        "charges": "records_charge",
        "payments": "records_payment",
        "complaints": "records_complaint",
        "visits": "records_visit",
        "documents": "documents_document",
    }
    history = [
        m._meta.db_table
        for m in apps.get_models()
        if issubclass(m, HistoricalChanges) and hasattr(m, "instance_type")
    ]
    result = {}
    with connection.cursor() as cursor:
        for label, table in labels.items():
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            result[label] = cursor.fetchone()[0]
        total = 0
        for table in history:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            total += cursor.fetchone()[0]
        result["history rows"] = total
        cursor.execute("SELECT pg_database_size(current_database())")
        result["database bytes"] = cursor.fetchone()[0]
    return result
