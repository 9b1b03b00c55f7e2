"""Validators and normalisers for Chinese identifiers and phone numbers (rule R4: checked on
entry).

Every value has one canonical form, the one that is validated, stored, looked up and
searched (``core.fields`` applies it on every way in): a resident ID or a credit code is 18
upper-case ASCII characters; a mobile is its 11 digits; a landline is ``0AA(A)-NNNNNNN(N)``
with an optional ``-EXT``. Whatever the user typed around it goes: full-width characters
(Unicode NFKC), spaces of every kind, characters that cannot be seen (zero-width spaces pasted
from a web page), every Unicode dash, a ``+86`` / ``0086`` / ``86`` prefix, parentheses
around an area code.

Plain functions, usable as model-field and form validators. A refusal says what is wrong (the
length, the character that is not allowed and where, the check character); its ``code`` is
one of "length", "alphabet", "region", "checksum", "birth_date" (phones: "invalid"). Messages
are English source strings; the Chinese translation lives in the locale catalogue.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Every Unicode dash (general category Pd) and the minus sign, after NFKC has folded the
# full-width and small forms: all mean "-" when somebody separates groups of digits.
_DASHES = (
    "\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b"
    "\u2e40\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212"
)
_TO_HYPHEN = str.maketrans(dict.fromkeys(_DASHES, "-"))


def _compact(value) -> str:
    """NFKC (full-width digits, letters, parentheses and dashes to ASCII), every dash to "-",
    then drop whitespace and invisible format characters (zero-width space, BOM, marks)."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_TO_HYPHEN)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def _first_not_in(text: str, alphabet: str):
    """(1-based position, character) of the first character of ``text`` not in ``alphabet``."""
    for position, char in enumerate(text, start=1):
        if char not in alphabet:
            return position, char
    return None


def _length_error(message, count: int):
    return ValidationError(message, code="length", params={"count": count})


# --- Resident identity number (居民身份证号, GB 11643-1999) ------------------------------
_RESIDENT_ID_ALPHABET = "0123456789X"
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11), ISO 7064 MOD 11-2
# First two digits: province-level divisions (GB/T 2260), 71 Taiwan, 81 Hong Kong, 82 Macao,
# 83 residence permits of Taiwan residents.
_REGIONS = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)]
    + [*range(61, 66), 71, 81, 82, 83]
)
_EARLIEST_BIRTH = date(1900, 1, 1)

RESIDENT_ID_MESSAGES = {
    "length": ngettext_lazy(
        "This resident ID number has %(count)d character; it needs 18.",
        "This resident ID number has %(count)d characters; it needs 18.",
        "count",
    ),
    "alphabet": _(
        "A resident ID number holds digits and, last, possibly an X: character %(position)d "
        "(“%(char)s”) is not allowed."
    ),
    "x_not_last": _("Only the last character of a resident ID number may be an X."),
    "checksum": _(
        "The check character (the last one) does not match the other 17: a character is "
        "mistyped. Compare the number with the ID card."
    ),
    "region": _("This resident ID number does not start with a valid region code."),
    "birth_date": _("This resident ID number does not contain a valid date of birth."),
}


def normalize_resident_id(value) -> str:
    """The canonical form: " 110105-19491231 002x " -> "11010519491231002X"."""
    return _compact(value).replace("-", "").upper()


def resident_id_check_char(first17: str) -> str:
    """The 18th character of a resident ID whose first 17 digits are ``first17`` (GB 11643)."""
    total = sum(int(c) * w for c, w in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK_CHARS[total % 11]


def _birth_date_or_none(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:  # e.g. 19900230
        return None


def validate_resident_id(value) -> None:
    """Alphabet, length, check character, region, birth date; each has its own code."""
    number = normalize_resident_id(value)
    if bad := _first_not_in(number, _RESIDENT_ID_ALPHABET):
        raise ValidationError(
            RESIDENT_ID_MESSAGES["alphabet"],
            code="alphabet",
            params={"position": bad[0], "char": bad[1]},
        )
    if len(number) != 18:
        raise _length_error(RESIDENT_ID_MESSAGES["length"], len(number))
    if "X" in number[:17]:
        raise ValidationError(RESIDENT_ID_MESSAGES["x_not_last"], code="alphabet")
    # The right check character is not told: it would invite "fixing" a typo elsewhere by
    # changing the last character, and store a wrong number that passes every check.
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError(RESIDENT_ID_MESSAGES["checksum"], code="checksum")
    if int(number[:2]) not in _REGIONS:
        raise ValidationError(RESIDENT_ID_MESSAGES["region"], code="region")
    born = _birth_date_or_none(number)
    if born is None or not _EARLIEST_BIRTH <= born <= timezone.localdate():
        raise ValidationError(RESIDENT_ID_MESSAGES["birth_date"], code="birth_date")


def resident_id_birth_date(value) -> date:
    """Date of birth (characters 7-14). Raises ValidationError if the number is invalid."""
    validate_resident_id(value)
    return _birth_date_or_none(normalize_resident_id(value))


def resident_id_sex(value) -> str:
    """ "M" if the 17th digit is odd, else "F". Raises ValidationError if the number is invalid."""
    validate_resident_id(value)
    return "M" if int(normalize_resident_id(value)[16]) % 2 else "F"


# --- Unified social credit code (统一社会信用代码, GB 32100-2015) ---------------------------
# Checked here, not with python-stdnum: its cn.uscc wants digits in characters 1-8 and so
# refuses real codes whose registration authority (character 1) or kind (character 2) is a
# letter, e.g. N (农业: rural collective economic organisations), Y (other authorities) or
# A (中央军委改革和编制办公室).
#   1     registration authority      any character of the alphabet
#   2     kind of organisation        any character of the alphabet
#   3-8   region code (GB/T 2260)     digits
#   9-17  organisation code (GB 11714) any character of the alphabet
#   18    check character, ISO 7064 MOD 31-3 with the weights 3^i mod 31
_CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_CREDIT_CODE_WEIGHTS = tuple(3**i % 31 for i in range(17))

CREDIT_CODE_MESSAGES = {
    "length": ngettext_lazy(
        "This unified social credit code has %(count)d character; it needs 18.",
        "This unified social credit code has %(count)d characters; it needs 18.",
        "count",
    ),
    "alphabet": _(
        "A unified social credit code holds digits and capital letters except I, O, S, V and "
        "Z: character %(position)d (“%(char)s”) is not allowed."
    ),
    "region": _(
        "Characters 3 to 8 of a unified social credit code are its region code: digits only."
    ),
    "checksum": _(
        "The check character (the last one) does not match the other 17: a character is "
        "mistyped. Compare the code with the business licence or certificate."
    ),
}


def normalize_credit_code(value) -> str:
    """The canonical form: "9111 0000-8021 0043 3b" -> "91110000802100433B"."""
    return _compact(value).replace("-", "").upper()


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a credit code."""
    total = sum(
        _CREDIT_CODE_ALPHABET.index(c) * w
        for c, w in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return _CREDIT_CODE_ALPHABET[-total % 31]


# GB 11714 organisation code (characters 9-17 of a credit code): 8 characters and a check one
_ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check_char(first8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters."""
    total = sum(
        _ORG_CODE_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_credit_code(value) -> None:
    code = normalize_credit_code(value)
    if bad := _first_not_in(code, _CREDIT_CODE_ALPHABET):
        raise ValidationError(
            CREDIT_CODE_MESSAGES["alphabet"],
            code="alphabet",
            params={"position": bad[0], "char": bad[1]},
        )
    if len(code) != 18:
        raise _length_error(CREDIT_CODE_MESSAGES["length"], len(code))
    if not code[2:8].isdigit():  # ASCII by the alphabet check
        raise ValidationError(CREDIT_CODE_MESSAGES["region"], code="region")
    if credit_code_check_char(code[:17]) != code[17]:  # not told: see validate_resident_id
        raise ValidationError(CREDIT_CODE_MESSAGES["checksum"], code="checksum")


# --- Telephone numbers -----------------------------------------------------------------
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIX_RE = re.compile(r"(?:\+86|0086|86(?=[0-9]{11}$))")
# Area codes: 010 and 020-029 have three digits, all others (03xx-09xx) four.
_AREA_RE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})")
# An extension after a word for it ("转808", "分机808", "ext. 808", "x808", "#808").
_EXTENSION_RE = re.compile(r"(.+?)(?:转|分机|ext\.?|x|#)([0-9]{1,6})", re.IGNORECASE)
# +86 / 0086 before an area code written without its leading 0, or with "(0)" or "0".
_LANDLINE_PREFIX_RE = re.compile(r"^(?:\+86|0086)-?(?:\(0\)|0)?-?")
_AREA_IN_PARENS_RE = re.compile(r"^\((0[0-9]{2,3})\)-?")

PHONE_MESSAGES = {
    "mobile_alphabet": _(
        "“%(char)s” cannot be part of a mobile number: type its 11 digits (spaces, dashes "
        "and +86 are fine)."
    ),
    "mobile_country": _("Only mainland mobile numbers (+86) are accepted."),
    "mobile_length": _("A mobile number has 11 digits; this one has %(count)d."),
    "mobile_prefix": _("A mainland mobile number starts with 13 to 19."),
    "landline_alphabet": _(
        "“%(char)s” cannot be part of a landline number: type the area code, the number and "
        "an extension, for example 021-12345678-808."
    ),
    "landline_format": _("Enter a valid landline number with area code, for example 021-12345678."),
    "landline_area": _(
        "A landline number starts with its area code, for example 021-12345678 or 0755-1234567."
    ),
    "landline_length": _(
        "After the area code %(area)s a landline number has 7 or 8 digits; this one has %(count)d."
    ),
}


def _fallback(value) -> str:
    """An unrecognised number is kept as typed, only NFKC-folded and stripped."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _mobile_or_error(value) -> tuple[str | None, ValidationError | None]:
    text = _compact(value).replace("-", "").replace("(", "").replace(")", "")
    if match := _MOBILE_PREFIX_RE.match(text):
        text = text[match.end() :]
    elif text.startswith("+"):
        return None, ValidationError(PHONE_MESSAGES["mobile_country"], code="invalid")
    if bad := _first_not_in(text, "0123456789"):
        return None, ValidationError(
            PHONE_MESSAGES["mobile_alphabet"], code="invalid", params={"char": bad[1]}
        )
    if len(text) != 11:
        return None, ValidationError(
            PHONE_MESSAGES["mobile_length"], code="invalid", params={"count": len(text)}
        )
    if not _MOBILE_RE.fullmatch(text):
        return None, ValidationError(PHONE_MESSAGES["mobile_prefix"], code="invalid")
    return text, None


def _mobile(value) -> str | None:
    """Plain 11 digits, or None if the value is not a mainland mobile number."""
    return _mobile_or_error(value)[0]


def _landline_or_error(value) -> tuple[str | None, ValidationError | None]:
    text = _compact(value)
    extension = None
    if match := _EXTENSION_RE.fullmatch(text):
        text, extension = match.groups()
    text = _LANDLINE_PREFIX_RE.sub("0", text, count=1) if text.startswith(("+", "00")) else text
    text = _AREA_IN_PARENS_RE.sub(r"\1-", text, count=1)
    if bad := _first_not_in(text, "0123456789-"):
        return None, ValidationError(
            PHONE_MESSAGES["landline_alphabet"], code="invalid", params={"char": bad[1]}
        )
    groups = text.split("-")
    digits = "".join(groups)
    if "" in groups:  # "021--12345678", "021-12345678-"
        return None, ValidationError(PHONE_MESSAGES["landline_format"], code="invalid")
    if not _AREA_RE.match(digits):
        return None, ValidationError(PHONE_MESSAGES["landline_area"], code="invalid")
    for area, local, ext in _landline_readings(groups, extension):
        if 7 <= len(local) <= 8 and (ext is None or 1 <= len(ext) <= 6):
            return (f"{area}-{local}-{ext}" if ext else f"{area}-{local}"), None
    area = _AREA_RE.match(digits).group()
    return None, ValidationError(
        PHONE_MESSAGES["landline_length"],
        code="invalid",
        params={"area": area, "count": len(digits) - len(area)},
    )


def _landline_readings(groups, extension):
    """(area, number, extension) as the groups may be read, the likeliest first: as typed
    ("0755-1234567-8": number and extension), then all the digits as one number
    ("021-1234-5678"), then with the last group as the extension ("021-1234-5678-808")."""
    if len(groups) in (2, 3) and _AREA_RE.fullmatch(groups[0]):
        if len(groups) == 2:
            yield groups[0], groups[1], extension
        elif extension is None:
            yield groups[0], groups[1], groups[2]
    joined = "".join(groups)
    if area := _AREA_RE.match(joined):
        yield area.group(), joined[area.end() :], extension
    if extension is None and len(groups) >= 2:  # an extension may be named or dashed, not both
        joined = "".join(groups[:-1])
        if area := _AREA_RE.match(joined):
            yield area.group(), joined[area.end() :], groups[-1]


def _landline(value) -> str | None:
    """ "0AA(A)-NNNNNNN(N)[-EXT]", or None if the value is not a mainland landline number."""
    return _landline_or_error(value)[0]


def parse_mobile(value) -> str | None:
    """The canonical mobile number, or None when ``value`` is not one."""
    return _mobile(value)


def parse_landline(value) -> str | None:
    """The canonical landline number, or None when ``value`` is not one."""
    return _landline(value)


def normalize_mobile(value) -> str:
    """The canonical mobile ("+86 138-1234-5678" -> "13812345678"); anything else is kept,
    only NFKC-folded and stripped, for the validator to refuse."""
    return _mobile(value) or _fallback(value)


def normalize_landline(value) -> str:
    """The canonical landline ("（021）1234-5678" -> "021-12345678"); else as normalize_mobile."""
    return _landline(value) or _fallback(value)


def normalize_phone(value) -> str:
    """Canonical mobile or landline form; anything unrecognised is returned merely stripped."""
    return _mobile(value) or _landline(value) or _fallback(value)


def validate_mobile(value) -> None:
    _number, error = _mobile_or_error(value)
    if error:
        raise error


def validate_landline(value) -> None:
    _number, error = _landline_or_error(value)
    if error:
        raise error


def validate_phone(value) -> None:
    """A mobile or a landline; the message is the one of the kind the value looks like."""
    mobile, mobile_error = _mobile_or_error(value)
    if mobile:
        return
    landline, landline_error = _landline_or_error(value)
    if landline:
        return
    text = _compact(value)
    looks_like_landline = text.startswith("(") or (
        text.startswith("0") and not text.startswith("00")
    )
    raise landline_error if looks_like_landline else mobile_error


# --- Ids from a query string ------------------------------------------------------------------
_PK = re.compile(r"[0-9]{1,18}")


def is_pk(value) -> bool:
    """Whether ``value`` can be a database id: ASCII digits only, and fits a bigint.
    (``str.isdigit`` also says yes to "²" or "١", which ``int()`` or the database refuse.)"""
    return bool(_PK.fullmatch(str(value or "")))
