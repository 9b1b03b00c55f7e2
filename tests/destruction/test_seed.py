"""``seed_demo_destruction``: a batch being appraised, one awaiting approval, one completed
with its papers destroyed, and a legal hold, through the services; the policy stays on."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from destruction.models import Batch, BatchItem, Hold, Policy
from documents.models import Document

pytestmark = pytest.mark.django_db(transaction=True)


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def _data_of_the_migrations():
    """The rows of the data migrations, which a transactional test before this one flushed."""
    import importlib

    from django.apps import apps

    from destruction.models import RetentionRule

    from ..documents.factories import category
    from ..lending.factories import default_rules

    category()
    default_rules()
    if not RetentionRule.objects.exists():
        importlib.import_module("destruction.migrations.0002_default_schedule").forwards(apps, None)


def test_demo_destruction_shows_every_state(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    _data_of_the_migrations()
    for command, options in (
        ("create_demo_users", {}),
        ("seed_demo", {"units": 40}),
        ("seed_demo_documents", {"if_empty": True}),
        ("seed_demo_destruction", {"if_empty": True}),
    ):
        call_command(command, stdout=_Quiet(), stderr=_Quiet(), **options)
    S = Batch.Status
    statuses = set(Batch.objects.values_list("status", flat=True))
    assert {S.DRAFT, S.SUBMITTED, S.COMPLETED} <= statuses
    completed = Batch.objects.get(status=S.COMPLETED)
    destroyed = BatchItem.objects.filter(batch=completed, state=BatchItem.State.DESTROYED)
    assert destroyed.exists() and completed.register_sha256
    ids = list(destroyed.values_list("document_id", flat=True))
    assert set(Document.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "destroyed"
    }
    assert Hold.objects.filter(lifted_at__isnull=True).exists()
    policy = Policy.current()
    assert (policy.customer_files_permanent, policy.waiting_days) == (True, 7)
    # again: nothing more
    before = Batch.objects.count()
    call_command("seed_demo_destruction", if_empty=True, stdout=_Quiet())
    assert Batch.objects.count() == before


def test_demo_destruction_is_refused_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_destruction")
