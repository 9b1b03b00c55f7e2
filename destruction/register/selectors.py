"""What the register's downloads read: a batch's items in the register's order, and whether
any of them is confidential (its download is then logged, R21)."""

from ..models import Batch, BatchItem

CONFIDENTIAL = ("A", "B")


def register_items(batch: Batch):
    """Every item of ``batch``, destroyed or not, in the printed register's order."""
    return (
        BatchItem.objects.filter(batch=batch)
        .select_related("engineering_by")
        .order_by("archive_number", "document_date", "pk")
    )
