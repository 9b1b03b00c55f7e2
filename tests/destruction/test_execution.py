"""The destruction itself (R36, R37): who destroys, how, before whom; the waiting period; the
files gone only then; a crash between chunks resumed; nothing deleted; who is told."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.test import TestCase

from core.choices import Retention
from core.models import AccessLog
from core.roles import Role
from core.workflow import DomainError
from customers.models import ArchiveNumber, Dossier
from destruction import tasks
from destruction.batches import services as batches
from destruction.execution import services as execution
from destruction.models import Batch, BatchItem, Method, Witness
from documents.models import Document

from ..factories import notified, said, told, user_with_role
from . import factories as f

pytestmark = pytest.mark.django_db

S = Batch.Status


def _run(batch, by, witnesses, passwords=None):
    """Execute after the waiting period; the task runs at the commit."""
    with f.after_waiting(), TestCase.captureOnCommitCallbacks(execute=True):
        return execution.batch_execute(
            batch=batch, actor=by, passwords=passwords or f.passwords(witnesses)
        )


def _documents(docs):
    return list(Document.objects.filter(pk__in=[d.pk for d in docs]).order_by("pk"))


def _destroyed_rows(document):
    return Document.history.filter(id=document.pk, status=Document.Status.DESTROYED).count()


# --- R36: who destroys, how ---------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.ARCHIVIST, Role.MANAGER, Role.WITNESS, Role.ADMIN])
def test_only_the_holder_of_the_execute_right_destroys__R36(role):
    docs = f.due_documents(1, files=True)
    batch, _head, witnesses = f.scheduled(f.approved(docs))
    other = user_with_role(role)
    with f.after_waiting(), pytest.raises(PermissionDenied):
        execution.batch_execute(batch=batch, actor=other, passwords=f.passwords(witnesses))
    with pytest.raises(PermissionDenied):
        execution.batch_schedule(
            batch=batch,
            actor=other,
            planned_on=datetime.date.today(),
            method=Method.SHRED,
            place="档案室",
            witnesses=witnesses,
        )
    assert Batch.objects.get(pk=batch.pk).status == S.APPROVED
    assert all(default_storage.exists(n) for n in f.file_names(docs))
    assert AccessLog.objects.filter(user=other, action=AccessLog.Action.DENIED).exists()


def test_the_method_and_place_are_recorded__R36():
    batch, head, witnesses = f.executed(f.approved(f.due_documents(1)))
    assert batch.status == S.COMPLETED
    assert batch.method == Method.SHRED and batch.place == "公司档案室"
    assert batch.executed_by == head and batch.planned_on is not None
    with pytest.raises(DomainError, match="how the items are destroyed"):
        execution.batch_schedule(
            batch=f.approved(f.due_documents(1)),
            actor=head,
            planned_on=datetime.date.today(),
            method="",
            place="档案室",
            witnesses=witnesses,
        )


@pytest.mark.parametrize("level", ["B", "A"])
def test_confidential_material_is_shredded__R36(level):
    from customers.permissions import grant_dossier

    docs = f.due_documents(1, secrecy_level=level)
    by, boss, head = f.archivist(), f.manager(), f.head()
    for person in (by, boss, head):  # a confidential document is seen by those granted
        grant_dossier(person, docs[0].dossier)
    batch = f.approved(docs, by=by, approver=boss)
    witnesses = [f.witness(), f.witness()]
    for method in (Method.PULP, Method.INCINERATE):
        with pytest.raises(DomainError, match="shredded"):
            execution.batch_schedule(
                batch=batch,
                actor=head,
                planned_on=datetime.date.today(),
                method=method,
                place="外包销毁公司",
                witnesses=witnesses,
            )
    batch.refresh_from_db()
    assert batch.method == "" and not batch.witnesses.exists()
    f.scheduled(batch, by=head, witnesses=witnesses, method=Method.SHRED)


def test_paper_cannot_be_erased_an_electronic_file_can__R36():
    head, witnesses = f.head(), [f.witness(), f.witness()]
    paper = f.approved(f.due_documents(1))
    with pytest.raises(DomainError, match="cannot be erased"):
        f.scheduled(paper, by=head, witnesses=witnesses, method=Method.ERASE)
    electronic = f.approved(f.due_documents(1, carrier="electronic", files=True))
    batch, _, _ = f.scheduled(electronic, by=head, witnesses=witnesses, method=Method.ERASE)
    assert batch.method == Method.ERASE


# --- R37: the witnesses -------------------------------------------------------------------
def test_fewer_than_two_witnesses_are_refused__R37():
    batch, head = f.approved(f.due_documents(1)), f.head()
    one = f.witness()
    for named in ([], [one], [one, one]):
        with pytest.raises(DomainError, match="at least 2"):
            execution.batch_schedule(
                batch=batch,
                actor=head,
                planned_on=datetime.date.today(),
                method=Method.SHRED,
                place="档案室",
                witnesses=named,
            )
    assert not Witness.objects.filter(batch=batch).exists()


def test_fewer_than_two_confirming_witnesses_are_refused_at_execution__R37():
    batch, head, witnesses = f.scheduled(f.approved(f.due_documents(1)))
    Witness.objects.filter(batch=batch, user=witnesses[1]).update(released=True)
    with pytest.raises(DomainError, match="At least 2 witnesses"):
        _run(batch, head, witnesses)
    assert Batch.objects.get(pk=batch.pk).status == S.APPROVED


def test_the_executor_is_not_a_witness__R37():
    batch, head = f.approved(f.due_documents(1)), f.head()
    # the head also holds the witness right (a manager's group, say): still refused
    head.groups.add(*user_with_role(Role.WITNESS).groups.all())
    with pytest.raises(DomainError, match="not one of the witnesses"):
        f.scheduled(batch, by=head, witnesses=[head, f.witness()])


def test_a_witness_without_the_witness_right_is_refused__R37():
    batch, head = f.approved(f.due_documents(1)), f.head()
    with pytest.raises(DomainError, match="may not witness"):
        f.scheduled(batch, by=head, witnesses=[f.witness(), f.archivist()])
    # named, then the right taken away before the execution
    batch, head, witnesses = f.scheduled(batch, by=head)
    witnesses[0].groups.clear()
    with pytest.raises(DomainError, match="may not witness"):
        _run(batch, head, witnesses)
    assert Batch.objects.get(pk=batch.pk).status == S.APPROVED


def test_a_manager_may_witness__R37():
    boss = f.manager()
    boss.set_password(f.PASSWORD)
    boss.save()
    batch, head, witnesses = f.executed(
        f.approved(f.due_documents(1)), witnesses=[boss, f.witness()]
    )
    assert batch.status == S.COMPLETED


def test_a_wrong_password_is_refused_logged_and_nothing_moves__R37():
    docs = f.due_documents(2, files=True)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    wrong = {witnesses[0].pk: f.PASSWORD, witnesses[1].pk: "not-it"}
    with pytest.raises(execution.WrongPassword) as refused:
        _run(batch, head, witnesses, passwords=wrong)
    assert refused.value.witness == witnesses[1]
    batch.refresh_from_db()
    assert batch.status == S.APPROVED and batch.executed_by is None
    assert not Witness.objects.filter(batch=batch, confirmed_at__isnull=False).exists()
    assert all(default_storage.exists(n) for n in f.file_names(docs))
    assert {d.status for d in _documents(docs)} == {Document.Status.RECEIVED}
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED,
        content_type=ContentType.objects.get_for_model(Batch),
        object_id=str(batch.pk),
        detail__contains="wrong password",
    ).exists()


def test_five_wrong_passwords_in_a_quarter_hour_stop_the_batch__R37():
    import time_machine
    from django.utils import timezone

    batch, head, witnesses = f.scheduled(f.approved(f.due_documents(1)))
    start = timezone.now() + datetime.timedelta(days=8)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            with pytest.raises(execution.WrongPassword, match="is wrong"):
                execution.batch_execute(
                    batch=batch, actor=head, passwords={w.pk: "nope" for w in witnesses}
                )
        with pytest.raises(execution.WrongPassword, match="5 times"):
            execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
        assert Batch.objects.get(pk=batch.pk).status == S.APPROVED
        clock.shift(datetime.timedelta(minutes=16))
        with TestCase.captureOnCommitCallbacks(execute=True):
            execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    assert Batch.objects.get(pk=batch.pk).status == S.COMPLETED


def test_after_execution_each_witness_has_confirmed__R37():
    batch, head, witnesses = f.executed(f.approved(f.due_documents(2)))
    confirmed = Witness.objects.filter(batch=batch, released=False)
    assert confirmed.count() == 2
    assert all(w.confirmed_at is not None for w in confirmed)
    rows = Witness.history.filter(batch_id=batch.pk)
    witnessed = {r.history_user_id for r in rows if said(r.history_change_reason) == "Witnessed"}
    assert witnessed == {w.pk for w in witnesses}
    reason = said(Batch.history.filter(id=batch.pk, status=S.EXECUTING).get().history_change_reason)
    assert all(str(w) in reason for w in witnesses)


# --- The waiting period, the withdrawal ---------------------------------------------------
def test_inside_the_waiting_period_execution_is_refused_with_the_date__R33():
    from django.utils import timezone
    from django.utils.formats import date_format

    batch, head, witnesses = f.scheduled(f.approved(f.due_documents(1)))
    day = date_format(timezone.localtime(batch.executable_from), "DATETIME_FORMAT")
    with pytest.raises(DomainError, match=f"waiting period runs until {day}"):
        execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    assert Batch.objects.get(pk=batch.pk).status == S.APPROVED
    assert _run(batch, head, witnesses).status == S.EXECUTING
    assert Batch.objects.get(pk=batch.pk).status == S.COMPLETED


def test_a_batch_withdrawn_in_the_waiting_period_frees_its_items_and_destroys_nothing__R33():
    docs = f.due_documents(2, files=True)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    with pytest.raises(DomainError, match="why"):
        batches.batch_withdraw(batch=batch, actor=f.manager(), reason="")
    boss = f.manager()
    batch = batches.batch_withdraw(batch=batch, actor=boss, reason="业主提出异议")
    assert batch.status == S.WITHDRAWN and batch.withdraw_reason == "业主提出异议"
    assert not BatchItem.objects.filter(batch=batch, open=True).exists()
    assert {d.status for d in _documents(docs)} == {Document.Status.RECEIVED}
    assert all(default_storage.exists(n) for n in f.file_names(docs))
    with f.after_waiting(), pytest.raises(DomainError):
        execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    # the items are free: a new batch may take them
    assert f.opened(docs).items.count() == 2
    assert {w.pk for w in witnesses} <= told("业主提出异议")


def test_an_archivist_withdraws_only_while_appraising():
    by = f.archivist()
    batch = f.approved(f.due_documents(1), by=by)
    with pytest.raises(DomainError):
        batches.batch_withdraw(batch=batch, actor=by, reason="不销毁了")
    assert Batch.objects.get(pk=batch.pk).status == S.APPROVED


# --- The files: gone only then ------------------------------------------------------------
def test_the_files_go_only_with_the_execution_and_the_rows_stay__R36__R38():
    docs = f.due_documents(2, files=True)
    before = {d.pk: (d.file_name, d.file_sha256) for d in _documents(docs)}
    names = f.file_names(docs)
    assert all(n and default_storage.exists(n) for n in names)
    batch = f.approved(docs)
    assert all(default_storage.exists(n) for n in names)  # approved, not executed: kept
    batch, _, _ = f.executed(batch)
    assert batch.status == S.COMPLETED and batch.register_sha256
    assert not any(default_storage.exists(n) for n in names)
    for document in _documents(docs):
        assert document.status == Document.Status.DESTROYED
        assert not document.file
        assert (document.file_name, document.file_sha256) == before[document.pk]
        assert document.file_sha256
    for item in BatchItem.objects.filter(batch=batch):
        assert item.state == BatchItem.State.DESTROYED and not item.open
        assert item.destroyed_at and item.file_deleted_at
        assert (item.file_name, item.file_sha256) == before[item.document_id]
        assert item.title.startswith("旧资料") and item.archive_number
    assert default_storage.exists(batch.register_file.name)


def test_the_documents_of_items_that_left_keep_their_files__R36():
    from ..lending.factories import loan_in

    docs = f.due_documents(2, files=True)
    names = f.file_names(docs)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    loan_in(documents=[_documents(docs)[1]])  # lent after the approval
    _run(batch, head, witnesses)
    kept = BatchItem.objects.get(batch=batch, document=docs[1])
    assert kept.state == BatchItem.State.BLOCKED and "on loan" in kept.blocked_reason
    assert not default_storage.exists(names[0]) and default_storage.exists(names[1])
    assert Document.objects.get(pk=docs[1].pk).file.name == names[1]


# --- A crash between two chunks, resumed --------------------------------------------------
def _failing_on_call(real, n, exc=None):
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise exc or RuntimeError("the worker died")
        return real(*args, **kwargs)

    return wrapper


def test_a_crash_between_two_chunks_is_resumed_destroying_nothing_twice__R36(settings, monkeypatch):
    settings.DESTRUCTION_CHUNK_SIZE = 1
    docs = f.due_documents(3, files=True)
    names = f.file_names(docs)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    real = execution._destroy_chunk
    monkeypatch.setattr(execution, "_destroy_chunk", _failing_on_call(real, 2))
    _run(batch, head, witnesses)  # the task fails in its second chunk (logged by enqueue)

    batch.refresh_from_db()
    assert batch.status == S.EXECUTING and not batch.register_sha256
    first, second, third = BatchItem.objects.filter(batch=batch).order_by("pk")
    assert first.state == BatchItem.State.DESTROYED and not default_storage.exists(names[0])
    for item, name in ((second, names[1]), (third, names[2])):
        assert item.state == BatchItem.State.IN and item.open
        assert default_storage.exists(name)
    assert [d.status for d in _documents(docs)][1:] == [Document.Status.RECEIVED] * 2
    assert list(execution.executions_unfinished()) == [batch]

    monkeypatch.setattr(execution, "_destroy_chunk", real)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.resume_executions.apply().get() == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == S.COMPLETED and batch.register_sha256
    assert not any(default_storage.exists(n) for n in names)
    for document in _documents(docs):
        assert document.status == Document.Status.DESTROYED
        assert _destroyed_rows(document) == 1
    assert BatchItem.objects.filter(batch=batch, state=BatchItem.State.DESTROYED).count() == 3
    # a further run changes nothing
    assert execution.execution_run(batch_id=batch.pk)["chunks_items"] == 0
    assert all(_destroyed_rows(d) == 1 for d in docs)


def test_a_storage_failure_on_the_second_file_keeps_its_document_and_file__R36(
    settings, monkeypatch
):
    settings.DESTRUCTION_CHUNK_SIZE = 1
    docs = f.due_documents(2, files=True)
    names = f.file_names(docs)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    real = execution._remove_file
    monkeypatch.setattr(execution, "_remove_file", _failing_on_call(real, 2, OSError("disk")))
    _run(batch, head, witnesses)
    second = BatchItem.objects.get(batch=batch, document=docs[1])
    assert second.state == BatchItem.State.IN and default_storage.exists(names[1])
    assert Document.objects.get(pk=docs[1].pk).status == Document.Status.RECEIVED
    assert Batch.objects.get(pk=batch.pk).status == S.EXECUTING

    monkeypatch.setattr(execution, "_remove_file", real)
    execution.execution_run(batch_id=batch.pk)
    assert Batch.objects.get(pk=batch.pk).status == S.COMPLETED
    assert not default_storage.exists(names[1])
    assert all(_destroyed_rows(d) == 1 for d in docs)


def test_a_crash_after_a_files_removal_before_its_commit_is_marked_by_the_resume__R36(
    settings, monkeypatch
):
    settings.DESTRUCTION_CHUNK_SIZE = 1
    docs = f.due_documents(2, files=True)
    names = f.file_names(docs)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    real = execution._remove_file
    calls = {"n": 0}

    def remove_then_die(storage, name):
        real(storage, name)
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker died before the commit")

    monkeypatch.setattr(execution, "_remove_file", remove_then_die)
    _run(batch, head, witnesses)
    second = BatchItem.objects.get(batch=batch, document=docs[1])
    assert second.state == BatchItem.State.IN  # not marked: its transaction rolled back
    assert not default_storage.exists(names[1])  # but the file is gone
    assert Document.objects.get(pk=docs[1].pk).status == Document.Status.RECEIVED

    monkeypatch.setattr(execution, "_remove_file", real)
    with TestCase.captureOnCommitCallbacks(execute=True):
        execution.batch_resume(batch=batch, actor=head)
    second.refresh_from_db()
    assert second.state == BatchItem.State.DESTROYED and second.file_deleted_at
    assert Batch.objects.get(pk=batch.pk).status == S.COMPLETED
    assert all(_destroyed_rows(d) == 1 for d in docs)


def test_only_the_head_resumes():
    batch = f.approved(f.due_documents(1))
    with pytest.raises(PermissionDenied):
        execution.batch_resume(batch=batch, actor=f.archivist())


# --- Everything kept; who is told ---------------------------------------------------------
def test_the_flow_deletes_no_row_and_writes_history_for_every_step__R38():
    docs = f.due_documents(3, files=True)
    dossier = docs[0].dossier

    def counts():
        return {
            m: m.objects.count() for m in (Batch, BatchItem, Document, Witness, Dossier, AccessLog)
        }

    start = counts()
    batch = f.approved(docs)
    middle = counts()
    batch, head, witnesses = f.executed(batch)
    end = counts()
    assert all(middle[m] >= start[m] and end[m] >= middle[m] for m in start)
    assert end[Document] == start[Document] and end[Dossier] == start[Dossier]
    assert end[BatchItem] == 3 and end[Batch] == 1
    reasons = list(
        Batch.history.filter(id=batch.pk)
        .order_by("history_date", "history_id")
        .values_list("status", "history_user", "history_change_reason")
    )
    statuses = [r[0] for r in reasons]
    for status in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.EXECUTING, S.COMPLETED):
        assert status in statuses
    assert all(user and reason for _s, user, reason in reasons), reasons
    assert reasons[-1][1] == head.pk and said(reasons[-1][2]).startswith("Destroyed: 3 items")
    for document in docs:
        assert _destroyed_rows(document) == 1
        row = Document.history.filter(id=document.pk, status="destroyed").get()
        assert row.history_user_id == head.pk and "Destroyed in batch" in said(
            row.history_change_reason
        )
    # the dossier whose documents are all destroyed stays, with its number, never reissued
    dossier.refresh_from_db()
    assert ArchiveNumber.objects.filter(number=dossier.archive_number, dossier=dossier).exists()
    assert not Document.objects.filter(dossier=dossier).exclude(status="destroyed").exists()
    assert Document.objects.filter(dossier=dossier).count() == 3
    from customers.models import DossierEvent

    assert DossierEvent.objects.filter(dossier=dossier, kind="documents_destroyed").exists()


def test_planning_tells_the_witnesses_and_completion_tells_everyone_concerned():
    by, boss = f.archivist(), f.manager()
    batch = f.approved(f.due_documents(1), by=by, approver=boss)
    batch, head, witnesses = f.scheduled(batch)
    planned = told("You are a witness")
    assert planned == {w.pk for w in witnesses}
    _run(batch, head, witnesses)
    completed = told("is completed")
    assert {by.pk, boss.pk, *(w.pk for w in witnesses)} <= completed


def test_an_item_made_permanent_after_approval_leaves_at_execution__R39():
    docs = f.due_documents(2, files=True)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    Document.objects.filter(pk=docs[1].pk).update(retention=Retention.PERMANENT)
    _run(batch, head, witnesses)
    kept = BatchItem.objects.get(batch=batch, document=docs[1])
    assert kept.state == BatchItem.State.BLOCKED and "kept permanently" in kept.blocked_reason
    assert Document.objects.get(pk=docs[1].pk).status == Document.Status.RECEIVED
    assert Batch.objects.get(pk=batch.pk).status == S.COMPLETED
    assert notified("kept permanently", recipient=batch.created_by)


def test_the_policy_turned_on_after_approval_keeps_the_permanent_dossiers_items__R39():
    docs = f.due_documents(1)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    f.policy(customer_files_permanent=True)  # the dossier's retention is permanent
    _run(batch, head, witnesses)
    item = BatchItem.objects.get(batch=batch)
    assert item.state == BatchItem.State.BLOCKED and "kept permanently" in item.blocked_reason
    assert Document.objects.get(pk=docs[0].pk).status == Document.Status.RECEIVED
