"""The demo reads like an archive: one current spouse per household, documents titled as the
front desk titles them, and boxes that hold the papers filed in them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from customers.models import HouseholdMember
from documents.models import Box, Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("seed_demo", units=60, stdout=out)
    call_command("seed_demo_documents", if_empty=True, stdout=out)


def test_a_household_has_one_current_spouse_at_most(demo):
    spouses = (
        HouseholdMember.objects.filter(relation="配偶", left_on__isnull=True)
        .values("customer")
        .annotate(n=Count("pk"))
    )
    assert spouses.exists()
    assert not spouses.filter(n__gt=1).exists()


def test_documents_have_titles_not_their_category(demo):
    documents = Document.objects.select_related("category", "dossier")
    assert documents.exists()
    for document in documents:
        assert document.title != document.category.name, document.title
    customer_names = set(
        documents.filter(section__isnull=False).values_list("section__customer__name", flat=True)
    )
    titled = [d for d in documents if d.section_id]
    assert all(
        any(name in d.title for name in customer_names) or d.dossier.archive_number in d.title
        for d in titled
    )


def test_every_box_holds_the_papers_filed_in_it(demo):
    boxes = Box.objects.annotate(
        filed=Count("documents", filter=Q(documents__status=Document.Status.FILED))
    )
    assert boxes.exists()
    assert not boxes.filter(filed=0).exists()
    # and a paper filed is in a box, one still waiting is not
    assert not Document.objects.filter(status=Document.Status.FILED, box__isnull=True).exists()
    assert not Document.objects.filter(status=Document.Status.RECEIVED, box__isnull=False).exists()
