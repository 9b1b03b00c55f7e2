"""Every template that prints an ID number, a phone or an address goes through the masking
filters (R16): ``{{ customer.mobile }}`` in a template is a leak waiting for a page."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

from core import masking

ROOT = Path(settings.BASE_DIR)
VARIABLE = re.compile(r"{{\s*(.*?)\s*}}", re.S)
MASK_FILTERS = {"mask_id", "mask_phone", "mask_address"}


def _personal_names():
    names = set()
    for model in apps.get_models():
        names.update(masking.personal_fields(model))
    return names


def _templates():
    for folder in [ROOT / "templates", *(ROOT / app / "templates" for app in ("core",))]:
        yield from folder.rglob("*.html")


def unmasked_variables(source, personal):
    """The ``{{ … }}`` of ``source`` that print a personal field without a masking filter."""
    found = []
    for match in VARIABLE.finditer(source):
        expression, *filters = [part.strip() for part in match.group(1).split("|")]
        attribute = expression.split(".")[-1]
        if attribute in personal and not {f.split(":")[0] for f in filters} & MASK_FILTERS:
            found.append(match.group(0))
    return found


def test_the_scan_sees_a_raw_personal_field():
    personal = _personal_names()
    assert {"id_number", "mobile", "landline", "address", "contractor_phone"} <= personal
    assert unmasked_variables("<td>{{ c.mobile }}</td>", personal) == ["{{ c.mobile }}"]
    assert unmasked_variables("{{ c.mobile|default:'—' }}", personal)
    assert not unmasked_variables("{{ c.mobile|mask_phone:revealed }}", personal)
    assert not unmasked_variables("{{ entry.ip_address }}", personal)


def test_every_template_masks_personal_fields__R16():
    personal = _personal_names()
    leaks = {}
    for path in _templates():
        found = unmasked_variables(path.read_text(encoding="utf-8"), personal)
        if found:
            leaks[str(path.relative_to(ROOT))] = found
    assert not leaks, f"personal fields printed without a masking filter: {leaks}"


def test_every_model_with_a_personal_looking_field_declares_it__R16():
    """A new model with a phone, ID or address field must say so in ``PERSONAL_FIELDS``
    (or be named here as not personal: the estate's and service centre's own numbers)."""
    looks_personal = re.compile(r"(^|_)(id_number|mobile|phone|landline|address|credit_code)$")
    not_personal = {
        ("customers", "servicecentre", "phone"),  # the centre's own switchboard
        ("customers", "estate", "address"),  # the estate's street address
        ("core", "accesslog", "ip_address"),
    }
    missing = []
    ours = {"core", "customers", "records", "documents", "lending", "destruction", "reports"}
    for model in apps.get_models():
        if model._meta.app_label not in ours or model.__name__.startswith("Historical"):
            continue
        declared = masking.personal_fields(model)
        for field in model._meta.concrete_fields:
            key = (model._meta.app_label, model._meta.model_name, field.name)
            personal = looks_personal.search(field.name) and key not in not_personal
            if personal and field.name not in declared:
                missing.append(".".join(key))
    assert not missing, f"declare these in the model's PERSONAL_FIELDS: {missing}"
