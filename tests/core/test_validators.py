"""Rule R4: ID numbers and credit codes (and phone numbers) are checked on entry."""

import unicodedata
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
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
from tests.customers.factories import credit_code_of, resident_id_of

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...


def make_id(first17: str) -> str:
    """Append the ISO 7064 MOD 11-2 check character, computed independently of the module:
    the expected value of the checksum tests (the other tests build with the module's own)."""
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
    ("value", "code"),
    [
        ("", "length"),
        ("1101051949123100", "length"),
        ("1101051949123100200", "length"),
        ("11010519491231002Y", "alphabet"),
        ("X10105194912310021", "alphabet"),
    ],
)
def test_malformed_resident_ids_are_rejected__R4(value, code):
    assert error_code(validate_resident_id, value) == code


def test_non_ascii_digits_are_refused__R4():
    arabic_indic = "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"  # str.isdigit() would accept these
    assert error_code(validate_resident_id, arabic_indic) == "alphabet"


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
    assert error_code(validate_resident_id, resident_id_of(first17)) == "birth_date"


def test_future_birth_date_is_rejected__R4():
    tomorrow = date.today() + timedelta(days=2)  # two days: clear of any time-zone edge
    number = resident_id_of(f"110101{tomorrow:%Y%m%d}123")
    assert error_code(validate_resident_id, number) == "birth_date"
    validate_resident_id(resident_id_of(f"110101{date.today() - timedelta(days=2):%Y%m%d}123"))


@pytest.mark.parametrize("region", ["00", "10", "16", "20", "30", "38", "47", "55", "66", "84"])
def test_bad_region_is_rejected__R4(region):
    assert error_code(validate_resident_id, resident_id_of(f"{region}010119900307123")) == "region"


def test_birth_date_and_sex_extraction__R4():
    assert resident_id_birth_date("11010519491231002x") == date(1949, 12, 31)
    assert resident_id_sex("11010519491231002X") == "F"  # 17th digit 2
    male = resident_id_of("32011519851112005")
    assert resident_id_birth_date(male) == date(1985, 11, 12)
    assert resident_id_sex(male) == "M"  # 17th digit 5
    with pytest.raises(ValidationError):
        resident_id_sex(resident_id_of("11010119900230123"))


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
    ("value", "code"),
    [
        ("", "length"),
        ("91110000802100433", "length"),
        ("91110000802100433BB", "length"),
        ("9111000080210043IB", "alphabet"),
        # "A" (registration authority 中央军委改革和编制办公室) is allowed; the check fails
        ("A1110000802100433B", "checksum"),
    ],
)
def test_malformed_credit_codes_are_rejected__R4(value, code):
    assert error_code(validate_credit_code, value) == code


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


# --- One canonical form, and messages that say what is wrong ----------
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = [3**i % 31 for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, ...


def make_credit_code(first17: str) -> str:
    """Append the GB 32100-2015 check character, computed independently of the module: the
    expected value of the checksum tests (the other tests build with the module's own)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def message_of(validator, value):
    """The message in its English source form."""
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        validator(value)
    with translation.override("en"):
        return " ".join(excinfo.value.messages)


def test_credit_code_weights_are_the_standard_ones__R4():
    assert USCC_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    # the standard's own example (GB 32100-2015, appendix): check character "B"
    assert make_credit_code("91110000802100433") == "91110000802100433B"


LETTERED_CREDIT_CODES = [
    make_credit_code("N2330106MF0123456"),  # 农业 (rural collective), kind 2: village level
    make_credit_code("Y1110000MA01ABC2D"),  # 其他 registration authority
    make_credit_code("A1100000MB1234567"),  # 中央军委改革和编制办公室
    make_credit_code("11100000000013127"),  # 机构编制, all digits
    make_credit_code("53110000500021676"),  # 民政 (social organisation)
    make_credit_code("91310000MA1FL0000"),  # 工商 (enterprise), letters in the organisation code
]


@pytest.mark.parametrize("code", LETTERED_CREDIT_CODES)
def test_credit_codes_with_letters_where_gb32100_allows_them_pass__R4(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())
    validate_credit_code(f" {code[:2]}-{code[2:8]}-{code[8:]} ")


def test_stdnum_refuses_a_real_lettered_credit_code_that_we_accept__R4():
    code = LETTERED_CREDIT_CODES[0]
    assert code.startswith("N2")
    assert not uscc.is_valid(code)  # python-stdnum wants digits in positions 1 to 8
    validate_credit_code(code)


def test_credit_code_check_character_is_ours__R4():
    from core.validators import credit_code_check_char

    for code in LETTERED_CREDIT_CODES:
        assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", LETTERED_CREDIT_CODES)
def test_every_wrong_check_character_is_refused__R4(code):
    for wrong in USCC_ALPHABET.replace(code[17], ""):
        assert error_code(validate_credit_code, code[:17] + wrong) == "checksum"


def test_credit_code_messages_say_what_is_wrong__R4():
    assert "17" in message_of(validate_credit_code, "91110000802100433")
    assert "18" in message_of(validate_credit_code, "91110000802100433")
    # I, O, S, V and Z are not in the alphabet: the message names the character and where
    message = message_of(validate_credit_code, "9111000080210043IB")
    assert "“I”" in message and "17" in message
    assert error_code(validate_credit_code, "9111000080210043IB") == "alphabet"
    assert error_code(validate_credit_code, "91110000802100433") == "length"
    assert error_code(validate_credit_code, "911100008021004333B") == "length"
    # characters 3 to 8 are the region code (GB/T 2260): digits
    assert error_code(validate_credit_code, credit_code_of("9111A000802100433")) == "region"
    checksum = message_of(validate_credit_code, "91110000802100433A")
    assert "check character" in checksum
    # deliberately not said: which character would be right (it would let a typo elsewhere
    # be "fixed" by changing the last character)
    assert "“B”" not in checksum and " B" not in checksum


def test_resident_id_messages_say_what_is_wrong__R4():
    assert error_code(validate_resident_id, "1101051949123100") == "length"
    message = message_of(validate_resident_id, "11010519491231002")
    assert "17" in message and "18" in message
    assert error_code(validate_resident_id, "1101051949123100A2") == "alphabet"
    message = message_of(validate_resident_id, "1101051949123100A2")
    assert "“A”" in message and "17" in message
    assert error_code(validate_resident_id, "X10105194912310021") == "alphabet"
    assert "last" in message_of(validate_resident_id, "X10105194912310021")
    checksum = message_of(validate_resident_id, "11010519491231002Y"[:17] + "3")
    assert "check character" in checksum


DASHES = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Pd"] + ["\u2212"]


def test_every_unicode_dash_separates_like_a_hyphen__R4():
    from core.validators import normalize_credit_code

    for dash in DASHES:
        assert normalize_resident_id(f"110105{dash}19491231{dash}002x") == "11010519491231002X"
        assert normalize_credit_code(f"91110000{dash}802100433b") == "91110000802100433B"
        assert normalize_phone(f"138{dash}1234{dash}5678") == "13812345678", repr(dash)
        assert normalize_phone(f"021{dash}12345678") == "021-12345678", repr(dash)


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２ｘ",  # full-width, as a Chinese input method types it
        "110105 19491231 002x",
        "110105\u300019491231\u3000002X",  # ideographic space
        "110105-19491231-002X",
        "\u200b11010519491231002X\ufeff",  # zero-width characters pasted from a web page
        "110105\u00a019491231002X",  # no-break space
    ],
)
def test_resident_id_canonical_form__R4(typed):
    assert normalize_resident_id(typed) == "11010519491231002X"
    validate_resident_id(typed)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("+86 138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("(+86) 138 1234 5678", "13812345678"),
        ("０086 １３８１２３４５６７８", "13812345678"),
        ("＋８６ １３８－１２３４－５６７８", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("138\u20141234\u20145678", "13812345678"),  # em dash
    ],
)
def test_mobile_canonical_form__R4(typed, canonical):
    from core.validators import normalize_mobile

    assert normalize_mobile(typed) == canonical
    assert normalize_phone(typed) == canonical
    validate_mobile(typed)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("(021)12345678", "021-12345678"),
        ("（021）1234-5678", "021-12345678"),
        ("(021) 1234 5678", "021-12345678"),
        ("021-1234-5678", "021-12345678"),
        ("(0755)8765432", "0755-8765432"),
        ("+86 21 1234 5678", "021-12345678"),
        ("+86 (0)21 12345678", "021-12345678"),
        ("0086-755-8765432", "0755-8765432"),
        ("021-12345678-808", "021-12345678-808"),
        ("021-1234-5678-808", "021-12345678-808"),
        ("02112345678-808", "021-12345678-808"),
        ("(021)12345678转808", "021-12345678-808"),
        ("021 12345678 ext. 808", "021-12345678-808"),
        ("0755-1234567-8", "0755-1234567-8"),
        ("０７５５—８７６５４３２", "0755-8765432"),
    ],
)
def test_landline_canonical_form__R4(typed, canonical):
    from core.validators import normalize_landline

    assert normalize_landline(typed) == canonical
    assert normalize_phone(typed) == canonical
    validate_landline(typed)


def test_phone_messages_say_what_is_wrong__R4():
    assert "10" in message_of(validate_mobile, "1381234567")
    assert "11" in message_of(validate_mobile, "1381234567")
    assert "“a”" in message_of(validate_mobile, "138a2345678")
    assert "13" in message_of(validate_mobile, "12812345678")
    assert "+86" in message_of(validate_mobile, "+1 415 555 0100")
    assert "area code" in message_of(validate_landline, "12345678")
    message = message_of(validate_landline, "021-123456")
    assert "021" in message and "6" in message and "7 or 8" in message
