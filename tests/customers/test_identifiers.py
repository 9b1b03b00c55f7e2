"""One canonical form for ID numbers, credit codes and phones (R4).

Whatever the front desk typed (full-width digits from a Chinese input method, spaces, dashes,
+86, parentheses around an area code), what is stored is the canonical form: so the unique
constraints hold and the search finds the customer however the number is typed again."""

import datetime

import pytest
from django.db import connection
from django.utils import translation

from core.roles import Role
from customers import selectors, services
from customers.forms import ContactForm, CustomerForm, HouseholdMemberForm
from customers.models import Contact, Customer, HouseholdMember
from tests.factories import user_with_role

from .factories import (
    CustomerFactory,
    EnterpriseFactory,
    credit_code_of,
    dossier_for,
    moved_in,
    resident_id_of,
)

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"  # the worked example of GB 11643-1999: born 1949-12-31, female
FULL_WIDTH_ID = "１１０１０５１９４９１２３１００２ｘ"
MEMBER_ID = resident_id_of("11010120100501001")
LETTERED_CODE = credit_code_of("N2330106MF0123456")  # python-stdnum refuses it


@pytest.fixture(autouse=True)
def _english():
    """The messages are compared in their English source form."""
    with translation.override("en"):
        yield


def to_full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)


def individual(**extra):
    data = {
        "kind": Customer.Kind.INDIVIDUAL,
        "name": "王秀英",
        "sex": "F",
        "birth_date": "1949-12-31",
        "id_number": FULL_WIDTH_ID,
        "mobile": "+86 138-1234-5678",
        "landline": "（021）1234-5678",
        "address": "上海市黄浦区人民大道200号",
    }
    data.update(extra)
    return data


def enterprise(**extra):
    data = {
        "kind": Customer.Kind.ENTERPRISE,
        "name": "某某村股份经济合作社",
        "credit_code": f"{LETTERED_CODE[:2]} {LETTERED_CODE[2:8]}-{LETTERED_CODE[8:]}".lower(),
        "landline": "(0571) 8765 4321 转 808",
    }
    data.update(extra)
    return data


def stored(customer, *fields):
    """The values as the database holds them (not as the instance has them)."""
    return Customer.objects.filter(pk=customer.pk).values(*fields).get()


def register(data):
    form = CustomerForm(data)
    assert form.is_valid(), form.errors
    return services.customer_register(data=form.cleaned_data, actor=user_with_role(Role.FRONT_DESK))


# --- What is stored --------------------------------------------------------------------
def test_individual_typed_any_way_is_stored_in_canonical_form__R4():
    customer = register(individual())
    assert stored(customer, "id_number", "mobile", "landline") == {
        "id_number": ID,
        "mobile": "13812345678",
        "landline": "021-12345678",
    }


def test_enterprise_with_a_lettered_credit_code_is_stored_in_canonical_form__R4():
    customer = register(enterprise())
    assert stored(customer, "credit_code", "landline") == {
        "credit_code": LETTERED_CODE,
        "landline": "0571-87654321-808",
    }


def test_the_input_lets_a_number_be_typed_with_spaces__R4():
    form = CustomerForm(individual(id_number="110105 19491231 002x"))
    # the browser must let the 20 characters in, and the form must not count them
    assert int(form.fields["id_number"].widget.attrs["maxlength"]) >= 30
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == ID


def test_a_malformed_number_gets_one_message_that_says_what_is_wrong__R4():
    form = CustomerForm(individual(id_number="11010519491231002", mobile="1381234567"))
    assert not form.is_valid()
    assert form.errors["id_number"] == ["This resident ID number has 17 characters; it needs 18."]
    assert form.errors["mobile"] == ["A mobile number has 11 digits; this one has 10."]


def test_saving_and_updating_past_the_forms_store_the_canonical_form_too__R4():
    """Services, the shell and Celery write models directly: the fields normalise there."""
    customer = CustomerFactory(
        id_number=" 110105-19491231 002x ",
        mobile="１３８ １２３４ ５６７８",
        landline="(010)87654321",
    )
    assert customer.id_number == ID  # the instance too, not only the row
    assert stored(customer, "id_number", "mobile", "landline") == {
        "id_number": ID,
        "mobile": "13812345678",
        "landline": "010-87654321",
    }
    Customer.objects.filter(pk=customer.pk).update(mobile="+86 139 0000 1111")
    assert stored(customer, "mobile") == {"mobile": "13900001111"}
    # and a lookup typed any way finds the row
    assert Customer.objects.get(id_number=FULL_WIDTH_ID) == customer
    assert Customer.objects.get(mobile="139-0000-1111") == customer


def test_household_members_and_contacts_are_stored_in_canonical_form__R4():
    customer = CustomerFactory()
    member = HouseholdMemberForm(
        {
            "name": "王小明",
            "relation": "子",
            "sex": "M",
            "birth_date": "2010-05-01",
            "id_number": f"{MEMBER_ID[:6]} {MEMBER_ID[6:14]} {MEMBER_ID[14:]}",
            "mobile": "＋８６ １３７ ００００ ０１１１",
        }
    )
    assert member.is_valid(), member.errors
    member.instance.customer = customer
    member.save()
    assert HouseholdMember.objects.filter(pk=member.instance.pk).values(
        "id_number", "mobile"
    ).get() == {"id_number": MEMBER_ID, "mobile": "13700000111"}

    contact = ContactForm(
        {
            "kind": Contact.Kind.EMERGENCY,
            "name": "李四",
            "mobile": "0086 136-0000-2222",
            "landline": "+86 (0)755 1234567",
            "valid_from": "2026-01-01",
        }
    )
    assert contact.is_valid(), contact.errors
    contact.instance.customer = customer
    contact.save()
    assert Contact.objects.filter(pk=contact.instance.pk).values("mobile", "landline").get() == {
        "mobile": "13600002222",
        "landline": "0755-1234567",
    }


# --- The unique constraints hold whatever was typed --------------------------------------
@pytest.mark.parametrize("typed", [FULL_WIDTH_ID, "110105 19491231 002x", "110105-19491231-002X"])
def test_a_second_customer_with_the_same_id_typed_otherwise_is_refused_beside_the_field__R4(
    typed,
):
    register(individual(id_number=ID))
    form = CustomerForm(individual(id_number=typed, name="另一个人"))
    assert not form.is_valid()
    assert form.errors["id_number"] == [
        "A customer with this resident ID number is already on file."
    ]
    assert Customer.objects.count() == 1


def test_a_second_enterprise_with_the_same_credit_code_typed_otherwise_is_refused__R4():
    register(enterprise())
    form = CustomerForm(enterprise(credit_code=to_full_width(LETTERED_CODE), name="另一家"))
    assert not form.is_valid()
    assert form.errors["credit_code"] == [
        "A customer with this unified social credit code is already on file."
    ]
    assert Customer.objects.count() == 1


def test_the_service_refuses_the_duplicate_with_a_field_error_not_an_integrity_error__R4():
    from django.core.exceptions import ValidationError

    register(individual(id_number=ID))
    data = {
        "kind": Customer.Kind.INDIVIDUAL,
        "name": "另一个人",
        "sex": "F",
        "birth_date": datetime.date(1949, 12, 31),
        "id_number": FULL_WIDTH_ID,
        "mobile": "13812345678",
    }
    with pytest.raises(ValidationError) as excinfo:
        services.customer_register(data=data, actor=user_with_role(Role.FRONT_DESK))
    assert excinfo.value.message_dict["id_number"] == [
        "A customer with this resident ID number is already on file."
    ]
    assert Customer.objects.count() == 1


# --- The search finds what is stored, typed any way ---------------------------------------
@pytest.fixture
def settled():
    """A visible dossier whose occupant has ID, mobile and landline on file."""
    customer = CustomerFactory(
        name="王秀英",
        sex="F",
        birth_date=datetime.date(1949, 12, 31),
        id_number=ID,
        mobile="13812345678",
        landline="021-12345678",
    )
    dossier = dossier_for()
    moved_in(dossier, customer)
    return dossier


@pytest.mark.parametrize(
    "typed",
    [
        FULL_WIDTH_ID,
        "110105 19491231 002x",
        "110105-19491231-002X",
        "+86 138 1234 5678",
        "１３８１２３４５６７８",
        "138-1234-5678",
        "(021)1234-5678",
        "（０２１）１２３４５６７８",
        "021 12345678",
    ],
)
def test_search_finds_the_customer_however_the_number_is_typed__R4(settled, typed):
    found = selectors.dossier_search(user=user_with_role(Role.MANAGER), q=typed)
    assert list(found) == [settled]


def test_search_finds_an_enterprise_by_its_lettered_credit_code_typed_otherwise__R4():
    customer = EnterpriseFactory(credit_code=LETTERED_CODE)
    dossier = dossier_for()
    moved_in(dossier, customer)
    for typed in (
        LETTERED_CODE.lower(),
        to_full_width(LETTERED_CODE),
        f"{LETTERED_CODE[:9]} {LETTERED_CODE[9:]}",
    ):
        found = selectors.dossier_search(user=user_with_role(Role.MANAGER), q=typed)
        assert list(found) == [dossier], typed


def test_stored_values_are_canonical_in_the_database_column__R4():
    """Not a cached attribute: the raw column, read with SQL."""
    customer = register(individual())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, mobile, landline FROM customers_customer WHERE id = %s",
            [customer.pk],
        )
        assert cursor.fetchone() == (ID, "13812345678", "021-12345678")


# --- Rows stored before: the data migration ----------------------------------------------
def _raw_update(table, pk, **values):
    """Write values as typed, past the fields' normalisation (as rows were stored before)."""
    columns = ", ".join(f"{name} = %s" for name in values)
    with connection.cursor() as cursor:
        sql = f"UPDATE {table} SET {columns} WHERE id = %s"  # noqa: S608 - the test's own names
        cursor.execute(sql, [*values.values(), pk])


def test_the_data_migration_normalises_stored_rows_and_reports_duplicates__R4(capsys):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("customers.migrations.0006_canonical_identifiers")
    first = CustomerFactory(id_number=ID, sex="F", birth_date=datetime.date(1949, 12, 31))
    second = CustomerFactory()
    enterprise_row = EnterpriseFactory(credit_code=LETTERED_CODE)
    member = HouseholdMember.objects.create(customer=first, name="王小明", relation="子")
    contact = Contact.objects.create(
        customer=first, kind=Contact.Kind.DAILY, name="李四", valid_from=datetime.date(2026, 1, 1)
    )
    _raw_update("customers_customer", first.pk, landline="（021）1234-5678")
    # the same person entered twice: once canonical, once in full-width digits
    _raw_update(
        "customers_customer", second.pk, id_number=FULL_WIDTH_ID, mobile="+86 138 1234 5678"
    )
    _raw_update("customers_customer", enterprise_row.pk, credit_code=LETTERED_CODE.lower())
    _raw_update(
        "customers_householdmember",
        member.pk,
        id_number=to_full_width(MEMBER_ID).lower(),
        mobile="137 0000 0111",
    )
    _raw_update(
        "customers_contact", contact.pk, mobile="0086-136-0000-2222", landline="(010)87654321"
    )

    migration.normalize_stored_values(apps, None)

    assert stored(first, "id_number", "landline") == {"id_number": ID, "landline": "021-12345678"}
    # the duplicate is left as stored (the constraint would refuse it) and reported
    assert stored(second, "id_number", "mobile") == {
        "id_number": FULL_WIDTH_ID,
        "mobile": "13812345678",
    }
    assert stored(enterprise_row, "credit_code") == {"credit_code": LETTERED_CODE}
    assert HouseholdMember.objects.filter(pk=member.pk).values("id_number", "mobile").get() == {
        "id_number": MEMBER_ID,
        "mobile": "13700000111",
    }
    assert Contact.objects.filter(pk=contact.pk).values("mobile", "landline").get() == {
        "mobile": "13600002222",
        "landline": "010-87654321",
    }
    out = capsys.readouterr().out
    assert f"customers.Customer {second.pk}: id_number left as stored" in out
    assert f"customers.Customer {first.pk}" in out
    assert ID not in out and FULL_WIDTH_ID not in out  # no personal data on the console (R16)
    # run again: nothing more to do, the same report
    migration.normalize_stored_values(apps, None)
    assert capsys.readouterr().out == out
