"""What the archive holds elsewhere keeps a document out of destruction: a legal hold, a loan, a
handover, copies still out. Refused at opening; after approval, the item leaves the batch at
execution with its reason, never silently; lifting a hold destroys nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.test import TestCase

from core.roles import Role
from core.workflow import DomainError
from destruction.execution import services as execution
from destruction.holds import services as holds
from destruction.models import Batch, BatchItem, Hold
from documents.models import Document, Handover, HandoverItem
from lending.models import CopyRecord

from ..factories import notified, said, told, user_with_role
from ..lending.factories import loan_in
from . import factories as f

pytestmark = pytest.mark.django_db


def _hold(dossier, document=None, reason="诉讼中：(2026)沪0115民初123号"):
    return holds.hold_place(dossier=dossier, document=document, reason=reason, actor=f.manager())


def _handover(document):
    handover = Handover.objects.create(
        service_centre=document.dossier.unit.building.estate.service_centre,
        period="2026H1",
        prepared_by=user_with_role(Role.FRONT_DESK),
    )
    return HandoverItem.objects.create(handover=handover, document=document)


def _copy_out(document):
    loan = loan_in(documents=[document])
    Document.objects.filter(pk=document.pk).update(status=Document.Status.RECEIVED)
    loan.items.update(out=False)
    return CopyRecord.objects.create(
        loan=loan,
        document=document,
        count=1,
        holder_name="王律师",
        purpose="诉讼",
        personal_data=True,
        status=CopyRecord.Status.HELD,
        made_by=user_with_role(Role.ARCHIVIST),
    )


ELSEWHERE = {
    "hold_document": (lambda d: _hold(d.dossier, d), "under a legal hold"),
    "hold_dossier": (lambda d: _hold(d.dossier), "under a legal hold"),
    "on_loan": (lambda d: loan_in(documents=[d]), "on loan"),
    "in_handover": (_handover, "in a handover"),
    "copies_out": (_copy_out, "copies of it are still out"),
}


@pytest.mark.parametrize("what", sorted(ELSEWHERE))
def test_a_document_held_elsewhere_is_refused_at_opening__R33(what):
    make, reason = ELSEWHERE[what]
    docs = f.due_documents(2)
    make(Document.objects.get(pk=docs[0].pk))
    with pytest.raises(DomainError, match=reason):
        f.opened(docs)
    assert not Batch.objects.exists() and not BatchItem.objects.exists()


@pytest.mark.parametrize("what", sorted(ELSEWHERE))
def test_a_document_held_elsewhere_after_approval_leaves_at_execution_with_its_reason__R33(what):
    make, reason = ELSEWHERE[what]
    docs = f.due_documents(1, files=True) + f.due_documents(1, files=True)  # two dossiers
    names = f.file_names(docs)
    by = f.archivist()
    batch, head, witnesses = f.scheduled(f.approved(docs, by=by))
    make(Document.objects.get(pk=docs[0].pk))
    with f.after_waiting(), TestCase.captureOnCommitCallbacks(execute=True):
        execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    left = BatchItem.objects.get(batch=batch, document=docs[0])
    assert left.state == BatchItem.State.BLOCKED and not left.open
    assert reason in left.blocked_reason
    assert reason in said(BatchItem.history.filter(id=left.pk).first().history_change_reason)
    assert default_storage.exists(names[0]) and not default_storage.exists(names[1])
    assert Document.objects.get(pk=docs[0].pk).status != Document.Status.DESTROYED
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.COMPLETED
    assert notified("items left destruction batch", recipient=by)


def test_a_hold_placed_after_approval_is_refused_at_approval_too__R33():
    docs = f.due_documents(2)
    batch = f.submitted(docs)
    _hold(docs[0].dossier)
    with pytest.raises(DomainError, match="legal hold"):
        from destruction.batches import services as batches

        batches.batch_approve(batch=batch, actor=f.manager())
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.SUBMITTED


def test_a_hold_tells_the_opener_of_the_batch_holding_the_item():
    docs = f.due_documents(1)
    by = f.archivist()
    head = f.head()
    f.approved(docs, by=by)
    _hold(docs[0].dossier, docs[0])
    assert {by.pk, head.pk} <= told("legal hold was placed")


def test_lifting_a_hold_destroys_nothing__R33():
    docs = f.due_documents(2, files=True)
    names = f.file_names(docs)
    hold = _hold(docs[0].dossier)
    with pytest.raises(DomainError, match="why"):
        holds.hold_lift(hold=hold, reason=" ", actor=f.manager())
    holds.hold_lift(hold=hold, reason="已结案", actor=f.manager())
    hold.refresh_from_db()
    assert not hold.active and hold.lift_reason == "已结案"
    assert {d.status for d in Document.objects.filter(pk__in=[d.pk for d in docs])} == {
        Document.Status.RECEIVED
    }
    assert all(default_storage.exists(n) for n in names)
    assert not BatchItem.objects.exists()
    with pytest.raises(DomainError, match="already been lifted"):
        holds.hold_lift(hold=hold, reason="再次", actor=f.manager())
    # free again: a new appraisal may take them
    assert f.opened(docs).items.count() == 2


def test_one_active_hold_per_target_and_only_by_those_who_may():
    docs = f.due_documents(1)
    _hold(docs[0].dossier)
    with pytest.raises(DomainError, match="already placed"):
        _hold(docs[0].dossier)
    for role in (Role.ARCHIVIST, Role.FRONT_DESK, Role.WITNESS, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            holds.hold_place(
                dossier=docs[0].dossier, reason="x", actor=user_with_role(role), document=docs[0]
            )
    assert Hold.objects.count() == 1


def test_the_legal_department_places_a_hold_on_a_dossier_it_is_granted():
    from customers.permissions import grant_dossier

    docs = f.due_documents(1)
    legal = user_with_role(Role.LEGAL)
    with pytest.raises(PermissionDenied):  # the legal department sees only what it is granted
        holds.hold_place(dossier=docs[0].dossier, reason="诉讼", actor=legal)
    grant_dossier(legal, docs[0].dossier)
    assert holds.hold_place(dossier=docs[0].dossier, reason="诉讼", actor=legal).active
