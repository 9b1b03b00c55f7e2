"""Masking of personal data for display (rule R16).

The one implementation used by templates, admin, exports and PDFs; do not re-implement
masking elsewhere. Every function accepts None or "" and then returns "".
"""

from django.core.exceptions import ValidationError

from core.validators import (
    normalize_phone,
    normalize_resident_id,
    validate_landline,
    validate_mobile,
)


def _mask_middle(value: str, head: int, tail: int) -> str:
    """Keep `head` and `tail` characters; mask all of a value too short to hide anything."""
    hidden = len(value) - head - tail
    if hidden <= 0:
        return "*" * len(value)
    return value[:head] + "*" * hidden + value[len(value) - tail :]


def _passes(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def mask_id_number(value) -> str:
    """18 characters (resident ID, credit code): first 6 + 8 asterisks + last 4;
    other lengths (passport, old 15-digit ID...): first 2 and last 2 kept."""
    number = normalize_resident_id(value or "")
    if len(number) == 18:
        return _mask_middle(number, 6, 4)
    return _mask_middle(number, 2, 2)


def mask_phone(value) -> str:
    """Mobile "138****5678"; landline "021-****5678" (area code and last 4 digits kept,
    an extension is kept too); anything else: first 3 and last 4 kept."""
    phone = normalize_phone(value or "")
    if _passes(validate_mobile, phone):
        return _mask_middle(phone, 3, 4)
    if _passes(validate_landline, phone):
        area, number, *extension = phone.split("-")
        return "-".join([area, _mask_middle(number, 0, 4), *extension])
    return _mask_middle(phone, 3, 4)


def mask_address(value) -> str:
    """Keep the first 6 characters, replace the rest with "****"."""
    address = str(value or "").strip()
    return address[:6] + "****" if len(address) > 6 else address


# --- One function for every output (R16) ------------------------------------------------
# A model declares its personal fields and their kind in ``PERSONAL_FIELDS``
# ({"id_number": ID, "mobile": PHONE, ...}); pages, forms, admin, history, exports and PDFs
# all mask through ``mask`` / ``mask_field``, never with their own code.
ID = "id"
PHONE = "phone"
ADDRESS = "address"
MASK_CHAR = "*"

_MASKERS = {ID: mask_id_number, PHONE: mask_phone, ADDRESS: mask_address}


def mask(kind: str, value, *, show: bool = False) -> str:
    """``value`` of a personal field of ``kind`` as it may be shown: masked, or whole when
    ``show`` (the user has revealed the data, and the reveal was logged)."""
    if value in (None, ""):
        return ""
    if show:
        return str(value)
    return _MASKERS[kind](value)


def personal_fields(model) -> dict[str, str]:
    """The personal fields of a model (or instance) and their kinds: ``{name: kind}``."""
    return dict(getattr(model, "PERSONAL_FIELDS", {}))


def mask_field(model, field: str, value, *, show: bool = False):
    """``value`` of ``model.field`` as it may be shown; fields that are not personal pass
    through unchanged (as do empty values)."""
    kind = personal_fields(model).get(field)
    if kind is None or value in (None, ""):
        return value
    return mask(kind, value, show=show)


def mask_changes(model, changes: dict, *, show: bool = False) -> dict:
    """A change request's ``{field: [old, new]}`` with each value masked."""
    return {
        name: [mask_field(model, name, v, show=show) for v in pair]
        for name, pair in (changes or {}).items()
    }


def is_masked(value) -> bool:
    return MASK_CHAR in str(value or "")
