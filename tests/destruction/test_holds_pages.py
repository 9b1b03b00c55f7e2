"""The legal holds' pages and the dossier's destruction panel: placed and lifted with their
reasons (R33), refusals shown with the input kept, lists of constant queries, and the
tombstones of destroyed documents (R38), by reference only where the reader may not see the
document."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from destruction.holds.services import hold_place
from destruction.models import Batch, BatchItem, Hold
from destruction.panels import destruction_panel
from documents.models import Document

from ..customers.factories import dossier_for
from ..documents.factories import document_for
from ..factories import user_with_role
from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = f.manager()
    client.force_login(user)
    return user


@pytest.fixture
def dossier():
    return dossier_for()


def _text(response):
    return response.content.decode()


# --- Placing --------------------------------------------------------------------------------
def test_placing_a_hold_on_one_document_is_stored_and_shown(client, manager, dossier):
    lease = document_for(dossier, code="lease", title="租赁合同（2019）")
    url = reverse("destruction:hold_place", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "租赁合同（2019）" in _text(page)
    response = client.post(url, {"document": lease.pk, "reason": "区法院调取证据"})
    assert response.status_code == 302
    assert response.url == reverse("customers:dossier_detail", args=[dossier.pk])
    hold = Hold.objects.get()
    assert (hold.dossier, hold.document, hold.reason, hold.placed_by) == (
        dossier,
        lease,
        "区法院调取证据",
        manager,
    )
    assert hold.active
    listed = client.get(reverse("destruction:hold_list"))
    assert "区法院调取证据" in _text(listed) and dossier.archive_number in _text(listed)


def test_a_whole_dossier_hold_and_a_second_one_refused_with_the_input_kept(
    client, manager, dossier
):
    url = reverse("destruction:hold_place", args=[dossier.pk])
    assert client.post(url, {"document": "", "reason": "物业纠纷诉讼"}).status_code == 302
    hold = Hold.objects.get()
    assert hold.document is None
    again = client.post(url, {"document": "", "reason": "第二次申请冻结"})
    assert again.status_code == 200
    assert "A hold is already placed on it." in _text(again)
    assert "第二次申请冻结" in _text(again)  # what was typed stays
    assert Hold.objects.count() == 1


def test_a_hold_without_reason_is_refused_beside_the_field(client, manager, dossier):
    url = reverse("destruction:hold_place", args=[dossier.pk])
    response = client.post(url, {"document": "", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    bad = client.post(url, {"document": "999999", "reason": "调查"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["document"]
    assert "调查" in _text(bad)
    assert not Hold.objects.exists()


def test_a_confidential_document_is_not_offered_nor_accepted(client, manager, dossier):
    secret = document_for(dossier, code="other", title="机密协议", secrecy_level="B")
    url = reverse("destruction:hold_place", args=[dossier.pk])
    assert "机密协议" not in _text(client.get(url))
    response = client.post(url, {"document": secret.pk, "reason": "调查"})
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    assert not Hold.objects.exists()


def test_placing_needs_the_right_and_the_dossier(client, dossier):
    client.force_login(f.archivist())
    url = reverse("destruction:hold_place", args=[dossier.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(f.manager())
    hidden = dossier_for(secrecy="B")
    assert client.get(reverse("destruction:hold_place", args=[hidden.pk])).status_code == 404
    assert not Hold.objects.exists()


# --- Lifting --------------------------------------------------------------------------------
def test_lifting_a_hold_is_stored_and_a_second_lift_is_refused(client, manager, dossier):
    hold = hold_place(dossier=dossier, reason="诉讼", actor=f.manager())
    url = reverse("destruction:hold_lift", args=[hold.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    response = client.post(url, {"reason": "案件已结案"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (manager, "案件已结案")
    assert hold.lifted_at is not None
    again = client.post(url, {"reason": "再次解除"})
    assert again.status_code == 200
    assert "This hold has already been lifted." in _text(again)
    lifted = client.get(reverse("destruction:hold_list"), {"state": "lifted"})
    assert "案件已结案" in _text(lifted)
    active = client.get(reverse("destruction:hold_list"))
    assert "案件已结案" not in _text(active)


def test_lifting_needs_the_right(client, dossier):
    hold = hold_place(dossier=dossier, reason="诉讼", actor=f.manager())
    client.force_login(user_with_role(Role.FRONT_DESK))  # sees holds, may not lift them
    url = reverse("destruction:hold_lift", args=[hold.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403
    hold.refresh_from_db()
    assert hold.active


# --- The list -------------------------------------------------------------------------------
def test_the_list_shows_only_holds_the_reader_may_see(client, dossier):
    boss = f.manager()
    hold_place(dossier=dossier, reason="公开的冻结", actor=boss)
    client.force_login(user_with_role(Role.FRONT_DESK))
    secret = dossier_for(secrecy="B")
    Hold.objects.create(dossier=secret, reason="机密案件冻结", placed_by=boss)
    text = _text(client.get(reverse("destruction:hold_list")))
    assert "公开的冻结" in text
    assert "机密案件冻结" not in text
    odd = client.get(reverse("destruction:hold_list"), {"state": "nonsense", "page": "x"})
    assert odd.status_code == 200


def test_the_list_runs_a_constant_number_of_queries(
    client, manager, dossier, django_assert_max_num_queries
):
    documents = [document_for(dossier, code="other", title=f"资料{i}") for i in range(30)]
    Hold.objects.bulk_create(
        Hold(dossier=dossier, document=d, reason=f"冻结{i}", placed_by=manager)
        for i, d in enumerate(documents)
    )
    client.get(reverse("destruction:hold_list"))  # warm the permission caches
    with django_assert_max_num_queries(10):
        response = client.get(reverse("destruction:hold_list"))
    assert _text(response).count('data-testid="hold-row"') == 25


# --- The dossier panel ----------------------------------------------------------------------
def _destroyed(documents, *, number="XH2026-0001", day=datetime.datetime(2026, 3, 2, 10, 0)):
    """Tombstones of ``documents`` as an execution leaves them (the flow itself is tested in
    test_smoke_flow): the items destroyed, the documents' status destroyed."""
    by = f.archivist()
    batch = Batch.objects.create(
        number=number, title="2026年度鉴定", created_by=by, status=Batch.Status.COMPLETED
    )
    at = timezone.make_aware(day)
    for d in documents:
        BatchItem.objects.create(
            batch=batch,
            document=d,
            dossier=d.dossier,
            decision="destroy",
            state=BatchItem.State.DESTROYED,
            open=False,
            destroyed_at=at,
            reference=d.reference,
            archive_number=d.dossier.archive_number,
            title=d.title,
            category_name=str(d.category),
            document_date=d.document_date,
            carrier=d.carrier,
            secrecy_level=d.secrecy_level,
        )
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(status="destroyed")
    return batch


def test_the_panel_shows_holds_and_tombstones_a_confidential_title_hidden__R38(
    client, manager, dossier
):
    plain = document_for(dossier, code="repair", title="报修单2012")
    secret = document_for(dossier, code="other", title="机密和解协议", secrecy_level="B")
    kept = document_for(dossier, code="lease", title="现行租约")
    hold_place(dossier=dossier, document=kept, reason="租赁纠纷", actor=f.manager())
    batch = _destroyed([plain, secret])
    page = client.get(reverse("customers:dossier_detail", args=[dossier.pk]))
    assert page.status_code == 200
    text = _text(page)
    assert 'data-testid="destruction-panel"' in text
    assert "租赁纠纷" in text and 'data-testid="panel-place-hold"' in text
    assert text.count('data-testid="panel-tombstone"') == 2
    assert "报修单2012" in text
    assert "机密和解协议" not in text  # the reference only
    assert secret.reference in text
    assert reverse("destruction:batch_detail", args=[batch.pk]) in text
    assert 'data-testid="dossier-destroyed"' not in text  # the lease is still there


def test_the_panel_says_when_every_paper_of_the_dossier_was_destroyed(client, manager, dossier):
    documents = [document_for(dossier, code="repair", title=f"报修单{i}") for i in range(3)]
    batch = _destroyed(documents)
    text = _text(client.get(reverse("customers:dossier_detail", args=[dossier.pk])))
    assert 'data-testid="dossier-destroyed"' in text
    assert batch.number in text and dossier.archive_number in text


def test_the_panel_runs_three_queries_and_is_absent_when_empty(
    manager, dossier, django_assert_max_num_queries
):
    assert destruction_panel(dossier=dossier, user=user_with_role(Role.ARCHIVIST)) is None
    documents = [document_for(dossier, code="repair", title=f"报修单{i}") for i in range(12)]
    _destroyed(documents[:10])
    for d in documents[10:]:
        hold_place(dossier=dossier, document=d, reason="诉讼", actor=manager)
    destruction_panel(dossier=dossier, user=manager)  # warm the permission cache
    with django_assert_max_num_queries(3):
        panel = destruction_panel(dossier=dossier, user=manager)
    assert len(panel["items"]) == 10 and len(panel["holds"]) == 2
    assert panel["everything"] is None
    # who may place holds sees the panel, with its button, even on an empty dossier
    assert destruction_panel(dossier=dossier_for(), user=manager)["can_place"]
