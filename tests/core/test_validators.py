"""Rule R4: ID numbers and credit codes (and phone numbers) are checked on entry."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from core.validators import (
    normalize_phone,
    normalize_resident_id,
    resident_id_birth_date,
    resident_id_sex,
    validate_credit_code,
    validate_landline,
    validate_mobile,
    validate_phone,
    validate_resident_id,
)

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...


def make_id(first17: str) -> str:
    """Append the ISO 7064 MOD 11-2 check character, computed independently of the module."""
    remainder = (12 - sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11) % 11
    return first17 + ("X" if remainder == 10 else str(remainder))


def first17_with_check(prefix: str, check: str) -> str:
    """A valid ID starting with `prefix` (14 chars) whose check character is `check`."""
    for seq in range(1000):
        number = make_id(f"{prefix}{seq:03d}")
        if number[-1] == check:
            return number
    raise AssertionError("no sequence number gives that check character")


def error_code(validator, value):
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value.code


def test_weights_are_the_standard_ones__R4():
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the worked example of GB 11643-1999
        make_id("11010119900307123"),
        make_id("32011519851112004"),  # Nanjing Jiangning, rejected by stdnum's cn.ric
        make_id("81000019991231001"),  # Hong Kong resident's permit
        first17_with_check("44030620000229", "X"),  # leap day, check character X
    ],
)
def test_valid_resident_ids_pass__R4(number):
    validate_resident_id(number)
    validate_resident_id(number.lower())
    validate_resident_id(f" {number[:6]} {number[6:14]} {number[14:]} ")


def test_generated_ids_really_end_in_x_and_start_with_320115__R4():
    assert first17_with_check("44030620000229", "X").endswith("X")
    assert make_id("32011519851112004").startswith("320115")


def test_wrong_checksum_is_rejected__R4():
    good = make_id("11010119900307123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert error_code(validate_resident_id, bad) == "checksum"
    # Swapping two digits is caught as well.
    assert error_code(validate_resident_id, "11010519491231020X") == "checksum"


@pytest.mark.parametrize(
    "value",
    ["", "1101051949123100", "1101051949123100200", "11010519491231002Y", "X10105194912310021"],
)
def test_malformed_resident_ids_are_rejected__R4(value):
    assert error_code(validate_resident_id, value) == "format"


def test_non_ascii_digits_are_a_format_error__R4():
    arabic_indic = "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"  # str.isdigit() would accept these
    assert error_code(validate_resident_id, arabic_indic) == "format"


def test_full_width_input_is_accepted__R4():
    validate_resident_id("１１０１０５１９４９１２３１００２Ｘ")


@pytest.mark.parametrize(
    "first17",
    [
        "11010119900230123",  # 30 February
        "11010119901301123",  # month 13
        "11010118991231123",  # before 1900
        "44052418800101001",  # GB 11643 example born 1880
    ],
)
def test_impossible_birth_dates_are_rejected__R4(first17):
    assert error_code(validate_resident_id, make_id(first17)) == "birth_date"


def test_future_birth_date_is_rejected__R4():
    tomorrow = date.today() + timedelta(days=2)  # two days: clear of any time-zone edge
    number = make_id(f"110101{tomorrow:%Y%m%d}123")
    assert error_code(validate_resident_id, number) == "birth_date"
    validate_resident_id(make_id(f"110101{date.today() - timedelta(days=2):%Y%m%d}123"))


@pytest.mark.parametrize("region", ["00", "10", "16", "20", "30", "38", "47", "55", "66", "84"])
def test_bad_region_is_rejected__R4(region):
    assert error_code(validate_resident_id, make_id(f"{region}010119900307123")) == "region"


def test_birth_date_and_sex_extraction__R4():
    assert resident_id_birth_date("11010519491231002x") == date(1949, 12, 31)
    assert resident_id_sex("11010519491231002X") == "F"  # 17th digit 2
    male = make_id("32011519851112005")
    assert resident_id_birth_date(male) == date(1985, 11, 12)
    assert resident_id_sex(male) == "M"  # 17th digit 5
    with pytest.raises(ValidationError):
        resident_id_sex(make_id("11010119900230123"))


def test_normalize_resident_id__R4():
    assert normalize_resident_id(" 110105 19491231 002x ") == "11010519491231002X"


def test_valid_credit_codes_pass__R4():
    validate_credit_code("91110000802100433B")
    computed = "91320115MA1XY1234"  # 17 characters, check character appended below
    computed += uscc.calc_check_digit(computed)
    validate_credit_code(computed)
    validate_credit_code(computed.lower())
    validate_credit_code(f" {computed[:9]} {computed[9:]} ")


def test_credit_code_with_wrong_check_character_is_rejected__R4():
    assert error_code(validate_credit_code, "91110000802100433A") == "checksum"


@pytest.mark.parametrize(
    "value",
    ["", "91110000802100433", "91110000802100433BB", "9111000080210043IB", "A1110000802100433B"],
)
def test_malformed_credit_codes_are_rejected__R4(value):
    assert error_code(validate_credit_code, value) == "format"


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
    ],
)
def test_mobiles_pass_and_normalize__R4(value, normalized):
    validate_mobile(value)
    validate_phone(value)
    assert normalize_phone(value) == normalized


@pytest.mark.parametrize(
    "value", ["", "12812345678", "1381234567", "138123456789", "23812345678", "+1 4155550100"]
)
def test_invalid_mobiles_are_rejected__R4(value):
    assert error_code(validate_mobile, value) == "invalid"


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("021-12345678", "021-12345678"),
        ("0755-8765432", "0755-8765432"),
        ("01012345678", "010-12345678"),
        ("07558765432", "0755-8765432"),
        ("021 1234 5678", "021-12345678"),
        ("0571-87654321-808", "0571-87654321-808"),
        ("0571-87654321转808", "0571-87654321-808"),
        ("０２１－１２３４５６７８", "021-12345678"),
    ],
)
def test_landlines_pass_and_normalize__R4(value, normalized):
    validate_landline(value)
    validate_phone(value)
    assert normalize_phone(value) == normalized


@pytest.mark.parametrize(
    "value",
    ["12345678", "021-123456", "021-123456789", "0755-87654", "121-12345678", "021-12345678-"],
)
def test_invalid_landlines_are_rejected__R4(value):
    assert error_code(validate_landline, value) == "invalid"
    assert error_code(validate_phone, value) == "invalid"


def test_mobile_is_not_a_landline_and_vice_versa__R4():
    assert error_code(validate_landline, "13812345678") == "invalid"
    assert error_code(validate_mobile, "021-12345678") == "invalid"


def test_unrecognised_phone_is_only_stripped__R4():
    assert normalize_phone("  +1 415 555 0100 ") == "+1 415 555 0100"
