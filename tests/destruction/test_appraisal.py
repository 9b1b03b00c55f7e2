"""The appraisal (R33–R35, R39 at opening): who approves, what nothing approved leaves alone,
undecided and kept items coming back later, the engineering opinion, permanent items kept out,
and the history and notifications of each step."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from core.choices import Retention
from core.roles import Role
from core.workflow import DomainError
from destruction.batches import services as batches
from destruction.execution import services as execution
from destruction.models import Batch, BatchItem, Decision, Policy, RetentionRule, RetentionState
from documents.models import Document

from ..documents.factories import category, document_for
from ..factories import UserFactory, notified, said, told, user_with_role
from . import factories as f

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY0 = datetime.date(2026, 3, 2)


def _at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=SH)


def _statuses(documents):
    return set(
        Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("status", flat=True)
    )


# --- R33: nothing destroyed without appraisal and a manager's approval ----------------------
@pytest.mark.parametrize("stage", ["draft", "submitted"])
def test_a_batch_not_approved_cannot_be_executed__R33(stage):
    docs = f.due_documents(2, files=True)
    names = f.file_names(docs)
    batch = f.opened(docs) if stage == "draft" else f.submitted(docs)
    head, witnesses = f.head(), [f.witness(), f.witness()]
    with pytest.raises(DomainError):
        execution.batch_schedule(
            batch=batch,
            actor=head,
            planned_on=DAY0,
            method="shred",
            place="档案室",
            witnesses=witnesses,
        )
    with f.after_waiting(), pytest.raises(DomainError):
        execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    batch.refresh_from_db()
    assert batch.status == stage
    assert _statuses(docs) == {Document.Status.RECEIVED}
    assert all(default_storage.exists(n) for n in names)
    assert not BatchItem.objects.filter(batch=batch, state=BatchItem.State.DESTROYED).exists()


def test_the_opener_cannot_approve_the_batch_even_as_a_manager__R33():
    opener = UserFactory(roles=[Role.ARCHIVIST, Role.MANAGER])
    batch = f.submitted(f.due_documents(1), by=opener)
    with pytest.raises(DomainError, match="you opened"):
        batches.batch_approve(batch=batch, actor=opener)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SUBMITTED and batch.approved_by is None


def test_a_member_of_the_appraisal_cannot_approve_it__R33():
    member = f.manager()
    by = f.archivist()
    batch = batches.batch_open(
        title="鉴定", documents=f.due_documents(1), actor=by, members=[member]
    )
    for item in batch.items.all():
        batches.item_decide(item=item, decision=Decision.DESTROY, actor=by)
    batch = batches.batch_submit(batch=batch, actor=by)
    with pytest.raises(DomainError, match="sat in"):
        batches.batch_approve(batch=batch, actor=member)
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.SUBMITTED


def test_an_archivist_or_a_witness_cannot_approve__R33():
    batch = f.submitted(f.due_documents(1))
    for role in (Role.ARCHIVIST, Role.WITNESS, Role.ADMIN, Role.ENGINEERING):
        with pytest.raises(PermissionDenied):
            batches.batch_approve(batch=batch, actor=user_with_role(role))
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.SUBMITTED


def test_a_manager_approves_and_the_waiting_period_starts__R33():
    docs = f.due_documents(2, files=True)
    batch = f.submitted(docs)
    boss = f.manager()
    batch = batches.batch_approve(batch=batch, actor=boss, note="同意")
    assert batch.status == Batch.Status.APPROVED and batch.approved_by == boss
    assert batch.executable_from - batch.approved_at == datetime.timedelta(days=7)
    # approved, not yet executed: everything is still there
    assert _statuses(docs) == {Document.Status.RECEIVED}
    assert all(default_storage.exists(n) for n in f.file_names(docs))
    reasons = [
        (said(reason), user)
        for reason, user in Batch.history.filter(id=batch.pk).values_list(
            "history_change_reason", "history_user"
        )
    ]
    assert ("Approved", boss.pk) in reasons


def test_a_batch_is_submitted_only_when_every_item_is_decided__R33():
    docs = f.due_documents(2)
    batch = f.opened(docs, decision=None)
    with pytest.raises(DomainError, match="not decided"):
        batches.batch_submit(batch=batch, actor=batch.created_by)
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.DRAFT


def test_a_batch_sent_back_goes_to_its_opener_with_the_reason__R33():
    batch = f.submitted(f.due_documents(1))
    with pytest.raises(DomainError):
        batches.batch_send_back(batch=batch, actor=f.manager(), reason=" ")
    batch = batches.batch_send_back(batch=batch, actor=f.manager(), reason="请补充鉴定意见")
    assert batch.status == Batch.Status.DRAFT
    assert notified("请补充鉴定意见", recipient=batch.created_by)


# --- R34: undecided next year, kept for N years after N years -------------------------------
@pytest.mark.frozen_at(_at(DAY0))
def test_an_undecided_item_leaves_at_approval_and_is_due_again_a_year_later__R34(frozen_clock):
    docs = f.due_documents(2)
    by = f.archivist()
    batch = f.opened(docs, by=by, decision=None)
    first, second = batch.items.order_by("pk")
    batches.item_decide(item=first, decision=Decision.DESTROY, actor=by)
    batches.item_decide(item=second, decision=Decision.UNDECIDED, actor=by, note="价值待定")
    batch = batches.batch_submit(batch=batch, actor=by)
    batches.batch_approve(batch=batch, actor=f.manager())
    second.refresh_from_db()
    assert not second.open
    state = RetentionState.objects.get(document=docs[1])
    assert state.due_on == datetime.date(2027, 3, 2) and not state.permanent
    assert Document.objects.get(pk=docs[1].pk).status == Document.Status.RECEIVED

    frozen_clock.move_to(_at(DAY0 + datetime.timedelta(days=1)))
    with pytest.raises(DomainError, match="not due until 2 Mar 2027"):
        batches.batch_open(title="次日", documents=[docs[1]], actor=by)

    frozen_clock.move_to(_at(datetime.date(2027, 3, 2)))
    again = batches.batch_open(title="2027年度鉴定", documents=[docs[1]], actor=by)
    assert again.items.get().document_id == docs[1].pk


@pytest.mark.frozen_at(_at(DAY0))
def test_an_item_kept_five_years_is_due_after_five_years_not_before__R34(frozen_clock):
    docs = f.due_documents(1)
    by = f.archivist()
    batch = f.opened(docs, by=by, decision=None)
    with pytest.raises(DomainError, match="how many years"):
        batches.item_decide(item=batch.items.get(), decision=Decision.KEEP, actor=by)
    batches.item_decide(item=batch.items.get(), decision=Decision.KEEP, keep_years=5, actor=by)
    batch = batches.batch_submit(batch=batch, actor=by)
    batch = batches.batch_approve(batch=batch, actor=f.manager())
    assert batch.status == Batch.Status.COMPLETED  # nothing to destroy
    assert RetentionState.objects.get(document=docs[0]).due_on == datetime.date(2031, 3, 2)

    for day in (datetime.date(2027, 3, 2), datetime.date(2031, 3, 1)):
        frozen_clock.move_to(_at(day))
        with pytest.raises(DomainError, match="not due until 2 Mar 2031"):
            batches.batch_open(title="早了", documents=docs, actor=by)
    frozen_clock.move_to(_at(datetime.date(2031, 3, 2)))
    assert batches.batch_open(title="2031年度鉴定", documents=docs, actor=by).items.count() == 1


@pytest.mark.frozen_at(_at(DAY0))
def test_an_item_kept_permanently_at_appraisal_becomes_permanent__R34__R39():
    docs = f.due_documents(1)
    by = f.archivist()
    batch = f.opened(docs, by=by, decision=None)
    batches.item_decide(
        item=batch.items.get(), decision=Decision.KEEP, keep_permanently=True, actor=by
    )
    batch = batches.batch_submit(batch=batch, actor=by)
    batches.batch_approve(batch=batch, actor=f.manager())
    assert Document.objects.get(pk=docs[0].pk).retention == Retention.PERMANENT
    assert RetentionState.objects.get(document=docs[0]).permanent
    with pytest.raises(DomainError, match="kept permanently"):
        batches.batch_open(title="再鉴定", documents=docs, actor=by)


# --- R35: the engineering department's opinion on technical records -------------------------
def _technical():
    RetentionRule.objects.create(
        name="工程技术资料", category=category("other"), years=10, technical=True
    )
    return f.due_documents(2)


def test_a_technical_record_is_decided_only_after_the_engineering_opinion__R35():
    docs = _technical()
    by = f.archivist()
    batch = f.opened(docs, by=by, decision=None)
    item = batch.items.order_by("pk").first()
    assert item.technical
    with pytest.raises(DomainError, match="engineering"):
        batches.item_decide(item=item, decision=Decision.DESTROY, actor=by)
    with pytest.raises(DomainError, match="not decided"):
        batches.batch_submit(batch=batch, actor=by)
    batches.item_engineering_opinion(
        item=item, opinion="已竣工验收，无保存价值", actor=f.engineer(docs[0].dossier)
    )
    decided = batches.item_decide(item=item, decision=Decision.DESTROY, actor=by)
    assert decided.decision == Decision.DESTROY
    item.refresh_from_db()
    assert item.engineering_by is not None and item.engineering_at is not None


@pytest.mark.parametrize("role", [Role.ARCHIVIST, Role.MANAGER, Role.WITNESS, Role.ADMIN])
def test_the_engineering_opinion_only_by_the_engineering_department__R35(role):
    docs = _technical()
    from customers.permissions import grant_dossier

    batch = f.opened(docs, decision=None)
    item = batch.items.order_by("pk").first()
    with pytest.raises(PermissionDenied):
        who = user_with_role(role)
        grant_dossier(who, docs[0].dossier)  # the sight is not what is missing
        batches.item_engineering_opinion(item=item, opinion="可销毁", actor=who)
    item.refresh_from_db()
    assert item.engineering_opinion == "" and item.engineering_by is None


def test_submit_is_refused_while_a_technical_record_lacks_the_opinion__R35():
    docs = f.due_documents(2)
    batch = f.opened(docs)  # decided before the schedule named the category technical
    BatchItem.objects.filter(batch=batch, document=docs[0]).update(technical=True)
    with pytest.raises(DomainError, match="engineering opinion"):
        batches.batch_submit(batch=batch, actor=batch.created_by)
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.DRAFT


def test_the_opinion_is_given_only_while_the_batch_is_appraised__R35():
    docs = _technical()
    by, eng = f.archivist(), f.engineer(docs[0].dossier)
    batch = f.opened(docs, by=by, decision=None)
    for item in batch.items.all():
        batches.item_engineering_opinion(item=item, opinion="同意销毁", actor=eng)
        batches.item_decide(item=item, decision=Decision.DESTROY, actor=by)
    batch = batches.batch_submit(batch=batch, actor=by)
    with pytest.raises(DomainError, match="no longer being appraised"):
        batches.item_engineering_opinion(item=batch.items.first(), opinion="改", actor=eng)


# --- R39: permanent items never enter a batch -----------------------------------------------
def test_the_policy_keeps_customer_files_permanently_by_default__R39():
    policy = Policy.current()
    assert policy.customer_files_permanent is True
    assert policy.waiting_days == 7
    assert Policy._meta.get_field("customer_files_permanent").default is True


def test_a_permanent_dossiers_documents_never_enter_while_the_policy_is_on__R39():
    docs = f.due_documents(1)
    assert docs[0].dossier.retention == Retention.PERMANENT
    f.policy(customer_files_permanent=True)
    with pytest.raises(DomainError, match=r"kept permanently"):
        f.opened(docs)
    assert not BatchItem.objects.exists()


def test_a_document_kept_permanently_never_enters__R39():
    dossier = f.due_documents(1)[0].dossier
    permanent = document_for(
        dossier, code="other", document_date=datetime.date(2000, 1, 1), retention="permanent"
    )
    with pytest.raises(DomainError, match="kept permanently"):
        f.opened([permanent])
    assert not Batch.objects.exists()


def test_a_permanent_rule_keeps_its_category_out__R39():
    docs = f.due_documents(1)
    RetentionRule.objects.create(name="产权资料永久", category=category("other"), permanent=True)
    with pytest.raises(DomainError, match="kept permanently"):
        f.opened(docs)
    assert not BatchItem.objects.exists()


def test_a_document_not_yet_due_does_not_enter():
    docs = f.due_documents(1, day=datetime.date(2024, 1, 1))
    with pytest.raises(DomainError, match="not due until 1 Jan 2034"):
        f.opened(docs)


def test_a_document_sits_in_one_open_batch_at_a_time():
    docs = f.due_documents(1)
    first = f.opened(docs)
    with pytest.raises(DomainError, match=f"already in batch {first.number}"):
        f.opened(docs)


# --- History and notifications --------------------------------------------------------------
def test_each_step_writes_history_naming_the_actor_and_reason__R33():
    docs = f.due_documents(2)
    by, boss = f.archivist(), f.manager()
    batch = f.opened(docs, by=by)
    batch = batches.batch_submit(batch=batch, actor=by)
    batches.batch_approve(batch=batch, actor=boss)
    rows = list(
        Batch.history.filter(id=batch.pk)
        .order_by("history_date", "history_id")
        .values_list("history_user", "history_change_reason")
    )
    rows = [(user, said(reason)) for user, reason in rows]
    assert (by.pk, "Batch opened") in rows
    assert (by.pk, "Submitted for approval") in rows
    assert (boss.pk, "Approved") in rows
    for item in batch.items.all():
        reasons = {
            said(r)
            for r in BatchItem.history.filter(id=item.pk).values_list(
                "history_change_reason", flat=True
            )
        }
        assert {"Added to the batch", "Decision: Destroy"} <= reasons


def test_submission_tells_the_managers_and_approval_tells_the_opener_and_the_head():
    boss, other_boss = f.manager(), f.manager()
    head = f.head()
    by = f.archivist()
    batch = f.opened(f.due_documents(1), by=by)
    batch = batches.batch_submit(batch=batch, actor=by)
    awaiting = told("awaits your approval")
    assert {boss.pk, other_boss.pk} <= awaiting and by.pk not in awaiting
    batches.batch_approve(batch=batch, actor=boss)
    approved = told("is approved")
    assert {by.pk, head.pk} <= approved
