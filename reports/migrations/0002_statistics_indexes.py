"""The indexes the yearly statistics' counts need (R40; bench/statistics_bench.py): each count
reads one year of its table by a moment that no other index leads with. Partial, so that they
hold only the rows a count can reach. Written as SQL here, on the other apps' tables, because
these apps never read the statistics; SQLite and PostgreSQL both take them."""

from django.db import migrations

INDEXES = [
    # documents filed in the year (整理)
    (
        "statistics_document_filed_idx",
        "documents_document (filed_at) WHERE filed_at IS NOT NULL",
    ),
    # loans handed out in the year
    (
        "statistics_loan_handed_out_idx",
        "lending_loan (handed_out_at) WHERE handed_out_at IS NOT NULL",
    ),
    # sections closed by a move-out in the year
    (
        "statistics_occupancy_moved_out_idx",
        "customers_occupancy (moved_out) WHERE status = 'moved_out'",
    ),
    # whether a complaint has its return visit: an index-only lookup per complaint counted
    (
        "statistics_visit_return_idx",
        "records_visit (complaint_id) WHERE kind = 'return_visit'",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("customers", "0007_event_kinds_registered"),
        ("documents", "0003_document_lost"),
        ("lending", "0003_loan_out_due_idx"),
        ("records", "0004_canonical_contractor_phone"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
