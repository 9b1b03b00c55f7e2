"""Two people acting on the same documents or batch at once (PostgreSQL): one batch holds a
document, one execution destroys each document once."""

import os

import pytest

from core.workflow import DomainError
from destruction.batches import services as batches
from destruction.execution import services as execution
from destruction.models import Batch, BatchItem
from documents.models import Document
from tests.races import race

from . import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_archivists_opening_batches_with_the_same_document_at_once_one_wins__R33():
    docs = f.due_documents(2)
    one, two = f.archivist(), f.archivist()
    results = race(
        lambda: batches.batch_open(title="甲", documents=docs, actor=one),
        lambda: batches.batch_open(title="乙", documents=docs, actor=two),
    )
    won = [r for r in results if isinstance(r, Batch)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert BatchItem.objects.filter(open=True).count() == 2
    assert set(BatchItem.objects.values_list("batch", flat=True)) == {won[0].pk}


def test_two_executions_of_one_batch_at_once_destroy_each_document_once__R36(settings):
    settings.DESTRUCTION_CHUNK_SIZE = 1
    docs = f.due_documents(4, files=True)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    with f.after_waiting():
        results = race(
            *[
                lambda: execution.batch_execute(
                    batch=batch, actor=head, passwords=f.passwords(witnesses)
                )
                for _ in range(2)
            ]
        )
    # the loser is refused (the batch is being destroyed already); the winner's task ran
    assert len([r for r in results if isinstance(r, Batch)]) == 1, results
    assert len([r for r in results if isinstance(r, DomainError)]) == 1, results
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.COMPLETED
    for document in docs:
        assert Document.history.filter(id=document.pk, status="destroyed").count() == 1


def test_two_runs_of_the_task_at_once_destroy_each_document_once__R36(settings, monkeypatch):
    settings.DESTRUCTION_CHUNK_SIZE = 1
    docs = f.due_documents(6, files=True)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    monkeypatch.setattr("destruction.execution.services.enqueue_on_commit", lambda *a, **k: None)
    with f.after_waiting():
        execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.EXECUTING
    results = race(
        lambda: execution.execution_run(batch_id=batch.pk),
        lambda: execution.execution_run(batch_id=batch.pk),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["chunks_items"] for r in results) == 6
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.COMPLETED
    for document in docs:
        assert Document.history.filter(id=document.pk, status="destroyed").count() == 1
    assert Batch.history.filter(id=batch.pk, status="completed").count() == 1


def test_a_hold_placed_while_the_task_runs_is_seen_by_the_next_chunk(settings, monkeypatch):
    from destruction.holds.services import hold_place

    settings.DESTRUCTION_CHUNK_SIZE = 1
    docs = f.due_documents(1) + f.due_documents(1)  # two dossiers
    batch, head, witnesses = f.scheduled(f.approved(docs))
    real = execution._destroy_chunk
    calls = {"n": 0}

    def chunk_then_hold(batch_id, size):
        done = real(batch_id, size)
        calls["n"] += 1
        if calls["n"] == 1:  # between two chunks, someone places a hold on the second
            hold_place(dossier=docs[1].dossier, reason="诉讼", actor=f.manager())
        return done

    monkeypatch.setattr(execution, "_destroy_chunk", chunk_then_hold)
    with f.after_waiting():
        execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    held = BatchItem.objects.get(batch=batch, document=docs[1])
    assert held.state == BatchItem.State.BLOCKED and "legal hold" in held.blocked_reason
    assert Document.objects.get(pk=docs[1].pk).status != Document.Status.DESTROYED
    assert Document.objects.get(pk=docs[0].pk).status == Document.Status.DESTROYED
