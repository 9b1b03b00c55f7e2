"""Dossier rules R1, R2, R7, R8, R11, R12 through the services and the pages."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.roles import Role
from customers import services
from customers.models import ArchiveNumber, Dossier, Occupancy

from ..factories import user_with_role
from .factories import BuildingFactory, CustomerFactory, UnitFactory, dossier_for, moved_in

pytestmark = pytest.mark.django_db


def test_one_dossier_per_unit__R1():
    unit = UnitFactory()
    first = dossier_for(unit)
    assert dossier_for(unit) == first  # opening again returns the same dossier
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.create(unit=unit, archive_number="X-1", opened_on=datetime.date.today())
    assert Dossier.objects.filter(unit=unit).count() == 1


def test_dossiers_are_listed_by_estate_building_and_floor__R1(client):
    building = BuildingFactory(number="3")
    high = dossier_for(UnitFactory(building=building, floor=18, room="1801"))
    low = dossier_for(UnitFactory(building=building, floor=2, room="201"))
    other = dossier_for(UnitFactory(floor=5, room="501"))
    client.force_login(user_with_role(Role.FRONT_DESK))
    page = client.get(
        reverse("customers:dossier_list"), {"building": building.pk, "estate": building.estate_id}
    )
    rows = list(page.context["page_obj"])
    assert rows == [low, high]
    assert other not in rows
    floor = client.get(reverse("customers:dossier_list"), {"floor": 18})
    assert list(floor.context["page_obj"]) == [high]


def test_archive_number_follows_the_company_format__R2(settings):
    building = BuildingFactory(number="3", estate__code="CH")
    dossier = dossier_for(UnitFactory(building=building, entrance="2", room="1201"))
    assert dossier.archive_number == "CH-3-2-1201"
    no_entrance = dossier_for(UnitFactory(building=building, entrance="", room="101"))
    assert no_entrance.archive_number == "CH-3-101"
    settings.ARCHIVE_NUMBER_FORMAT = "KH/{estate}{building:0>2}/{room}"
    assert dossier_for(UnitFactory(building=building, room="502")).archive_number == "KH/CH03/502"


def test_archive_number_never_changes_and_is_never_reused__R2():
    unit = UnitFactory(building__number="5", building__estate__code="JX", entrance="", room="808")
    dossier = dossier_for(unit)
    assert dossier.archive_number == "JX-5-808"
    assert ArchiveNumber.objects.filter(number="JX-5-808", dossier=dossier).exists()
    # the unit is renamed: the number stays
    unit.room = "809"
    unit.save()
    dossier.refresh_from_db()
    assert dossier.archive_number == "JX-5-808"
    # a new unit that would derive an issued number gets another one
    twin = UnitFactory(building=unit.building, entrance="", room="808")
    assert dossier_for(twin).archive_number == "JX-5-808-2"
    assert not Dossier._meta.get_field("archive_number").editable


def test_label_shows_the_current_occupant__R7(client):
    dossier = dossier_for()
    first = moved_in(dossier, CustomerFactory(name="王芳"))
    assert Dossier.objects.with_current_occupants().get(pk=dossier.pk).label == "王芳"
    services.occupancy_move_out(
        occupancy=first, moved_out=datetime.date(2025, 1, 10), actor=user_with_role(Role.FRONT_DESK)
    )
    assert Dossier.objects.with_current_occupants().get(pk=dossier.pk).label == ""
    moved_in(dossier, CustomerFactory(name="刘洋"), day=datetime.date(2025, 2, 1))
    dossier = Dossier.objects.with_current_occupants().get(pk=dossier.pk)
    assert dossier.label == "刘洋"
    client.force_login(user_with_role(Role.FRONT_DESK))
    html = client.get(reverse("customers:dossier_detail", args=[dossier.pk])).content.decode()
    label = html.split('data-testid="dossier-label">')[1].split("</div>")[0]
    assert "刘洋" in label and "王芳" not in label


def test_move_out_closes_the_section_and_the_next_occupant_starts_a_new_one__R8(client):
    dossier = dossier_for()
    first = moved_in(dossier, CustomerFactory(name="赵敏"))
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    response = client.post(
        reverse("customers:occupancy_move_out", args=[first.pk]),
        {"moved_out": "2025-06-30", "note": "售房"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Occupancy.Status.MOVED_OUT
    assert first.moved_out == datetime.date(2025, 6, 30)
    second = moved_in(dossier, CustomerFactory(name="钱坤"), day=datetime.date(2025, 7, 1))
    assert (first.section_number, second.section_number) == (1, 2)
    page = client.get(reverse("customers:dossier_detail", args=[dossier.pk]))
    assert [s.customer.name for s in page.context["current"]] == ["钱坤"]
    assert [s.customer.name for s in page.context["closed"]] == ["赵敏"]
    # the closed section is read-only: its customer can no longer be edited from the dossier
    assert (
        client.get(
            reverse("customers:customer_edit", args=[dossier.pk, first.customer_id])
        ).status_code
        == 404
    )
    with pytest.raises(services.DomainError):
        services.occupancy_move_out(
            occupancy=first, moved_out=datetime.date(2025, 7, 1), actor=front
        )


def test_move_out_form_keeps_input_and_explains_a_bad_date__R8(client):
    occupancy = moved_in(day=datetime.date(2024, 3, 1))
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("customers:occupancy_move_out", args=[occupancy.pk]),
        {"moved_out": "2024-02-01", "note": "提前退租"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "早于入住日期" in html
    assert 'value="提前退租"' in html
    occupancy.refresh_from_db()
    assert occupancy.status == Occupancy.Status.ACTIVE


def test_a_customer_with_several_units_sees_links_between_the_dossiers__R11(client):
    owner = CustomerFactory(name="孙丽")
    a, b, c = dossier_for(), dossier_for(), dossier_for()
    moved_in(a, owner)
    moved_in(b, owner)
    moved_in(c)
    client.force_login(user_with_role(Role.MANAGER))
    page = client.get(reverse("customers:dossier_detail", args=[a.pk]))
    assert page.context["cross_references"] == [b]
    assert reverse("customers:dossier_detail", args=[b.pk]) in page.content.decode()


def test_cross_references_hide_dossiers_the_user_may_not_see__R11__R17(client):
    owner = CustomerFactory()
    visible, secret = dossier_for(), dossier_for(secrecy="B")
    moved_in(visible, owner)
    moved_in(secret, owner)
    client.force_login(user_with_role(Role.FRONT_DESK))
    page = client.get(reverse("customers:dossier_detail", args=[visible.pk]))
    assert page.context["cross_references"] == []


def test_secrecy_level_defaults_to_c_and_retention_is_shown__R12(client):
    dossier = dossier_for()
    assert dossier.secrecy_level == "C"
    assert dossier.retention == "permanent"
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    html = client.get(reverse("customers:dossier_detail", args=[dossier.pk])).content.decode()
    assert "C级（公司内部）" in html and "永久" in html
    response = client.post(
        reverse("customers:dossier_secrecy", args=[dossier.pk]),
        {"secrecy_level": "B", "retention": "permanent", "reason": "涉及诉讼"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.secrecy_level == "B"
    assert dossier.history.first().history_change_reason == "涉及诉讼"


def _queries(client, url, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..lazy_loads import forbid_lazy_loads

    client.get(url, params)  # the session's activity is written at most every 10 s: now
    with CaptureQueriesContext(connection) as ctx, forbid_lazy_loads():
        response = client.get(url, params)
        assert response.status_code == 200
    return len(ctx), response


def test_the_list_costs_the_same_queries_at_10_and_100_dossiers__R1(client):
    client.force_login(user_with_role(Role.MANAGER))
    url = reverse("customers:dossier_list")
    for _ in range(10):
        moved_in()
    _queries(client, url)  # warms per-process caches
    few, page = _queries(client, url)
    assert len(page.context["page_obj"]) == 10
    for _ in range(90):
        moved_in()
    many, page = _queries(client, url)
    assert len(page.context["page_obj"]) == 25 and page.context["page_obj"].paginator.count == 100
    assert many == few
    assert _queries(client, url, page=4)[0] == few


def test_a_broad_search_counts_up_to_the_cap_and_says_more__R1(client, monkeypatch, settings):
    from core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    client.force_login(user_with_role(Role.MANAGER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("customers:dossier_list")
    for _ in range(31):
        moved_in()
    page = client.get(url)
    paginator = page.context["page_obj"].paginator
    assert (paginator.count, paginator.num_pages, paginator.capped) == (30, 2, True)
    assert "Page 1 of 2, more than 30 in all: narrow the search" in page.content.decode()
    one = Dossier.objects.order_by("pk").first()  # a narrow search is counted exactly
    page = client.get(url, {"q": one.archive_number})
    assert page.context["page_obj"].paginator.capped is False


def test_a_search_stops_at_its_own_cap_and_says_more__R1(client, monkeypatch, settings):
    """A broad term stops gathering matches at the search's cap: the page lists the first of
    them in archive order and says there are more, and a narrower term is counted exactly."""
    from customers import selectors

    monkeypatch.setattr(selectors, "SEARCH_CAP", 5)
    client.force_login(user_with_role(Role.MANAGER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("customers:dossier_list")
    wangs = [moved_in(customer=CustomerFactory(name=f"王{n}")).dossier for n in "一二三四五六七"]
    page = client.get(url, {"q": "王"})
    paginator = page.context["page_obj"].paginator
    assert paginator.capped is True and paginator.count == 5
    listed = list(page.context["page_obj"])
    assert set(listed) <= set(wangs) and listed == sorted(listed, key=lambda d: d.sort_key)
    assert "more than 5 in all: narrow the search" in page.content.decode()
    page = client.get(url, {"q": "王三"})
    assert list(page.context["page_obj"]) == [wangs[2]]
    assert page.context["page_obj"].paginator.capped is False


def test_one_character_finds_the_names_that_start_with_it__R1():
    """A single character is a customer's surname: 王 finds 王五, not 李王 (read from the name
    index's first trigram instead of every row), nor a dossier whose contact is a 王; two
    characters are found anywhere in the name, a contact's too."""
    from customers.models import Contact
    from customers.selectors import dossier_search

    wang = moved_in(customer=CustomerFactory(name="王五")).dossier
    li = moved_in(customer=CustomerFactory(name="李王")).dossier
    zhang = moved_in(customer=CustomerFactory(name="张三"))
    Contact.objects.create(
        customer=zhang.customer,
        kind=Contact.Kind.DAILY,
        name="王六",
        valid_from=datetime.date(2026, 1, 1),
    )
    manager = user_with_role(Role.MANAGER)
    assert list(dossier_search(user=manager, q="王")) == [wang]
    assert list(dossier_search(user=manager, q="李王")) == [li]
    assert list(dossier_search(user=manager, q="王六")) == [zhang.dossier]


def test_two_characters_find_what_contains_them_by_the_bigrams_alone__R1():
    """Two characters anywhere in an archive number or a name, whatever their case; on
    PostgreSQL by the bigram indexes with no LIKE beside them, which let the planner pick the
    trigram index instead and recheck every dossier (100 ms for 12 at 100,000 units)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Customer
    from customers.selectors import _contains

    for name in ("王秀英", "李秀兰", "Smith Jx", "秀"):
        CustomerFactory(name=name)
    for q, found in (
        ("秀英", {"王秀英"}),
        ("秀兰", {"李秀兰"}),
        ("jX", {"Smith Jx"}),
        ("王李", set()),
    ):
        names = set(_contains(Customer.objects.all(), "name", q).values_list("name", flat=True))
        assert names == found, q
    with CaptureQueriesContext(connection) as queries:
        list(_contains(Customer.objects.all(), "name", "秀英"))
    if connection.vendor == "postgresql":
        assert "archive_bigrams" in queries[0]["sql"] and "LIKE" not in queries[0]["sql"]


def test_the_dossier_page_costs_the_same_queries_at_10_and_500_timeline_lines__R6(client):
    from customers.models import DossierEvent

    user = user_with_role(Role.MANAGER)
    client.force_login(user)
    dossier = dossier_for()
    first = moved_in(dossier)
    url = reverse("customers:dossier_detail", args=[dossier.pk])

    def lines(start, stop):
        DossierEvent.objects.bulk_create(
            DossierEvent(
                dossier=dossier,
                section=first,
                kind=DossierEvent.Kind.CONTACT,
                occurred_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
                title=f"line {i}",
                actor=user,
            )
            for i in range(start, stop)
        )

    lines(0, 10 - dossier.events.count())
    _queries(client, url)  # warms per-process caches
    small, page = _queries(client, url)
    assert page.context["timeline_page"].paginator.count == 10
    lines(10, 500)
    services.occupancy_move_out(
        occupancy=first, moved_out=datetime.date(2024, 5, 1), actor=user_with_role(Role.FRONT_DESK)
    )
    moved_in(dossier, day=datetime.date(2024, 6, 1))
    moved_in(dossier, role=Occupancy.Role.TENANT, day=datetime.date(2024, 7, 1))
    for occupancy in dossier.occupancies.all():
        services.contact_add(
            customer=occupancy.customer,
            data={"kind": "daily", "name": "周杰", "mobile": "13700000000"},
            actor=user,
        )
    large, page = _queries(client, url)
    assert page.context["timeline_page"].paginator.count >= 500
    assert large == small
    assert _queries(client, url, page=20)[0] == small


# --- The list's order in one indexed column (R1) ------------------------------------------------
def test_the_sort_key_orders_as_estate_building_floor_entrance_and_room__R1(client):
    from customers.dossiers import unit_sort_key

    from .factories import EstateFactory

    a, b = EstateFactory(code="A"), EstateFactory(code="AB")
    a1, a10, a2 = (BuildingFactory(estate=a, number=n) for n in ("1", "10", "2"))
    units = [
        UnitFactory(building=a1, floor=-1, entrance="", room="B01"),
        UnitFactory(building=a1, floor=2, entrance="", room="202"),
        UnitFactory(building=a1, floor=2, entrance="1", room="201"),
        UnitFactory(building=a1, floor=2, entrance="1", room="2011"),
        UnitFactory(building=a1, floor=12, entrance="", room="1201"),
        UnitFactory(building=a10, floor=1, entrance="", room="101"),
        UnitFactory(building=a2, floor=1, entrance="", room="101"),
        UnitFactory(building=BuildingFactory(estate=b, number="1"), floor=1, room="101"),
    ]
    expected = sorted(
        units,
        key=lambda u: (u.building.estate.code, u.building.number, u.floor, u.entrance, u.room),
    )
    assert sorted(units, key=unit_sort_key) == expected
    dossiers = {dossier_for(unit).unit_id: unit for unit in reversed(units)}
    assert len(dossiers) == len(units)
    client.force_login(user_with_role(Role.MANAGER))
    rows = list(client.get(reverse("customers:dossier_list")).context["page_obj"])
    assert [d.unit_id for d in rows] == [u.pk for u in expected]


def test_the_sort_key_follows_a_renumbered_unit_building_or_estate__R1():
    from customers.dossiers import unit_sort_key

    unit = UnitFactory(floor=3, room="301")
    dossier = dossier_for(unit)
    assert dossier.sort_key == unit_sort_key(unit)
    for thing, field, value in (
        (unit, "floor", 4),
        (unit, "room", "401"),
        (unit.building, "number", "9"),
        (unit.building.estate, "code", "ZZ"),
    ):
        setattr(thing, field, value)
        thing.save()  # as the admin and the units' import save them
        dossier.refresh_from_db()
        fresh = type(unit).objects.select_related("building__estate").get(pk=unit.pk)
        assert dossier.sort_key == unit_sort_key(fresh), field


def test_the_migration_writes_every_dossier_s_sort_key__R1():
    import importlib

    from django.apps import apps

    from customers.dossiers import unit_sort_key

    migration = importlib.import_module("customers.migrations.0008_dossier_sort_key")
    dossiers = [dossier_for(UnitFactory(floor=f, room=f"{f}01")) for f in (-2, 1, 30)]
    Dossier.objects.update(sort_key="")
    migration.fill_sort_keys(apps, None)
    for dossier in dossiers:
        dossier.refresh_from_db()
        assert dossier.sort_key == unit_sort_key(dossier.unit) != ""


@pytest.mark.postgres
def test_the_first_page_is_read_in_order_from_the_sort_key_index__R1():
    """No sort of every visible dossier: with sorting forbidden, the plan still exists, so the
    index gives the order (the first page took 176 ms at 100,000 units, docs/PERFORMANCE.md)."""
    from django.db import connection

    from customers.selectors import dossier_search

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for _ in range(3):
        moved_in()
    query = dossier_search(user=user_with_role(Role.MANAGER))[:25]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dossier_sort_key_idx" in plan, plan
    assert " Sort " not in plan and "Sort Key" not in plan, plan
    # the sight of the dossiers reads only the confidential ones, from their partial index
    assert "dossier_confidential_idx" in plan, plan
