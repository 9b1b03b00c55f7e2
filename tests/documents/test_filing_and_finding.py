"""Upload → filed → found (R15, R17, R21, R31): the front desk records a paper and is told what
happens next, the archivist files it into the dossier's own box (made from the filing page if
need be), and the front desk looks its place up."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AccessLog, Notification
from core.roles import Role
from customers.models import Dossier
from customers.permissions import grant_dossier
from documents import selectors
from documents.models import Box, Document, Room, Shelf

from ..customers.factories import dossier_for, moved_in
from ..factories import user_with_role
from .factories import box, category, document_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """The reasons and next steps are asserted in the interface's own words, English (their
    zh-Hans translations are the catalogue's): the pages answer in it, the selectors say it."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def front():
    return user_with_role(Role.FRONT_DESK)


@pytest.fixture
def archivist():
    return user_with_role(Role.ARCHIVIST)


def test_an_upload_says_what_happens_next_and_tells_the_archivists__R15(client, front, archivist):
    dossier = moved_in().dossier
    category()
    client.force_login(front)
    response = client.post(
        reverse("documents:document_add", args=[dossier.pk]),
        {
            "category": category("move_in").pk,
            "title": "入伙登记表",
            "document_date": "2024-03-01",
            "carrier": "paper",
            "is_original": "on",
            "pages": "3",
            "copies": "1",
        },
    )
    document = Document.objects.get(title="入伙登记表")
    assert response.status_code == 302
    assert (document.status, document.custody) == ("received", "centre")
    page = client.get(response["Location"]).content.decode()
    assert "Waits for the archive room to file it into the dossier&#x27;s box" in page
    assert "the archivists are told" in page
    note = Notification.objects.get(recipient=archivist)
    assert "入伙登记表 was recorded and awaits filing" in note.message
    assert note.link.endswith(f"/documents/filing/?q={dossier.archive_number}")


def test_filing_offers_the_dossiers_own_box_first__R15__R31(client, archivist):
    dossier = moved_in().dossier
    other = moved_in().dossier
    own = box(dossier=dossier)
    foreign = box(dossier=other)
    document_for(dossier)
    client.force_login(archivist)
    url = reverse("documents:filing")
    offered = client.get(url, {"q": dossier.archive_number}).context["form"].fields["box"]
    assert list(offered.queryset) == [own]
    page = client.get(url, {"q": dossier.archive_number})
    assert page.context["form"]["box"].value() == own.pk  # the only own box is chosen
    # a shelf shows its boxes, the dossier's first
    listed = client.get(url, {"q": dossier.archive_number, "shelf": own.shelf_id}).context["form"]
    assert list(listed.fields["box"].queryset) == [own, foreign]
    # nothing filtered: no box offered, not the whole store
    assert not client.get(url).context["form"].fields["box"].queryset.exists()


def test_a_box_made_from_the_filing_page_is_then_chosen__R15__R31(client, archivist):
    dossier = moved_in().dossier
    document = document_for(dossier)
    room = Room.objects.create(code="A9", name="公司档案室")
    shelf = Shelf.objects.create(room=room, number=4)
    client.force_login(archivist)
    url = f"{reverse('documents:filing')}?q={dossier.archive_number}"
    response = client.post(url, {"new_box": "1", "new-shelf": shelf.pk})
    made = Box.objects.get(shelf=shelf)
    assert (made.dossier, made.number) == (dossier, 1)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?q={dossier.archive_number}&box={made.pk}")
    page = client.get(response["Location"])
    assert page.context["form"]["box"].value() == str(made.pk)
    filed = client.post(url, {"box": made.pk, "documents": [document.pk]})
    assert filed.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.box, document.item_number) == ("filed", made, 1)


def test_the_front_desk_cannot_make_a_box_from_filing__R31(client, front):
    dossier = moved_in().dossier
    client.force_login(front)
    url = f"{reverse('documents:filing')}?q={dossier.archive_number}"
    shelf = Shelf.objects.create(room=Room.objects.create(code="A8", name="库房"), number=1)
    assert client.post(url, {"new_box": "1", "new-shelf": shelf.pk}).status_code == 403
    assert not Box.objects.exists()


def _find(client, q):
    response = client.get(reverse("documents:location_find"), {"q": q})
    assert response.status_code == 200
    return response


def test_the_front_desk_finds_only_what_it_may_see__R17__R21__R31(client, front, archivist):
    seen = moved_in().dossier
    grant_dossier(archivist, seen)  # the archivist files the confidential paper too
    target = box(dossier=seen)
    plain = document_for(seen, title="入伙登记表")
    secret = document_for(seen, title="入伙登记表（密）", secrecy_level="B")
    from documents.services import documents_file

    documents_file(box=target, documents=[plain, secret], actor=archivist)
    hidden = moved_in(dossier=dossier_for(secrecy="B")).dossier
    grant_dossier(archivist, hidden)
    document_for(hidden, title="入伙登记表（保密档案）", actor=archivist)
    client.force_login(front)

    found = _find(client, "入伙登记表").context["found"]
    assert found == [plain]  # not the confidential document, not the hidden dossier's
    text = _find(client, seen.archive_number).content.decode()
    assert f"{seen.archive_number}-001" in text and str(target) in text
    assert "入伙登记表（密）" not in text and "保密档案" not in text
    assert f'href="/documents/storage/boxes/{target.pk}/"' not in text  # the box is read-only
    assert not AccessLog.objects.filter(user=front, action=AccessLog.Action.VIEW).exists()

    grant_dossier(front, seen)  # now the confidential document's sight: shown and logged
    found = _find(client, "入伙登记表").context["found"]
    assert {d.pk for d in found} == {plain.pk, secret.pk}
    logged = AccessLog.objects.filter(user=front, action=AccessLog.Action.VIEW)
    assert [row.object_id for row in logged] == [str(secret.pk)]


def test_the_find_page_uses_a_constant_number_of_queries__R31(client, front):
    dossiers = [moved_in().dossier for _ in range(2)]
    for d in dossiers[:1]:
        document_for(d, title="往来函 一")
    for d in dossiers[1:]:
        for n in range(12):
            document_for(d, title=f"回访记录 {n}")
    client.force_login(front)
    _find(client, "往来函")

    def count(q):
        with CaptureQueriesContext(connection) as ctx:
            response = _find(client, q)
        return len(ctx), len(response.context["found"])

    few, n_few = count("往来函")
    many, n_many = count("回访记录")
    assert (n_few, n_many) == (1, 12)
    assert few == many


def test_next_step_says_who_does_what_for_each_status__R15():
    dossier = moved_in().dossier
    document = document_for(dossier)
    assert "archivists are told" in selectors.next_step(document)
    document.custody = Document.Custody.ARCHIVE
    assert "waits for an archivist to file it there" in selectors.next_step(document)
    document.status = Document.Status.ON_LOAN
    assert "On loan" in selectors.next_step(document)


def test_the_filing_list_is_in_the_order_of_the_dossiers_archive_numbers__R15(client, archivist):
    dossiers = [dossier_for() for _ in range(3)]
    for dossier, number in zip(dossiers, ["ZX-1-1-101", "AB-1-1-101", "MN-1-1-101"], strict=True):
        Dossier.objects.filter(pk=dossier.pk).update(archive_number=number)
    for dossier in dossiers:
        document_for(dossier, title=f"待归档 {dossier.pk}")
    later = document_for(dossiers[1], title="待归档 later", document_date="2025-01-01")
    client.force_login(archivist)
    page = client.get(reverse("documents:filing")).context["page_obj"]
    shown = [(d.dossier.archive_number, d.pk) for d in page]
    assert [number for number, _pk in shown] == [
        "AB-1-1-101",
        "AB-1-1-101",
        "MN-1-1-101",
        "ZX-1-1-101",
    ]
    assert shown[1][1] == later.pk  # within a dossier, by the document's date
