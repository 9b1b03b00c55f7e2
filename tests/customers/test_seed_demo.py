"""``manage.py seed_demo``: bulk demo data that keeps the archive's rules."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.validators import (
    resident_id_birth_date,
    resident_id_sex,
    validate_credit_code,
    validate_landline,
    validate_mobile,
    validate_resident_id,
)
from customers.models import (
    ArchiveNumber,
    Contact,
    Customer,
    Dossier,
    Estate,
    HouseholdMember,
    Occupancy,
    Unit,
)
from customers.services import format_archive_number

pytestmark = pytest.mark.django_db

UNITS = 60


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def seeded(debug):
    seed(units=UNITS)


def test_one_dossier_per_unit__R1(seeded):
    assert Unit.objects.count() == UNITS
    assert Dossier.objects.count() == UNITS
    assert not Unit.objects.filter(dossier__isnull=True).exists()
    assert len(set(Dossier.objects.values_list("unit_id", flat=True))) == UNITS
    assert Estate.objects.count() >= 2  # spread over estates and buildings
    assert Unit.objects.values("building").distinct().count() >= 2


def test_archive_numbers_are_unique_and_derived_from_the_unit__R2(seeded):
    dossiers = list(Dossier.objects.select_related("unit__building__estate"))
    numbers = [d.archive_number for d in dossiers]
    assert len(set(numbers)) == len(numbers)
    for dossier in dossiers:
        assert dossier.archive_number == format_archive_number(dossier.unit)
    issued = dict(ArchiveNumber.objects.values_list("number", "dossier_id"))
    assert issued == {d.archive_number: d.pk for d in dossiers}


def test_resident_ids_are_valid_and_agree_with_birth_date_and_sex__R4(seeded):
    individuals = Customer.objects.filter(kind=Customer.Kind.INDIVIDUAL)
    assert individuals.exists()
    people = [*individuals, *HouseholdMember.objects.exclude(id_number="")]
    for person in people:
        validate_resident_id(person.id_number)
        assert resident_id_birth_date(person.id_number) == person.birth_date, person.id_number
        assert resident_id_sex(person.id_number) == person.sex, person.id_number
    numbers = [c.id_number for c in individuals]
    assert len(set(numbers)) == len(numbers)
    for customer in individuals:
        assert not customer.credit_code
        customer.full_clean()  # the model's own checks (R3, R4) pass too


def test_enterprises_have_valid_credit_codes_and_landlines(seeded):
    enterprises = Customer.objects.filter(kind=Customer.Kind.ENTERPRISE)
    assert enterprises.exists()
    for customer in enterprises:
        validate_credit_code(customer.credit_code)
        validate_landline(customer.landline)
        assert not customer.id_number
        customer.full_clean()


def test_mobiles_are_valid(seeded):
    mobiles = [
        *Customer.objects.exclude(mobile="").values_list("mobile", flat=True),
        *HouseholdMember.objects.exclude(mobile="").values_list("mobile", flat=True),
        *Contact.objects.values_list("mobile", flat=True),
    ]
    assert len(mobiles) > UNITS
    for mobile in mobiles:
        validate_mobile(mobile)


def test_name_initials_are_what_save_would_write(seeded):
    for customer in Customer.objects.all()[:20]:
        stored = customer.name_initials
        customer.save()
        assert customer.name_initials == stored


def test_move_ins_are_verified_by_someone_else__R4(seeded):
    sections = Occupancy.objects.all()
    assert sections.exists()
    for section in sections:
        assert section.verified_by_id != section.recorded_by_id
        if section.status == Occupancy.Status.PENDING:
            assert section.verified_by_id is None
        else:
            assert section.verified_by_id is not None
        if section.moved_out:
            assert section.moved_out >= section.moved_in


def test_dossier_status_agrees_with_its_sections__R8(seeded):
    statuses = Counter()
    for dossier in Dossier.objects.prefetch_related("occupancies"):
        current = {o.status for o in dossier.occupancies.all()} & {"pending", "active"}
        expected = (
            Dossier.Status.OCCUPIED
            if "active" in current
            else Dossier.Status.PENDING
            if "pending" in current
            else Dossier.Status.VACANT
        )
        assert dossier.status == expected, dossier.archive_number
        statuses[dossier.status] += 1
        owners = [
            o for o in dossier.occupancies.all() if o.role == "owner" and o.status == "active"
        ]
        assert len(owners) <= 1
    assert statuses[Dossier.Status.OCCUPIED] > UNITS // 2
    assert statuses[Dossier.Status.VACANT] > 0


def test_verified_customers_are_locked__R9(seeded):
    for section in Occupancy.objects.select_related("customer"):
        if section.status == Occupancy.Status.ACTIVE:
            assert section.customer.locked
    pending_only = Customer.objects.exclude(occupancies__status__in=["active", "moved_out"])
    assert not pending_only.filter(locked=True).exists()


def test_some_customers_own_several_units__R11(seeded):
    owners = Counter(
        Occupancy.objects.filter(role="owner", status="active").values_list(
            "customer_id", flat=True
        )
    )
    assert 2 <= max(owners.values()) <= 3


def test_replaced_contacts_point_to_their_successor__R10(seeded):
    for contact in Contact.objects.filter(replaced_by__isnull=False).select_related("replaced_by"):
        assert contact.valid_until == contact.replaced_by.valid_from
        assert contact.replaced_by.customer_id == contact.customer_id
        assert contact.replaced_by.valid_until is None


def test_secrecy_levels_are_c_or_b__R12(seeded):
    assert set(Dossier.objects.values_list("secrecy_level", flat=True)) <= {"B", "C"}


def test_if_empty_twice_leaves_the_count_unchanged(debug):
    seed(units=UNITS, if_empty=True)
    assert Dossier.objects.count() == UNITS
    assert "no demo data" in seed(units=UNITS, if_empty=True)
    assert Dossier.objects.count() == UNITS
    assert Unit.objects.count() == UNITS


def test_without_if_empty_it_appends_estates_with_new_names(seeded):
    before = set(Estate.objects.values_list("code", flat=True))
    seed(units=UNITS)
    assert Dossier.objects.count() == 2 * UNITS
    assert Estate.objects.count() == 2 * len(before)
    numbers = list(Dossier.objects.values_list("archive_number", flat=True))
    assert len(set(numbers)) == len(numbers)


def test_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        seed(units=UNITS)
    assert not Dossier.objects.exists()


def test_history_rows_are_written_unless_skipped(debug):
    seed(units=10)
    assert Dossier.history.count() == 10
    seed(units=10, no_history=True)
    assert Dossier.history.count() == 10


def test_history_rows_are_dated_the_day_each_story_starts__R10(seeded):
    """The dossier as of a past day finds the demo occupants: their first history rows are
    dated the move-in, not the moment the command ran."""
    moved_out = Occupancy.objects.filter(moved_out__isnull=False).first()
    row = moved_out.history.earliest("history_date")
    assert timezone.localdate(row.history_date) == moved_out.moved_in
    for dossier in Dossier.objects.all()[:20]:
        first = dossier.history.earliest("history_date")
        assert timezone.localdate(first.history_date) == dossier.opened_on
