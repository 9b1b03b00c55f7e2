"""The lists of the destruction app cost the same queries at 10 and 100 rows, and no template
loads a related object lazily (docs/PERFORMANCE.md, "Query counts")."""

import pytest
from django.urls import reverse

from core.roles import Role
from destruction.batches import services as batches
from destruction.holds.services import hold_place
from destruction.models import RetentionRule
from documents.models import DocumentCategory

from ..customers.factories import dossier_for
from ..factories import user_with_role
from ..queries import assert_constant_queries
from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_due_list_costs_the_same_queries_at_10_and_100_documents(client):
    client.force_login(f.archivist())
    url = reverse("destruction:due_list")
    few, many = assert_constant_queries(client, url, lambda n: f.due_documents(n))
    assert many.context["page_obj"].paginator.count == 100


def test_the_batch_list_costs_the_same_queries_at_10_and_100_batches(client):
    archivist = f.archivist()
    client.force_login(archivist)

    def grow(n):
        for document in f.due_documents(n):
            f.opened([document], by=archivist, decision=None)

    few, many = assert_constant_queries(client, reverse("destruction:batch_list"), grow)
    assert many.context["page_obj"].paginator.count == 100


@pytest.mark.parametrize("who", ["archivist", "manager"])
def test_a_batch_costs_the_same_queries_at_10_and_100_items(client, who):
    archivist = f.archivist()
    batch = batches.batch_open(title="鉴定", documents=f.due_documents(1), actor=archivist)
    client.force_login(archivist if who == "archivist" else f.manager())

    def grow(n):
        batches.batch_add_documents(batch=batch, documents=f.due_documents(n), actor=archivist)

    url = reverse("destruction:batch_detail", args=[batch.pk])
    few, many = assert_constant_queries(client, url, grow, sizes=(9, 99))
    assert (len(few.context["items"]), len(many.context["items"])) == (10, 50)  # a page of 50
    assert batch.items.count() == 100


def test_the_approval_queue_costs_the_same_queries_at_10_and_100_batches(client):
    archivist = f.archivist()
    client.force_login(f.manager())

    def grow(n):
        for document in f.due_documents(n):
            f.submitted([document], by=archivist)

    few, many = assert_constant_queries(client, reverse("destruction:approval_queue"), grow)
    assert many.context["page_obj"].paginator.count == 100


def test_the_witness_queue_costs_the_same_queries_at_2_and_20_batches(client):
    # 2 and 20: each batch is opened, decided, submitted, approved and planned with its
    # witnesses through the services, each step a transaction of its own.
    head, witness, other = f.head(), f.witness(), f.witness()
    client.force_login(witness)

    def grow(n):
        for document in f.due_documents(n):
            f.scheduled(f.approved([document]), by=head, witnesses=[witness, other])

    url = reverse("destruction:witness_queue")
    few, many = assert_constant_queries(client, url, grow, sizes=(2, 20))
    assert many.context["page_obj"].paginator.count == 20


def test_the_engineering_queue_costs_the_same_queries_at_10_and_100_items(client):
    RetentionRule.objects.create(
        name="工程资料",
        category=DocumentCategory.objects.get(code="other"),
        years=5,
        technical=True,
    )
    archivist = f.archivist()
    batch = batches.batch_open(title="鉴定", documents=f.due_documents(1), actor=archivist)
    client.force_login(user_with_role(Role.ENGINEERING))

    def grow(n):
        batches.batch_add_documents(batch=batch, documents=f.due_documents(n), actor=archivist)

    url = reverse("destruction:engineering_queue")
    few, many = assert_constant_queries(client, url, grow, sizes=(9, 99))
    assert many.context["page_obj"].paginator.count == 100


def test_the_holds_cost_the_same_queries_at_10_and_100(client):
    manager = f.manager()
    client.force_login(manager)

    def grow(n):
        for i in range(n):
            dossier = dossier_for()
            document = f.due_documents(1, dossier=dossier)[0] if i % 2 else None
            hold_place(dossier=dossier, reason="诉讼", actor=manager, document=document)

    few, many = assert_constant_queries(client, reverse("destruction:hold_list"), grow)
    assert many.context["page_obj"].paginator.count == 100


@pytest.mark.parametrize("page", ["destruction:catalog", "destruction:catalog_xlsx"])
def test_the_catalog_of_destroyed_files_costs_the_same_queries_at_10_and_100(client, page):
    client.force_login(f.archivist())

    def grow(n):  # one batch executed for each growth
        f.executed(f.approved(f.due_documents(n)))

    few, many = assert_constant_queries(client, reverse(page), grow)
    if page == "destruction:catalog":
        assert many.context["page_obj"].paginator.count == 100


@pytest.mark.parametrize(
    "page", ["destruction:batch_register_pdf", "destruction:batch_register_xlsx"]
)
def test_a_register_costs_the_same_queries_at_10_and_100_items(client, page):
    client.force_login(f.manager())
    made = []

    def grow(n):  # a completed batch cannot grow: the second one is bigger
        size = n + sum(b.items.count() for b in made[-1:])
        made.append(f.executed(f.approved(f.due_documents(size)))[0])

    few, many = assert_constant_queries(client, lambda: reverse(page, args=[made[-1].pk]), grow)
    assert made[-1].items.count() == 100
