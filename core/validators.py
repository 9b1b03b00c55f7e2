"""Validators and normalisers for Chinese identifiers (rule R4: checked on entry).

Plain functions, usable as model-field and form validators. Messages are English source
strings; the Chinese translation lives in the locale catalogue.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc

# Patterns use [0-9], not \d: \d also matches non-ASCII digits such as "١".
_RESIDENT_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11), ISO 7064 MOD 11-2
# First two digits: province-level divisions (GB/T 2260), 71 Taiwan, 81 Hong Kong, 82 Macao,
# 83 residence permits of Taiwan residents.
_REGIONS = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)]
    + [*range(61, 66), 71, 81, 82, 83]
)
_EARLIEST_BIRTH = date(1900, 1, 1)

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIXES = ("+86", "0086", "86")
# Area codes: 010 and 020-029 have three digits, all others (03xx-09xx) four, which also makes
# the dash optional. Then a 7-8 digit number and an optional extension ("-808" or "转808").
_LANDLINE_RE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9]{2}))-?([0-9]{7,8})(?:(?:-|转)([0-9]{1,6}))?")


def _compact(value) -> str:
    """NFKC (full-width digits, letters and dashes to ASCII), then drop all whitespace."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


# --- Resident identity number (居民身份证号, GB 11643-1999) ------------------------------


def normalize_resident_id(value) -> str:
    """Strip spaces and uppercase a trailing x: " 11010519491231002x " -> "11010519491231002X"."""
    return _compact(value).upper()


def _resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK_CHARS[total % 11]


def _birth_date_or_none(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:  # e.g. 19900230
        return None


def validate_resident_id(value) -> None:
    """Format, then checksum, then region, then birth date; each failure has its own code."""
    number = normalize_resident_id(value)
    if not _RESIDENT_ID_RE.fullmatch(number):
        raise ValidationError(
            _("Enter an 18-character resident ID number: 17 digits followed by a digit or X."),
            code="format",
        )
    if _resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("This resident ID number is not valid: its check digit does not match."),
            code="checksum",
        )
    if int(number[:2]) not in _REGIONS:
        raise ValidationError(
            _("This resident ID number does not start with a valid region code."), code="region"
        )
    born = _birth_date_or_none(number)
    if born is None or not _EARLIEST_BIRTH <= born <= timezone.localdate():
        raise ValidationError(
            _("This resident ID number does not contain a valid date of birth."),
            code="birth_date",
        )


def resident_id_birth_date(value) -> date:
    """Date of birth (characters 7-14). Raises ValidationError if the number is invalid."""
    validate_resident_id(value)
    return _birth_date_or_none(normalize_resident_id(value))


def resident_id_sex(value) -> str:
    """ "M" if the 17th digit is odd, else "F". Raises ValidationError if the number is invalid."""
    validate_resident_id(value)
    return "M" if int(normalize_resident_id(value)[16]) % 2 else "F"


# --- Unified social credit code (统一社会信用代码, GB 32100-2015) ---------------------------


def validate_credit_code(value) -> None:
    try:
        uscc.validate(_compact(value))
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            _("This unified social credit code is not valid: its check character does not match."),
            code="checksum",
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            _("Enter an 18-character unified social credit code."), code="format"
        ) from None


# --- Telephone numbers -----------------------------------------------------------------


def _mobile(value) -> str | None:
    """Plain 11 digits, or None if the value is not a mainland mobile number."""
    digits = _compact(value).replace("-", "")
    for prefix in _MOBILE_PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if _MOBILE_RE.fullmatch(digits) else None


def _landline(value) -> str | None:
    """ "0AA(A)-NNNNNNN(N)[-EXT]", or None if the value is not a mainland landline number."""
    match = _LANDLINE_RE.fullmatch(_compact(value))
    if not match:
        return None
    area, number, extension = match.groups()
    return f"{area}-{number}-{extension}" if extension else f"{area}-{number}"


def normalize_phone(value) -> str:
    """Canonical mobile or landline form; anything unrecognised is returned merely stripped."""
    return _mobile(value) or _landline(value) or str(value).strip()


def validate_mobile(value) -> None:
    if _mobile(value) is None:
        raise ValidationError(
            _("Enter a valid mainland mobile number: 11 digits starting with 13 to 19."),
            code="invalid",
        )


def validate_landline(value) -> None:
    if _landline(value) is None:
        raise ValidationError(
            _("Enter a valid landline number with area code, for example 021-12345678."),
            code="invalid",
        )


def validate_phone(value) -> None:
    if _mobile(value) is None and _landline(value) is None:
        raise ValidationError(
            _("Enter a valid mainland mobile number or a landline number with area code."),
            code="invalid",
        )
