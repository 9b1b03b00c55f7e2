"""The catalog of destroyed files (销毁文件目录, R38): every destroyed item, newest first, kept;
searched by text, batch number, category and days; titles of documents the reader may not see
shown by the reference alone, on the page and in the spreadsheet; constant queries."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from destruction.models import BatchItem
from documents.models import Document

from ..factories import user_with_role
from . import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("destruction:catalog")
XLSX = reverse("destruction:catalog_xlsx")
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def destroyed_batch(n=2, *, day=datetime.date(2026, 3, 5), **data):
    """A batch of ``n`` due documents whose items are stamped destroyed on ``day``."""
    batch = f.opened(f.due_documents(n, **data), decision=None)
    moment = datetime.datetime.combine(day, datetime.time(10, 0), SHANGHAI)
    batch.items.update(state=BatchItem.State.DESTROYED, open=False, destroyed_at=moment)
    return batch


def rows(response):
    return [r["item"] for r in response.context["rows"]]


@pytest.fixture
def archivist_client(client):
    client.force_login(user_with_role(Role.ARCHIVIST))
    return client


def test_the_catalog_lists_every_destroyed_item_newest_first_and_keeps_them__R38(
    archivist_client,
):
    old = destroyed_batch(1, day=datetime.date(2025, 1, 10), title="老合同")
    new = destroyed_batch(2, day=datetime.date(2026, 3, 5), title="新表格")
    f.opened(f.due_documents(1, title="还在鉴定"), decision=None)  # not destroyed: not listed
    response = archivist_client.get(URL)
    assert response.status_code == 200
    listed = rows(response)
    assert [i.batch_id for i in listed] == [new.pk, new.pk, old.pk]
    assert listed[0].pk > listed[1].pk
    content = response.content.decode()
    assert "老合同" in content and "新表格" in content and "还在鉴定" not in content
    assert reverse("destruction:batch_detail", args=[new.pk]) in content


def test_the_catalog_is_searchable__R38(archivist_client):
    a = destroyed_batch(1, day=datetime.date(2025, 1, 10), title="装修申请表")
    b = destroyed_batch(1, day=datetime.date(2026, 3, 5), title="租赁合同")
    item_a = a.items.get()
    item_b = b.items.get()

    def found(**params):
        return {i.pk for i in rows(archivist_client.get(URL, params))}

    assert found(q="装修") == {item_a.pk}
    assert found(q=item_b.archive_number) >= {item_b.pk}
    assert found(batch=b.number) == {item_b.pk}
    assert found(category=item_a.category_name) >= {item_a.pk}
    assert found(date_from="2026-03-01", date_to="2026-03-05") == {item_b.pk}
    assert found(date_to="2025-12-31") == {item_a.pk}
    assert found(q="没有这个") == set()


def test_a_bad_period_is_refused_beside_its_field_and_the_input_kept(archivist_client):
    destroyed_batch(1)
    response = archivist_client.get(URL, {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert 'value="2026-03-05"' in response.content.decode()
    response = archivist_client.get(URL, {"date_from": "not a day"})
    assert response.status_code == 200 and response.context["form"].errors["date_from"]


def test_unseen_titles_are_shown_by_reference_only__R38(client):
    batch = destroyed_batch(2, title="机密标题")
    # confidential items: a level-C item's line is open to whoever sees the batches, a B or
    # A one's title only to those who may see its document
    batch.items.update(secrecy_level="B")
    Document.objects.filter(pk__in=batch.items.values("document")).update(secrecy_level="B")
    reader = user_with_role(Role.WITNESS)  # sees the batches, none of the dossiers
    client.force_login(reader)
    response = client.get(URL)
    content = response.content.decode()
    items = list(batch.items.all())
    assert "机密标题" not in content
    for item in items:
        assert (item.reference or item.archive_number) in content
        assert f'data-testid="masked-{item.pk}"' in content
    # nor can the title be guessed by searching for it
    assert rows(client.get(URL, {"q": "机密"})) == []
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(XLSX).content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert not any("机密标题" in str(v) for row in values for v in row)
    assert {(row[2] or row[3]) for row in values[1:]} == {
        i.reference or i.archive_number for i in items
    }


def test_the_spreadsheet_holds_the_filtered_list(archivist_client):
    destroyed_batch(1, day=datetime.date(2025, 1, 10), title="老合同")
    destroyed_batch(2, day=datetime.date(2026, 3, 5), title="新表格")
    response = archivist_client.get(XLSX, {"q": "新表格"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2  # due_documents gives every document the title
    assert values[0][0] == "2026-03-05" and values[0][4] == "新表格"


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.LEGAL])
def test_who_does_not_view_batches_has_no_catalog(client, role):
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == 403
    assert client.get(XLSX).status_code == 403


def _many(n):
    """``n`` destroyed items, each in a batch of its own (one document may be in many)."""
    from destruction.models import Batch

    batch = f.opened(f.due_documents(1), decision=None)
    item = batch.items.get()
    names = ("document_id", "dossier_id", "archive_number", "category_name", "document_date")
    names += ("carrier", "secrecy_level", "pages", "copies")
    fields = {k: getattr(item, k) for k in names}
    batches = Batch.objects.bulk_create(
        [
            Batch(
                number=f"XH-T{k:04d}", title="测", created_by=batch.created_by, status="completed"
            )
            for k in range(n)
        ]
    )
    BatchItem.objects.filter(pk=item.pk).delete()
    now = timezone.now()
    BatchItem.objects.bulk_create(
        [
            BatchItem(
                batch=b, **fields, state="destroyed", open=False, destroyed_at=now, title=f"资料{k}"
            )
            for k, b in enumerate(batches)
        ]
    )


@pytest.mark.parametrize("n", [5, 50])
def test_the_catalog_keeps_few_queries(archivist_client, django_assert_max_num_queries, n):
    _many(n)
    with django_assert_max_num_queries(10):
        response = archivist_client.get(URL)
    assert len(response.context["rows"]) == n
