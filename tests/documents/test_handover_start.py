"""R30: a handover started from the list of a service centre's dossiers; each dossier that
cannot go says its real reason."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Building, Estate, ServiceCentre
from documents.handover import selectors, services
from documents.models import Document, Handover, HandoverItem

from .test_handover import centre, complete_dossier, dossier_with, people  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """The reasons and next steps are asserted in the interface's own words, English (their
    zh-Hans translations are the catalogue's): the pages answer in it, the selectors say it."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


Status = Document.Status


def _reason_of(rows, dossier):
    return next(r for r in rows if r.dossier.pk == dossier.pk)


def test_each_refused_dossier_names_its_real_reason__R30(centre, people):  # noqa: F811
    ready = complete_dossier(centre, people)
    awaiting = complete_dossier(centre, people)  # handed over already, awaiting filing there
    Document.objects.filter(dossier=awaiting).update(custody=Document.Custody.ARCHIVE)
    filed = complete_dossier(centre, people)
    Document.objects.filter(dossier=filed).update(
        custody=Document.Custody.ARCHIVE, status=Status.FILED
    )
    listed = complete_dossier(centre, people)
    draft = services.handover_create(service_centre=centre, period="2025H2", actor=people["front"])
    services.handover_add_dossier(handover=draft, dossier=listed, actor=people["front"])
    on_loan = complete_dossier(centre, people)
    Document.objects.filter(dossier=on_loan).update(status=Status.ON_LOAN)
    destroyed = complete_dossier(centre, people)
    Document.objects.filter(dossier=destroyed).update(status=Status.DESTROYED)
    empty = dossier_with(centre.building, people)
    incomplete = dossier_with(centre.building, people, "id_copy")

    rows = selectors.start_rows(user=people["front"], centre=centre)["rows"]
    assert _reason_of(rows, ready).eligible and _reason_of(rows, ready).ready == 2
    expected = {
        awaiting: "2 documents are already at the archive room and await filing there",
        filed: "2 documents are already filed in the archive room",
        listed: "2 documents are in another open handover",
        on_loan: "2 documents are on loan",
        destroyed: "2 documents are destroyed or lost",
        empty: "it holds no documents yet",
    }
    for dossier, reason in expected.items():
        row = _reason_of(rows, dossier)
        assert not row.eligible and row.refusal == reason, dossier.archive_number
    assert "lacks: 入住资料（入伙表）" in _reason_of(rows, incomplete).refusal
    # "in a handover, on loan or destroyed" is said of none of them any more
    assert not any("in a handover, on loan or destroyed" in r.refusal for r in rows)

    # the service refuses with the same reason and lists nothing
    handover = services.handover_create(
        service_centre=centre, period="2026H1", actor=people["front"]
    )
    for dossier, reason in expected.items():
        with pytest.raises(services.DomainError, match=reason):
            services.handover_add_dossier(handover=handover, dossier=dossier, actor=people["front"])
    assert not handover.items.exists()
    assert set(Document.objects.filter(dossier=awaiting).values_list("custody", "status")) == {
        (Document.Custody.ARCHIVE, Status.RECEIVED)
    }


def test_documents_dated_after_the_day_wait_for_the_next_handover__R30(centre, people):  # noqa: F811
    dossier = complete_dossier(centre, people)  # dated 2 March 2026
    early = datetime.date(2026, 1, 31)
    row = _reason_of(
        selectors.start_rows(user=people["front"], centre=centre, until=early)["rows"], dossier
    )
    assert not row.eligible
    assert row.refusal == "2 documents are dated after 2026-01-31"


def test_a_handover_is_started_from_the_picked_dossiers__R30(client, centre, people):  # noqa: F811
    ready = [complete_dossier(centre, people) for _ in range(2)]
    refused = complete_dossier(centre, people)
    Document.objects.filter(dossier=refused).update(status=Status.ON_LOAN)
    client.force_login(people["front"])
    url = reverse("documents:handover_start")
    page = client.get(url, {"centre": centre.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 dossiers: 2 can be handed over (4 documents), 1 cannot." in text
    assert "2 documents are on loan" in text
    assert f'id="pick-{refused.pk}"' not in text  # nothing to pick

    response = client.post(
        url,
        {"centre": centre.pk, "period": "2026h1", "dossiers": [d.pk for d in (*ready, refused)]},
    )
    handover = Handover.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:handover_detail", args=[handover.pk])
    assert (handover.status, handover.period, handover.service_centre) == (
        Handover.Status.DRAFT,
        "2026H1",
        centre,
    )
    assert set(handover.items.values_list("document__dossier", flat=True)) == {d.pk for d in ready}
    followed = client.get(response["Location"])
    assert f"{refused.archive_number} cannot be handed over: 2 documents are on loan" in (
        followed.content.decode()
    )


def test_nothing_is_opened_when_no_picked_dossier_can_go__R30(client, centre, people):  # noqa: F811
    refused = complete_dossier(centre, people)
    Document.objects.filter(dossier=refused).update(status=Status.DESTROYED)
    client.force_login(people["front"])
    response = client.post(
        reverse("documents:handover_start"),
        {"centre": centre.pk, "period": "2026H1", "dossiers": [refused.pk]},
    )
    assert response.status_code == 200
    assert "2 documents are destroyed or lost" in response.content.decode()
    assert not Handover.objects.exists() and not HandoverItem.objects.exists()


def test_the_archive_room_cannot_start_a_centres_handover__R30(client, centre, people):  # noqa: F811
    client.force_login(people["archivist"])
    assert client.get(reverse("documents:handover_start")).status_code == 403


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx), response


def test_the_start_list_uses_a_constant_number_of_queries__R30(client, centre, people):  # noqa: F811
    other = ServiceCentre.objects.create(name="湖滨服务中心", code="HB")
    other.building = Building.objects.create(
        estate=Estate.objects.create(name="湖滨苑", code="HB", service_centre=other), number="1"
    )
    for _ in range(2):
        complete_dossier(centre, people)
    for _ in range(8):
        complete_dossier(other, people)
    client.force_login(people["front"])
    url = reverse("documents:handover_start")
    client.get(url, {"centre": centre.pk})  # warm the caches
    few, small = _queries(client, url, {"centre": centre.pk})
    many, large = _queries(client, url, {"centre": other.pk})
    assert (len(small.context["page_obj"]), len(large.context["page_obj"])) == (2, 8)
    assert few == many


def test_only_the_papers_picked_go_on_the_list__R30(client, centre, people):  # noqa: F811
    dossier = complete_dossier(centre, people)
    kept, picked = Document.objects.filter(dossier=dossier).order_by("pk")
    client.force_login(people["front"])
    url = reverse("documents:handover_start")
    page = client.get(url, {"centre": centre.pk}).content.decode()
    for document in (kept, picked):  # every paper that can go is offered, ticked
        assert f'name="documents" value="{document.pk}" id="paper-{document.pk}" checked' in page
    response = client.post(
        url,
        {
            "centre": centre.pk,
            "period": "2026H1",
            "papers": "1",
            "dossiers": [dossier.pk],
            "documents": [picked.pk],
        },
    )
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert list(handover.items.values_list("document", flat=True)) == [picked.pk]
    kept.refresh_from_db()
    assert not kept.handover_items.exists()
    # the paper left out can go on the next list
    rows = selectors.start_rows(user=people["front"], centre=centre)["rows"]
    row = _reason_of(rows, dossier)
    assert (row.ready, row.refusal) == (1, "")
    assert row.note == "1 document is in another open handover"
