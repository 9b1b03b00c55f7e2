"""The lists of the documents app cost the same queries at 10 and 100 rows, and no template
loads a related object lazily (docs/PERFORMANCE.md, "Query counts")."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from customers import services as customer_services
from documents import services
from documents.handover import services as handovers
from documents.models import Handover, Room

from ..customers.factories import dossier_for, moved_in
from ..factories import user_with_role
from ..queries import assert_constant_queries
from .factories import box, document_for
from .test_handover import centre, complete_dossier, pdf_text, people  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist(client):
    user = user_with_role(Role.ARCHIVIST)
    client.force_login(user)
    return user


def test_the_filing_list_costs_the_same_queries_at_10_and_100_documents(client, archivist):
    dossiers = [dossier_for() for _ in range(3)]

    def grow(n):
        for i in range(n):
            document_for(dossiers[i % 3], title=f"待归档{i}")

    few, many = assert_constant_queries(client, reverse("documents:filing"), grow)
    assert many.content.decode().count("待归档") >= 100


def test_a_box_costs_the_same_queries_at_10_and_100_documents(client, archivist):
    the_box = box()
    dossiers = [dossier_for(), dossier_for()]

    def grow(n):
        filed = [document_for(dossiers[i % 2], title=f"盒内{i}") for i in range(n)]
        services.documents_file(box=the_box, documents=filed, actor=archivist)

    url = reverse("documents:box_detail", args=[the_box.pk])
    few, many = assert_constant_queries(client, url, grow)
    assert len(many.context["contents"]) == 100


@pytest.mark.parametrize("params", [{}, {"q": "卷"}], ids=["boxes", "search"])
def test_the_location_index_costs_the_same_queries_at_10_and_100_boxes(client, archivist, params):
    def grow(n):
        for i in range(n):
            dossier = dossier_for()
            the_box = box(dossier=dossier, room_code=f"R{i % 3}")
            filed = [document_for(dossier, title=f"卷{i}")]
            services.documents_file(box=the_box, documents=filed, actor=archivist)

    url = reverse("documents:location_index")
    few, many = assert_constant_queries(client, url, grow, params=params)
    if params:
        assert len(many.context["found"]) == 50
    else:
        assert len(many.context["page_obj"]) == 50


def test_the_inspections_cost_the_same_queries_at_10_and_100(client, archivist):
    room = Room.objects.create(code="A9", name="档案室")

    def grow(n):
        for i in range(n):
            services.inspection_record(
                data={
                    "room": room,
                    "inspected_on": datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
                    "humidity": 50,
                    "findings": f"检查{i}",
                },
                actor=archivist,
            )

    few, many = assert_constant_queries(client, reverse("documents:inspection_list"), grow)
    assert many.context["page_obj"].paginator.count == 100


def test_the_gaps_cost_the_same_queries_at_10_and_100_dossiers(client, archivist):
    front, manager = user_with_role(Role.FRONT_DESK), user_with_role(Role.MANAGER)

    def grow(n):
        for _ in range(n):  # a moved-in owner and none of the required documents
            moved_in(recorder=front, verifier=manager)

    few, many = assert_constant_queries(client, reverse("documents:gaps"), grow)
    assert len(many.context["page_obj"]) == 50


def test_the_moved_out_catalog_costs_the_same_queries_at_10_and_100_sections(client, archivist):
    front, manager = user_with_role(Role.FRONT_DESK), user_with_role(Role.MANAGER)

    moved_out = []

    def grow(n):
        for i in range(n):
            occupancy = moved_in(recorder=front, verifier=manager)
            document_for(occupancy.dossier, title=f"迁出{i}")
            customer_services.occupancy_move_out(
                occupancy=occupancy, moved_out=datetime.date(2025, 6, 30), actor=front
            )
            moved_out.append(occupancy.dossier.archive_number)

    url = reverse("documents:moved_out_catalog")
    few, many = assert_constant_queries(client, url, grow, params={"year": 2025})
    text = pdf_text(many.content)
    assert all(number in text for number in (moved_out[0], moved_out[-1]))


def test_the_handover_list_costs_the_same_queries_at_10_and_100(client, centre, people):  # noqa: F811
    client.force_login(people["archivist"])

    def grow(n):
        start = Handover.objects.count()
        Handover.objects.bulk_create(
            Handover(
                service_centre=centre,
                period=f"{2000 + (start + i) // 2}H{(start + i) % 2 + 1}",
                prepared_by=people["front"],
            )
            for i in range(n)
        )

    few, many = assert_constant_queries(client, reverse("documents:handover_list"), grow)
    assert many.context["page_obj"].paginator.count == 100


@pytest.mark.parametrize("page", ["documents:handover_detail", "documents:handover_pdf"])
def test_a_handover_costs_the_same_queries_at_2_and_20_dossiers__R30(
    client,
    centre,  # noqa: F811
    people,  # noqa: F811
    page,
):
    # 2 and 20: each dossier of a handover is opened, moved into, verified and given its two
    # documents through the services.
    handover = handovers.handover_create(
        service_centre=centre, period="2026H1", actor=people["front"]
    )
    client.force_login(people["front"])

    def grow(n):
        for _ in range(n):
            handovers.handover_add_dossier(
                handover=handover, dossier=complete_dossier(centre, people), actor=people["front"]
            )

    url = reverse(page, args=[handover.pk])
    assert_constant_queries(client, url, grow, sizes=(2, 20))
    assert handover.items.count() == 40


def test_a_dossier_cover_costs_the_same_queries_at_10_and_100_documents__R12(client, archivist):
    dossier = moved_in().dossier

    def grow(n):
        for i in range(n):
            document_for(dossier, title=f"目录{i}")

    url = reverse("documents:dossier_cover_pdf", args=[dossier.pk])
    few, many = assert_constant_queries(client, url, grow)
    assert "共 100 件" in pdf_text(many.content)


def test_the_filing_list_reads_its_documents_from_their_partial_index(client, archivist):
    """The page's keys (the documents still to be filed, in their dossiers' order) come from
    document_waiting_idx alone, not from a table page each: at 100,000 units the 5,800 waiting
    documents were most of the page's query (docs/PERFORMANCE.md, "Sixth pass")."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for dossier in (dossier_for(), dossier_for()):
        document_for(dossier, title="待归档")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("documents:filing")).status_code == 200
    [page_sql] = [q["sql"] for q in queries.captured_queries if "LIMIT 100" in q["sql"]]
    with connection.cursor() as cursor:  # for this test's transaction: few rows here
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + page_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using document_waiting_idx on documents_document" in plan, plan
