"""The batch pages (R33–R39): each page for its role, the forms through the services (the
stored state asserted), refusals shown with the input kept, constant queries, and the titles
of documents the reader may not see kept off the page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role
from customers.permissions import grant_dossier
from destruction.models import Batch, BatchItem, Decision, Hold, Method, RetentionRule, Witness
from documents.models import DocumentCategory

from ..factories import user_with_role
from . import factories as f

pytestmark = pytest.mark.django_db
S = Batch.Status


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response


def _detail(batch):
    return reverse("destruction:batch_detail", args=[batch.pk])


def _move(name, batch):
    return reverse(f"destruction:batch_{name}", args=[batch.pk])


def _item(name, item):
    return reverse(f"destruction:item_{name}", args=[item.batch_id, item.pk])


# --- The due list and opening a batch -------------------------------------------------------
def test_the_due_list_shows_what_is_due_and_nothing_held_or_in_a_batch__R39(client):
    free, held, taken = f.due_documents(3)
    Hold.objects.create(dossier=held.dossier, document=held, reason="诉讼中", placed_by=f.manager())
    f.opened([taken], decision=None)
    page = _page(client, f.archivist(), reverse("destruction:due_list"))
    rows = [s.document for s in page.context["page_obj"]]
    assert rows == [free]
    assert free.title in page.content.decode() and f'value="{free.pk}"' in page.content.decode()
    _page(client, user_with_role(Role.FRONT_DESK), reverse("destruction:due_list"), status=403)


def test_the_due_list_filters_by_category_and_due_day(client):
    old = f.due_documents(1, day=datetime.date(2008, 1, 1))[0]
    newer = f.due_documents(1, code="correspondence", day=datetime.date(2012, 1, 1))[0]
    user = f.archivist()
    url = reverse("destruction:due_list")
    rows = lambda q: [s.document for s in _page(client, user, url + q).context["page_obj"]]  # noqa: E731
    assert rows("") == [old, newer]  # by due day
    category = DocumentCategory.objects.get(code="correspondence")
    assert rows(f"?category={category.pk}") == [newer]
    assert rows("?before=2019-01-01") == [old]
    assert _page(client, user, url + "?before=garbage").status_code == 200


def test_opening_a_batch_from_the_due_list_stores_it_with_its_members(client):
    docs = f.due_documents(2)
    archivist, colleague = f.archivist(), f.archivist()
    client.force_login(archivist)
    response = client.post(
        reverse("destruction:batch_open"),
        {
            "title": "2026年度鉴定",
            "documents": [d.pk for d in docs],
            "members": [colleague.pk],
            "members_note": "工程部王工",
            "note": "按保管期限表",
        },
    )
    batch = Batch.objects.get()
    assert response.status_code == 302 and response.url == _detail(batch)
    assert batch.status == S.DRAFT and batch.title == "2026年度鉴定"
    assert set(batch.members.values_list("pk", flat=True)) == {archivist.pk, colleague.pk}
    assert batch.members_note == "工程部王工" and batch.appraisal_note == "按保管期限表"
    assert set(batch.items.values_list("document_id", flat=True)) == {d.pk for d in docs}


def test_a_refused_batch_shows_why_and_keeps_the_input(client):
    doc = f.due_documents(1)[0]
    other = f.opened([doc], decision=None)
    client.force_login(f.archivist())
    response = client.post(
        reverse("destruction:batch_open"),
        {"title": "第二批", "documents": [doc.pk], "members_note": "王工"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"already in batch {other.number}" in body
    assert 'value="第二批"' in body and 'value="王工"' in body
    assert Batch.objects.count() == 1
    # nothing ticked: the error on the page, no batch
    response = client.post(reverse("destruction:batch_open"), {"title": "空"})
    assert (
        response.status_code == 200 and 'data-testid="documents-error"' in response.content.decode()
    )


def test_post_only_urls_refuse_get(client):
    batch = f.opened(f.due_documents(1), decision=None)
    item = batch.items.get()
    client.force_login(f.archivist())
    urls = [reverse("destruction:batch_open")]
    urls += [
        _move(n, batch)
        for n in ("submit", "approve", "send_back", "withdraw", "schedule", "execute", "resume")
    ]
    urls += [_item(n, item) for n in ("decide", "opinion", "remove")]
    for url in urls:
        assert client.get(url).status_code == 405, url


# --- Appraisal ------------------------------------------------------------------------------
def test_deciding_items_through_the_page__R34(client):
    a, b, c = f.due_documents(3)
    batch = f.opened([a, b, c], decision=None)
    items = {i.document_id: i for i in batch.items.all()}
    client.force_login(batch.created_by)
    page = client.get(_detail(batch)).content.decode()
    assert f'data-testid="decide-form-{items[a.pk].pk}"' in page
    p = lambda i: f"item{i.pk}"  # noqa: E731
    client.post(_item("decide", items[a.pk]), {f"{p(items[a.pk])}-choice": "destroy"})
    client.post(
        _item("decide", items[b.pk]),
        {f"{p(items[b.pk])}-choice": "keep_years", f"{p(items[b.pk])}-keep_years": "5"},
    )
    client.post(
        _item("decide", items[c.pk]),
        {f"{p(items[c.pk])}-choice": "undecided", f"{p(items[c.pk])}-note": "价值待定"},
    )
    stored = {i.document_id: i for i in BatchItem.objects.filter(batch=batch)}
    assert stored[a.pk].decision == Decision.DESTROY
    assert stored[b.pk].decision == Decision.KEEP and stored[b.pk].keep_years == 5
    assert stored[c.pk].decision == Decision.UNDECIDED and stored[c.pk].decision_note == "价值待定"
    # keep for some years without the years: the error beside the field, nothing stored
    item = items[a.pk]
    response = client.post(_item("decide", item), {f"{p(item)}-choice": "keep_years"})
    assert response.status_code == 200
    assert "Say for how many years it is kept." in response.content.decode()
    assert BatchItem.objects.get(pk=item.pk).decision == Decision.DESTROY
    # taken out
    client.post(_item("remove", items[c.pk]))
    assert BatchItem.objects.get(pk=items[c.pk].pk).state == BatchItem.State.BLOCKED


def test_a_technical_record_waits_for_the_engineering_opinion__R35(client):
    RetentionRule.objects.create(
        name="工程资料",
        category=DocumentCategory.objects.get(code="other"),
        years=5,
        technical=True,
    )
    doc = f.due_documents(1)[0]
    batch = f.opened([doc], decision=None)
    item = batch.items.get()
    assert item.technical
    client.force_login(batch.created_by)
    response = client.post(_item("decide", item), {f"item{item.pk}-choice": "destroy"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "engineering department&#x27;s opinion first" in body
    assert BatchItem.objects.get(pk=item.pk).decision == Decision.PENDING
    # the engineer's queue, then the opinion through the page
    engineer = user_with_role(Role.ENGINEERING)
    # the role reads no dossier: a level-C item's line is open to it all the same
    queue = _page(client, engineer, reverse("destruction:engineering_queue"))
    assert list(queue.context["page_obj"]) == [item] and doc.title in queue.content.decode()
    page = _page(client, engineer, _detail(batch)).content.decode()
    assert f'data-testid="opinion-form-{item.pk}"' in page
    assert f'data-testid="decide-form-{item.pk}"' not in page
    response = client.post(_item("opinion", item), {f"item{item.pk}-opinion": "无保存价值"})
    assert response.status_code == 302
    stored = BatchItem.objects.get(pk=item.pk)
    assert stored.engineering_opinion == "无保存价值" and stored.engineering_by == engineer
    assert not list(
        _page(client, engineer, reverse("destruction:engineering_queue")).context["page_obj"]
    )
    _page(client, f.archivist(), reverse("destruction:engineering_queue"), status=403)


# --- Submission, approval, sending back, withdrawal -----------------------------------------
def test_submit_and_approve_through_the_pages__R33(client):
    batch = f.opened(f.due_documents(2))
    client.force_login(batch.created_by)
    assert 'data-testid="move-submit"' in client.get(_detail(batch)).content.decode()
    assert client.post(_move("submit", batch)).status_code == 302
    batch.refresh_from_db()
    assert batch.status == S.SUBMITTED
    # the opener may not approve: no right
    assert client.post(_move("approve", batch), {"approve-note": "同意"}).status_code == 403
    manager = f.manager()
    queue = _page(client, manager, reverse("destruction:approval_queue"))
    assert list(queue.context["page_obj"]) == [batch]
    page = _page(client, manager, _detail(batch)).content.decode()
    assert 'data-testid="move-approve"' in page and 'data-testid="move-send_back"' in page
    response = client.post(_move("approve", batch), {"approve-note": "同意销毁"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == S.APPROVED and batch.approved_by == manager
    assert batch.approval_note == "同意销毁" and batch.executable_from
    _page(client, f.archivist(), reverse("destruction:approval_queue"), status=403)


def test_a_manager_who_sat_in_the_appraisal_is_refused_with_the_reason__R33(client):
    manager = f.manager()
    batch = f.opened(f.due_documents(1))
    batch.members.add(manager)
    f.batches.batch_submit(batch=batch, actor=batch.created_by)
    client.force_login(manager)
    assert 'data-testid="move-approve"' not in client.get(_detail(batch)).content.decode()
    response = client.post(_move("approve", batch), {"approve-note": "我来批"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="refusal"' in body and "whose appraisal you sat in" in body
    assert Batch.objects.get(pk=batch.pk).status == S.SUBMITTED


def test_submitting_undecided_items_is_refused_on_the_page(client):
    batch = f.opened(f.due_documents(2), decision=None)
    client.force_login(batch.created_by)
    response = client.post(_move("submit", batch))
    assert response.status_code == 200
    assert "Decide every item first: 2 are not decided." in response.content.decode()
    assert Batch.objects.get(pk=batch.pk).status == S.DRAFT


def test_send_back_needs_a_reason_then_goes_back(client):
    batch = f.opened(f.due_documents(1))
    f.batches.batch_submit(batch=batch, actor=batch.created_by)
    client.force_login(f.manager())
    response = client.post(_move("send_back", batch), {"send_back-note": ""})
    assert response.status_code == 200 and "note" in response.context["forms"]["send_back"].errors
    assert Batch.objects.get(pk=batch.pk).status == S.SUBMITTED
    client.post(_move("send_back", batch), {"send_back-note": "补充鉴定意见"})
    assert Batch.objects.get(pk=batch.pk).status == S.DRAFT


def test_withdraw_with_a_reason(client):
    batch = f.approved(f.due_documents(1))
    client.force_login(f.manager())
    client.post(_move("withdraw", batch), {"withdraw-note": "有诉讼"})
    batch.refresh_from_db()
    assert batch.status == S.WITHDRAWN and batch.withdraw_reason == "有诉讼"
    assert not BatchItem.objects.filter(batch=batch, open=True).exists()


# --- Planning and destroying ----------------------------------------------------------------
def test_the_head_plans_with_two_witnesses__R37(client):
    batch = f.approved(f.due_documents(1))
    head, one, two = f.head(), f.witness(), f.witness()
    client.force_login(head)
    page = client.get(_detail(batch))
    offered = set(page.context["forms"]["schedule"].fields["witnesses"].queryset)
    assert {one, two} <= offered and head not in offered
    data = {
        "schedule-planned_on": "2026-06-10",
        "schedule-method": Method.SHRED,
        "schedule-place": "公司档案室",
        "schedule-witnesses": [one.pk],
    }
    response = client.post(_move("schedule", batch), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Name at least 2 different witnesses." in body and 'value="公司档案室"' in body
    assert not Batch.objects.get(pk=batch.pk).planned_on
    response = client.post(
        _move("schedule", batch), {**data, "schedule-witnesses": [one.pk, two.pk]}
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.planned_on == datetime.date(2026, 6, 10) and batch.method == Method.SHRED
    assert set(Witness.objects.filter(batch=batch).values_list("user_id", flat=True)) == {
        one.pk,
        two.pk,
    }
    queue = _page(client, one, reverse("destruction:witness_queue"))
    assert list(queue.context["page_obj"]) == [batch]
    assert not list(
        _page(client, f.witness(), reverse("destruction:witness_queue")).context["page_obj"]
    )


def test_execute_with_a_wrong_password_shows_it_beside_that_witness__R37(
    client, django_capture_on_commit_callbacks
):
    batch = f.approved(f.due_documents(2))
    batch, head, (one, two) = f.scheduled(batch)
    client.force_login(head)
    # in the waiting period: refused with the reason
    response = client.post(
        _move("execute", batch),
        {f"execute-password_{one.pk}": f.PASSWORD, f"execute-password_{two.pk}": f.PASSWORD},
    )
    assert (
        response.status_code == 200 and "The waiting period runs until" in response.content.decode()
    )
    with f.after_waiting():
        client.force_login(head)  # eight days on: a new session
        page = client.get(_detail(batch)).content.decode()
        assert (
            f'name="execute-password_{one.pk}"' in page
            and f'name="execute-password_{two.pk}"' in page
        )
        response = client.post(
            _move("execute", batch),
            {f"execute-password_{one.pk}": f.PASSWORD, f"execute-password_{two.pk}": "wrong"},
        )
        assert response.status_code == 200
        form = response.context["forms"]["execute"]
        assert form.errors == {f"password_{two.pk}": [f"The password of {two} is wrong."]}
        assert Batch.objects.get(pk=batch.pk).status == S.APPROVED
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                _move("execute", batch),
                {
                    f"execute-password_{one.pk}": f.PASSWORD,
                    f"execute-password_{two.pk}": f.PASSWORD,
                },
            )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == S.COMPLETED and batch.executed_by == head and batch.register_sha256
    assert BatchItem.objects.filter(batch=batch, state="destroyed").count() == 2
    assert Witness.objects.filter(batch=batch, confirmed_at__isnull=False).count() == 2


# --- Who sees what --------------------------------------------------------------------------
def test_each_list_renders_for_its_role(client):
    batch = f.opened(f.due_documents(1))
    _page(client, user_with_role(Role.EXECUTIVE), reverse("destruction:batch_list"))
    page = _page(client, f.archivist(), reverse("destruction:batch_list") + "?status=draft")
    assert list(page.context["page_obj"]) == [batch] and batch.number in page.content.decode()
    assert not list(
        _page(
            client, f.archivist(), reverse("destruction:batch_list") + "?status=completed"
        ).context["page_obj"]
    )
    _page(client, user_with_role(Role.FRONT_DESK), reverse("destruction:batch_list"), status=403)
    _page(client, user_with_role(Role.FRONT_DESK), _detail(batch), status=403)
    _page(client, f.witness(), reverse("destruction:witness_queue"))
    _page(client, f.archivist(), reverse("destruction:witness_queue"), status=403)


def test_a_confidential_title_is_not_shown_to_who_may_not_see_it__R21(client):
    secret = f.due_documents(1, title="机密工程图纸", secrecy_level="A")[0]
    plain = f.due_documents(1, title="普通资料")[0]
    archivist = f.archivist()
    grant_dossier(archivist, secret.dossier)
    batch = f.opened([secret, plain], by=archivist, decision=None)
    item = batch.items.get(document=secret)
    executive = user_with_role(Role.EXECUTIVE)
    body = _page(client, executive, _detail(batch)).content.decode()
    assert "机密工程图纸" not in body and "普通资料" in body
    assert f'data-testid="item-hidden-{item.pk}"' in body
    assert (item.reference or item.archive_number) in body
    before = AccessLog.objects.filter(user=archivist, action=AccessLog.Action.VIEW).count()
    body = _page(client, archivist, _detail(batch)).content.decode()
    assert "机密工程图纸" in body
    assert AccessLog.objects.filter(user=archivist, action=AccessLog.Action.VIEW).count() > before


# --- Constant queries -----------------------------------------------------------------------
def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_due_list_runs_constant_queries(client, django_assert_max_num_queries):
    f.due_documents(5)
    user = f.archivist()
    client.force_login(user)
    url = reverse("destruction:due_list")
    _count(client, url)
    few = _count(client, url)
    f.due_documents(45)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 25


def test_the_batch_list_runs_constant_queries(client, django_assert_max_num_queries):
    archivist = f.archivist()
    docs = f.due_documents(50)
    for d in docs[:5]:
        f.opened([d], by=archivist, decision=None)
    client.force_login(archivist)
    url = reverse("destruction:batch_list")
    _count(client, url)
    few = _count(client, url)
    for d in docs[5:]:
        f.opened([d], by=archivist, decision=None)
    with django_assert_max_num_queries(few):
        client.get(url)
    for name in ("approval_queue",):
        client.force_login(f.manager())
        _count(client, reverse(f"destruction:{name}"))


@pytest.mark.parametrize("who", ["archivist", "manager"])
def test_the_batch_page_runs_constant_queries(client, django_assert_max_num_queries, who):
    archivist = f.archivist()
    small = f.opened(f.due_documents(5), by=archivist)
    large = f.opened(f.due_documents(50), by=archivist)
    user = archivist if who == "archivist" else f.manager()
    client.force_login(user)
    _count(client, _detail(small))
    few = _count(client, _detail(small))
    with django_assert_max_num_queries(few):
        response = client.get(_detail(large))
    assert len(response.context["items"]) == 50
