"""The customers admin: unit import, masking (R16), visibility (R17), locked records (R9) and
the permanent archive number (R2)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from core.models import AccessLog
from core.roles import Role
from customers import permissions, services
from customers.models import (
    ArchiveNumber,
    Building,
    Contact,
    Customer,
    Dossier,
    Estate,
    HouseholdMember,
    Occupancy,
    ServiceCentre,
    Unit,
)
from tests.factories import UserFactory, user_with_role

from .factories import resident_id_of

pytestmark = pytest.mark.django_db

RAW_ID = resident_id_of("11010119900307451")  # born 1990-03-07, male (odd 17th digit)
RAW_MOBILE = "13812345678"
RAW_ADDRESS = "上海市浦东新区世纪大道100号"


# --- objects ----------------------------------------------------------------------------
@pytest.fixture
def staff(db):
    """A user of the administrator role (staff, every customers permission but reveal)."""
    return user_with_role(Role.ADMIN)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def estate(db):
    centre = ServiceCentre.objects.create(name="第一服务中心", code="SC1")
    estate = Estate.objects.create(name="翠湖苑", code="CH", service_centre=centre)
    Building.objects.create(estate=estate, number="1")
    return estate


def make_unit(estate, room, building="1", entrance="1", floor=12):
    building, _ = Building.objects.get_or_create(estate=estate, number=building)
    return Unit.objects.create(building=building, entrance=entrance, floor=floor, room=room)


def open_dossier(unit, actor, secrecy="C"):
    dossier = services.dossier_open(unit=unit, actor=actor)
    if secrecy != "C":
        dossier = services.dossier_set_secrecy(
            dossier=dossier,
            secrecy_level=secrecy,
            retention=dossier.retention,
            reason="特殊材料",
            actor=actor,
        )
    return dossier


def make_customer(locked=False, **kwargs):
    data = {
        "kind": Customer.Kind.INDIVIDUAL,
        "name": "张伟",
        "sex": "M",
        "birth_date": datetime.date(1990, 3, 7),
        "id_number": RAW_ID,
        "mobile": RAW_MOBILE,
        "address": RAW_ADDRESS,
        "locked": locked,
        **kwargs,
    }
    customer = Customer(**data)
    customer.full_clean()
    customer.save()
    return customer


def settle(dossier, customer, recorder):
    """The customer's section in the dossier, as after a verified move-in."""
    return Occupancy.objects.create(
        dossier=dossier,
        customer=customer,
        role=Occupancy.Role.OWNER,
        section_number=1,
        status=Occupancy.Status.ACTIVE,
        moved_in=datetime.date(2024, 1, 1),
        recorded_by=recorder,
    )


# --- (a) unit import --------------------------------------------------------------------
# A bulk import needs a good backup of the last BACKUP_FRESH_MINUTES (R44): the import tests
# make a real one first (``fresh_backup``); the refusal without one is tested with the backups
# (tests/reports/test_safeguards.py).
HEADER = "小区编码,楼栋,单元,楼层,房号,用途,面积\n"
GOOD_CSV = HEADER + "CH,1,1,12,1201,住宅,89.5\nCH,1,1,12,1202,residential,\nCH,2,,1,101,商铺,120\n"


def _format(title):
    unit_admin = django_admin.site._registry[Unit]
    formats = [f().get_title() for f in unit_admin.get_import_formats()]
    return str(formats.index(title))


def upload(client, content: bytes, name="units.csv", title="csv"):
    """Step 1 of import-export's flow: the dry run and its preview page."""
    return client.post(
        reverse("admin:customers_unit_import"),
        {
            "resource": "0",
            "format": _format(title),
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client, preview):
    """Step 2: the confirm form of the preview, posted back."""
    form = preview.context["confirm_form"]
    assert form is not None, "the preview offers no confirmation"
    return client.post(reverse("admin:customers_unit_process_import"), {**form.initial})


def test_csv_import_creates_units_and_missing_buildings(staff_client, estate, fresh_backup):
    preview = upload(staff_client, GOOD_CSV.encode())
    assert preview.status_code == 200
    assert preview.context["result"].totals["new"] == 3
    assert Unit.objects.count() == 0  # the preview is a dry run

    done = confirm(staff_client, preview)

    assert done.status_code == 302
    assert done.url == reverse("admin:customers_unit_changelist")
    assert Unit.objects.count() == 3
    new_building = Building.objects.get(estate=estate, number="2")  # created on the fly
    shop = Unit.objects.get(building=new_building, room="101")
    assert (shop.entrance, shop.floor, shop.usage, shop.area) == ("", 1, "commercial", Decimal(120))
    flat = Unit.objects.get(building__number="1", room="1201")
    assert (flat.usage, flat.area) == ("residential", Decimal("89.50"))
    assert Unit.objects.get(room="1202").area is None


def test_reimporting_the_same_file_creates_nothing(staff_client, estate, fresh_backup):
    confirm(staff_client, upload(staff_client, GOOD_CSV.encode()))
    units, buildings = Unit.objects.count(), Building.objects.count()

    preview = upload(staff_client, GOOD_CSV.encode())

    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, 3)
    confirm(staff_client, preview)
    assert (Unit.objects.count(), Building.objects.count()) == (units, buildings)


def test_reimport_updates_a_changed_row(staff_client, estate, fresh_backup):
    confirm(staff_client, upload(staff_client, GOOD_CSV.encode()))
    changed = GOOD_CSV.replace("CH,1,1,12,1201,住宅,89.5", "CH,1,1,12,1201,办公,90")

    preview = upload(staff_client, changed.encode())

    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 1, 2)
    confirm(staff_client, preview)
    unit = Unit.objects.get(room="1201")
    assert (unit.usage, unit.area) == ("office", Decimal(90))
    assert Unit.objects.count() == 3


def test_bad_rows_are_reported_by_row_and_nothing_is_imported(staff_client, estate, fresh_backup):
    content = HEADER + (
        "CH,1,1,12,1201,住宅,89.5\n"  # 1: good
        "ZZ,1,1,3,301,住宅,80\n"  # 2: unknown estate code
        "CH,9,1,abc,302,住宅,80\n"  # 3: floor not a number
        "CH,1,1,3,303,仓库,80\n"  # 4: not a usage
        "CH,1,1,3,,住宅,80\n"  # 5: no room
    )

    response = upload(staff_client, content.encode())

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    invalid = {
        row.number: row.field_specific_errors for row in response.context["result"].invalid_rows
    }
    assert sorted(invalid) == [2, 3, 4, 5]
    assert "楼栋" in invalid[2] and "ZZ" in invalid[2]["楼栋"][0]  # named by the file's headers
    assert "楼层" in invalid[3]
    assert "用途" in invalid[4]
    assert "房号" in invalid[5]
    html = response.content.decode()
    for shown in ("ZZ", "abc", "仓库"):
        assert shown in html
    assert Unit.objects.count() == 0
    assert not Building.objects.filter(number="9").exists()  # the dry run was rolled back


def test_data_changed_between_preview_and_confirm_imports_nothing(
    staff_client, estate, fresh_backup
):
    preview = upload(staff_client, GOOD_CSV.encode())
    Estate.objects.filter(pk=estate.pk).update(code="CX")  # the rows' estate code is gone

    done = confirm(staff_client, preview)

    assert done.status_code == 302
    assert done.url == reverse("admin:customers_unit_import")
    assert Unit.objects.count() == 0
    assert not Building.objects.filter(number="2").exists()


def test_file_without_required_columns_is_refused(staff_client, estate, fresh_backup):
    response = upload(staff_client, "小区编码,楼栋,楼层\nCH,1,12\n".encode())

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert response.context["result"].has_errors()
    assert "房号" in response.content.decode()
    assert Unit.objects.count() == 0


def test_xlsx_import(staff_client, estate, fresh_backup):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["小区编码", "楼栋", "单元", "楼层", "房号", "用途", "面积"])
    sheet.append(["CH", 3, None, 5, 501, "办公", 66.6])
    sheet.append(["CH", 3, None, -1, "B01", "商铺", None])
    sheet.append([None] * 7)  # the empty, formatted rows a spreadsheet often ends with
    data = io.BytesIO()
    book.save(data)

    preview = upload(staff_client, data.getvalue(), name="units.xlsx", title="xlsx")
    assert preview.context["result"].totals["new"] == 2
    confirm(staff_client, preview)

    office = Unit.objects.get(building__estate=estate, building__number="3", room="501")
    assert (office.entrance, office.floor, office.usage) == ("", 5, "office")
    assert office.area == Decimal("66.60")
    assert Unit.objects.get(room="B01").floor == -1


def test_gbk_csv_from_excel_imports(staff_client, estate, fresh_backup):
    preview = upload(staff_client, GOOD_CSV.encode("gb18030"))

    assert preview.context["result"].totals["new"] == 3
    confirm(staff_client, preview)
    assert Unit.objects.count() == 3


def test_import_needs_the_add_unit_permission(client, estate):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_unit"))
    client.force_login(viewer)

    assert client.get(reverse("admin:customers_unit_import")).status_code == 403
    assert upload(client, GOOD_CSV.encode()).status_code == 403
    changelist = client.get(reverse("admin:customers_unit_changelist"))
    assert reverse("admin:customers_unit_import") not in changelist.content.decode()
    assert Unit.objects.count() == 0


def test_units_are_not_exported():
    with pytest.raises(NoReverseMatch):
        reverse("admin:customers_unit_export")


# --- (b) masking ------------------------------------------------------------------------
@pytest.fixture
def settled(estate, root):
    """A customer with a section in a level-C dossier, a contact and a household member."""
    dossier = open_dossier(make_unit(estate, "1201"), root)
    customer = make_customer()
    settle(dossier, customer, root)
    Contact.objects.create(
        customer=customer,
        kind="emergency",
        name="李娜",
        mobile="13912345678",
        valid_from=datetime.date(2024, 1, 1),
        recorded_by=root,
    )
    HouseholdMember.objects.create(
        customer=customer,
        name="张小明",
        relation="子",
        id_number=resident_id_of("11010120150101002"),
    )
    return dossier, customer


def test_admin_shows_personal_data_masked__R16(staff_client, settled):
    _dossier, customer = settled

    pages = {
        "customers": staff_client.get(reverse("admin:customers_customer_changelist")),
        "customer": staff_client.get(
            reverse("admin:customers_customer_change", args=[customer.pk])
        ),
        "contacts": staff_client.get(reverse("admin:customers_contact_changelist")),
        "members": staff_client.get(reverse("admin:customers_householdmember_changelist")),
    }

    html = {name: page.content.decode() for name, page in pages.items()}
    assert all(page.status_code == 200 for page in pages.values())
    assert "110101********" in html["customers"] and "138****5678" in html["customers"]
    assert "110101********" in html["customer"] and "上海市浦东新****" in html["customer"]
    assert "139****5678" in html["contacts"]
    assert "110101********" in html["members"]
    for page in html.values():
        for raw in (RAW_ID, RAW_MOBILE, RAW_ADDRESS, "13912345678"):
            assert raw not in page


def test_history_shows_changes_masked__R16(staff_client, settled):
    _dossier, customer = settled
    customer.mobile = "13900001111"
    customer.save()

    page = staff_client.get(reverse("admin:customers_customer_history", args=[customer.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "139****1111" in html
    assert "13900001111" not in html and RAW_MOBILE not in html
    version = customer.history.first()
    form = staff_client.get(
        reverse("admin:customers_customer_simple_history", args=[customer.pk, version.pk])
    )
    assert form.status_code == 200
    assert "13900001111" not in form.content.decode()
    revert = staff_client.post(
        reverse("admin:customers_customer_simple_history", args=[customer.pk, version.pk]), {}
    )
    assert revert.status_code == 403  # no revert past the services


def test_change_request_values_are_masked__R16(staff_client, settled, root):
    dossier, customer = settled
    customer.locked = True
    customer.save()
    change = services.customer_update(
        customer=customer,
        data={"mobile": "13700002222"},
        actor=root,
        dossier=dossier,
        reason="业主来电",
    )

    page = staff_client.get(reverse("admin:customers_changerequest_change", args=[change.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "137****2222" in html and "138****5678" in html
    assert "13700002222" not in html and RAW_MOBILE not in html


def test_search_by_exact_id_number_finds_the_customer(staff_client, settled):
    page = staff_client.get(reverse("admin:customers_customer_changelist"), {"q": RAW_ID})
    assert page.context["cl"].result_count == 1
    partial = staff_client.get(reverse("admin:customers_customer_changelist"), {"q": RAW_ID[:10]})
    assert partial.context["cl"].result_count == 0


# --- (c) visibility ---------------------------------------------------------------------
def test_confidential_dossier_hidden_in_admin_until_granted__R17(staff_client, staff, estate, root):
    open_dossier(make_unit(estate, "1201"), root)
    secret = open_dossier(make_unit(estate, "1502", floor=15), root, secrecy="B")
    customer = make_customer(name="保密客户")
    settle(secret, customer, root)
    change_url = reverse("admin:customers_dossier_change", args=[secret.pk])
    hidden_urls = [
        reverse("admin:customers_dossier_history", args=[secret.pk]),
        reverse("admin:customers_dossier_permissions", args=[secret.pk]),
        reverse("admin:customers_customer_history", args=[customer.pk]),
    ]

    listing = staff_client.get(reverse("admin:customers_dossier_changelist"))
    assert "CH-1-1-1201" in listing.content.decode()
    assert secret.archive_number not in listing.content.decode()
    change = staff_client.get(change_url)
    assert change.status_code == 404 or change.url == reverse("admin:index")
    for url in hidden_urls:
        assert staff_client.get(url).status_code == 404, url
    version = secret.history.first().pk
    for url in (
        reverse("admin:customers_dossier_simple_history", args=[secret.pk, version]),
        reverse("admin:customers_dossier_simple_history", args=["nope", version]),
    ):
        assert staff_client.get(url).status_code == 404, url
    customers = staff_client.get(reverse("admin:customers_customer_changelist"))
    assert "保密客户" not in customers.content.decode()
    for name in ("occupancy", "changerequest", "archivenumber"):
        page = staff_client.get(reverse(f"admin:customers_{name}_changelist"))
        assert secret.archive_number not in page.content.decode(), name

    permissions.grant_dossier(staff, secret)

    listing = staff_client.get(reverse("admin:customers_dossier_changelist"))
    assert secret.archive_number in listing.content.decode()
    assert staff_client.get(change_url).status_code == 200
    assert AccessLog.objects.filter(  # R21: the view of a confidential dossier is logged
        user=staff, action=AccessLog.Action.VIEW, object_id=str(secret.pk)
    ).exists()
    for url in hidden_urls:
        expected = 403 if "permissions" in url else 200  # grants are for superusers
        assert staff_client.get(url).status_code == expected, url
    customers = staff_client.get(reverse("admin:customers_customer_changelist"))
    assert "保密客户" in customers.content.decode()


def test_superuser_sees_every_dossier(client, root, estate):
    secret = open_dossier(make_unit(estate, "1502"), root, secrecy="A")
    client.force_login(root)
    listing = client.get(reverse("admin:customers_dossier_changelist"))
    assert secret.archive_number in listing.content.decode()


# --- (d) locked records -----------------------------------------------------------------
def test_locked_customer_is_read_only_in_admin__R9(staff_client, estate, root):
    dossier = open_dossier(make_unit(estate, "1201"), root)
    customer = make_customer(locked=True)
    settle(dossier, customer, root)
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    page = staff_client.get(url)

    html = page.content.decode()
    assert page.status_code == 200
    for field in ("name", "sex", "birth_date", "id_number", "mobile", "address", "notes", "locked"):
        assert f'name="{field}"' not in html, field
    assert "110101********" in html and RAW_ID not in html
    refused = staff_client.post(url, {"name": "改名", "notes": "x"})
    assert refused.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "张伟"


def test_unconfirmed_customer_is_corrected_through_the_service__R9(staff_client, estate, root):
    dossier = open_dossier(make_unit(estate, "1201"), root)
    customer = make_customer()
    settle(dossier, customer, root)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    assert 'name="name"' in staff_client.get(url).content.decode()
    assert 'name="id_number"' not in staff_client.get(url).content.decode()  # masked (R16)

    response = staff_client.post(
        url,
        {
            "name": "张伟强",
            "sex": "M",
            "birth_date": "1990-03-07",
            "tax_number": "",
            "legal_representative": "",
            "licence_valid_until": "",
            "annual_review_date": "",
            "email": "",
            "notes": "",
            "locked": "on",
        },
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.id_number, customer.locked) == ("张伟强", RAW_ID, False)
    assert customer.history.first().history_change_reason  # written by customer_update


def test_invalid_stored_data_is_reported_on_the_form_not_a_crash(staff_client, estate, root):
    dossier = open_dossier(make_unit(estate, "1201"), root)
    customer = make_customer()
    Customer.objects.filter(pk=customer.pk).update(mobile="")  # legacy data: no phone at all
    settle(dossier, customer, root)
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    response = staff_client.post(url, {"name": "张伟强", "sex": "M", "birth_date": "1990-03-07"})

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    customer.refresh_from_db()
    assert customer.name == "张伟"


def test_nothing_with_a_history_is_deleted_in_admin(staff_client, settled, root):
    dossier, customer = settled
    change = services.customer_update(
        customer=customer, data={"notes": "备注"}, actor=root, dossier=dossier
    )
    assert isinstance(change, Customer)  # unconfirmed: saved directly
    for name, pk in [
        ("customer", customer.pk),
        ("dossier", dossier.pk),
        ("occupancy", dossier.occupancies.get().pk),
    ]:
        url = reverse(f"admin:customers_{name}_delete", args=[pk])
        assert staff_client.get(url).status_code == 403, name
    assert Customer.objects.filter(pk=customer.pk).exists()


# --- (e) archive number -----------------------------------------------------------------
def test_archive_number_cannot_be_changed_in_admin__R2(staff_client, estate, root, client):
    dossier = open_dossier(make_unit(estate, "1201"), root)
    other = make_unit(estate, "1202")
    url = reverse("admin:customers_dossier_change", args=[dossier.pk])
    number, unit_id = dossier.archive_number, dossier.unit_id

    page = staff_client.get(url)
    assert 'name="archive_number"' not in page.content.decode()
    assert number in page.content.decode()
    data = {
        "archive_number": "HACKED-1",
        "unit": other.pk,
        "secrecy_level": "C",
        "retention": "long",
        "opened_on": "2000-01-01",
    }
    # the administrator role does not set secrecy and retention: a manager's decision
    assert staff_client.post(url, data).status_code == 403

    client.force_login(root)  # a superuser may, and still only through the service
    response = client.post(url, data)

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.archive_number, dossier.unit_id, dossier.retention) == (number, unit_id, "long")
    assert dossier.opened_on != datetime.date(2000, 1, 1)
    assert dossier.history.first().history_change_reason  # through dossier_set_secrecy


def test_dossier_added_in_admin_is_opened_by_the_service__R2(staff_client, estate):
    unit = make_unit(estate, "1201")

    response = staff_client.post(
        reverse("admin:customers_dossier_add"),
        {
            "unit": unit.pk,
            "opened_on": "2024-05-06",
            "archive_number": "HACKED-2",
        },
    )

    assert response.status_code == 302
    dossier = Dossier.objects.get(unit=unit)
    assert dossier.archive_number == services.format_archive_number(unit) == "CH-1-1-1201"
    assert ArchiveNumber.objects.get(number="CH-1-1-1201").dossier == dossier
    assert dossier.opened_on == datetime.date(2024, 5, 6)


def test_dossier_admin_combines_guardian_and_history(staff_client, estate, root):
    dossier = open_dossier(make_unit(estate, "1201"), root)
    for name in ("change", "history"):
        url = reverse(f"admin:customers_dossier_{name}", args=[dossier.pk])
        assert staff_client.get(url).status_code == 200, name
    staff_client.force_login(root)  # the object-permission page is for superusers
    url = reverse("admin:customers_dossier_permissions", args=[dossier.pk])
    assert staff_client.get(url).status_code == 200


def test_only_superusers_grant_dossier_access_in_admin__R17(staff_client, staff, root, estate):
    dossier = open_dossier(make_unit(estate, "909"), root)
    url = reverse("admin:customers_dossier_permissions", args=[dossier.pk])
    assert staff_client.get(url).status_code == 403
    staff_client.force_login(root)
    assert staff_client.get(url).status_code == 200
