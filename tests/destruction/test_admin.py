"""Appraisal and destruction in the Django admin: administrators keep the retention schedule
and the policy (a change refreshes what is due); batches, items, witnesses, holds and the
retention states are read-only there, and nothing is ever deleted."""

import pytest
from django.urls import reverse

from core.roles import Role
from destruction.holds.services import hold_place
from destruction.models import (
    Batch,
    BatchItem,
    Hold,
    Policy,
    RetentionRule,
    RetentionState,
    Witness,
)
from documents.models import DocumentCategory

from ..factories import user_with_role
from . import factories as f

pytestmark = pytest.mark.django_db

MODELS = ("retentionrule", "batch", "batchitem", "witness", "hold", "retentionstate")


@pytest.fixture
def admin_client(client):
    client.force_login(user_with_role(Role.ADMIN))
    return client


@pytest.fixture
def batch():
    docs = f.due_documents(2)
    batch = f.approved(docs)
    Witness.objects.create(batch=batch, user=f.witness())
    hold_place(dossier=docs[0].dossier, reason="诉讼取证", actor=f.manager())
    return batch


def _pages(batch):
    pages = [reverse(f"admin:destruction_{m}_changelist") for m in MODELS]
    pages.append(reverse("admin:destruction_retentionrule_add"))
    item = batch.items.first()
    for model, pk in (
        ("batch", batch.pk),
        ("batchitem", item.pk),
        ("witness", batch.witnesses.first().pk),
        ("hold", Hold.objects.first().pk),
        ("retentionstate", item.document_id),
        ("policy", Policy.current().pk),
    ):
        pages.append(reverse(f"admin:destruction_{model}_change", args=[pk]))
        pages.append(reverse(f"admin:destruction_{model}_history", args=[pk]))
    return pages


def test_every_destruction_admin_page_answers_an_administrator(admin_client, batch):
    RetentionRule.objects.create(name="往来函件", years=10)
    for url in _pages(batch):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    found = admin_client.get(reverse("admin:destruction_batch_changelist"), {"q": batch.number})
    assert batch.number in found.content.decode()
    item = batch.items.first()
    found = admin_client.get(
        reverse("admin:destruction_batchitem_changelist"), {"q": item.archive_number}
    )
    assert item.title in found.content.decode()


def test_the_admin_pages_need_staff(client, batch):
    client.force_login(user_with_role(Role.FRONT_DESK))
    for url in _pages(batch):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login"))


def test_nothing_is_deleted_there_and_the_records_are_read_only(admin_client, batch):
    rule = RetentionRule.objects.create(name="往来函件", years=10)
    item = batch.items.first()
    for model, pk in (
        ("retentionrule", rule.pk),
        ("policy", Policy.current().pk),
        ("batch", batch.pk),
        ("batchitem", item.pk),
        ("hold", Hold.objects.first().pk),
        ("retentionstate", item.document_id),
    ):
        url = reverse(f"admin:destruction_{model}_delete", args=[pk])
        assert admin_client.get(url).status_code == 403, url
        assert admin_client.post(url, {"post": "yes"}).status_code == 403, url
    changelist = admin_client.get(reverse("admin:destruction_retentionrule_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    # read-only: no adding, a posted change is refused
    assert admin_client.get(reverse("admin:destruction_batch_add")).status_code == 403
    change = reverse("admin:destruction_batch_change", args=[batch.pk])
    admin_client.post(change, {"title": "改过的标题"})
    batch.refresh_from_db()
    assert batch.title != "改过的标题"
    assert Batch.objects.count() == 1
    assert BatchItem.objects.count() == 2
    assert Hold.objects.count() == 1


def test_the_policy_is_one_row_opened_from_the_list(admin_client):
    policy = Policy.current()
    response = admin_client.get(reverse("admin:destruction_policy_changelist"))
    assert response.status_code == 302
    assert response.url == reverse("admin:destruction_policy_change", args=[policy.pk])
    assert admin_client.get(reverse("admin:destruction_policy_add")).status_code == 403
    assert Policy.objects.count() == 1


def test_a_policy_change_refreshes_what_is_due(admin_client, django_capture_on_commit_callbacks):
    docs = f.due_documents(1)  # the policy turned off: due ten years from 2010
    state = RetentionState.objects.get(document=docs[0])
    assert not state.permanent and state.due_on is not None
    url = reverse("admin:destruction_policy_change", args=[Policy.current().pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(url, {"customer_files_permanent": "on", "waiting_days": 5})
    assert response.status_code == 302
    assert callbacks, "the refresh is queued after the commit"
    policy = Policy.current()
    assert (policy.customer_files_permanent, policy.waiting_days) == (True, 5)
    state.refresh_from_db()
    assert state.permanent and state.due_on is None  # the dossier is kept permanently (R39)


def test_a_rule_saved_there_refreshes_what_is_due__R39(
    admin_client, django_capture_on_commit_callbacks
):
    docs = f.due_documents(1)
    state = RetentionState.objects.get(document=docs[0])
    assert state.due_on.year == 2020
    other = DocumentCategory.objects.get(code="other")
    data = {
        "name": "其他资料三十年",
        "active": "on",
        "category": other.pk,
        "secrecy_level": "",
        "years": 30,
        "trigger": "document_date",
        "technical": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:destruction_retentionrule_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    state.refresh_from_db()
    assert (state.due_on.year, state.technical) == (2040, True)
    # and a change of it too
    rule = RetentionRule.objects.get(name="其他资料三十年")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:destruction_retentionrule_change", args=[rule.pk]),
            {**data, "permanent": "on", "years": ""},
        )
    state.refresh_from_db()
    assert state.permanent and state.due_on is None


def test_a_rule_with_neither_years_nor_permanence_is_refused_beside_its_fields(admin_client):
    response = admin_client.post(
        reverse("admin:destruction_retentionrule_add"),
        {"name": "无期限", "active": "on", "trigger": "document_date", "secrecy_level": ""},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not RetentionRule.objects.filter(name="无期限").exists()
