"""Output is everything a page sends (R16): every page of the security matrix, and the admin's
pages of the objects behind them, opened by each role that may open it and that has not
revealed anything, holds no whole ID number and no whole mobile number — in the text, in a
form's ``value=""``, in any attribute, in a CSV or in a PDF."""

import io
import re

import pytest
from django.urls import reverse

from core.roles import Role

from .matrix import EXPECTATIONS
from .url_walk import admin_urls


@pytest.fixture
def role_users(world_users):
    """The module's users and objects (conftest.matrix_world): made once, each test in a
    savepoint of the module's transaction."""
    return world_users


@pytest.fixture
def matrix_objects(world_objects):
    return world_objects


pytestmark = pytest.mark.django_db

# an 18-character resident ID (region, birth date, sequence, check) and a mainland mobile,
# standing alone (not inside a longer run of digits or letters)
RESIDENT_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")

# who walks: every role that may open pages and has revealed nothing (managers could reveal,
# and have not), and "granted", granted to view the confidential dossier only
WALKERS = [
    Role.FRONT_DESK.value,
    Role.MANAGER.value,
    Role.ARCHIVIST.value,
    Role.EXECUTIVE.value,
    Role.ADMIN.value,
    "granted",
]


def _text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError, PdfStreamError

        try:  # our registers and labels; an uploaded file is read as it is
            reader = PdfReader(io.BytesIO(content))
            # laid out as printed: the figures of neighbouring cells are not run together into
            # something that looks like a mobile number
            text += "\n".join(
                page.extract_text(extraction_mode="layout") or "" for page in reader.pages
            )
        except (PdfReadError, PdfStreamError):
            pass
    return text


def _raw_values(objects):
    """The whole personal values the fixture stored, to be found nowhere."""
    values = set()
    for which in objects.values():
        customer = which["customer"]
        values.update(v for v in (customer.id_number, customer.mobile, customer.credit_code) if v)
        values.update(v for v in (which["contact"].mobile, which["member"].id_number) if v)
    return values


def leaks(text, raw_values):
    found = {v for v in raw_values if v in text}
    found.update(RESIDENT_ID.findall(text))
    found.update(MOBILE.findall(text))
    return found


def test_the_walk_sees_a_whole_number():
    assert leaks('<input value="110101199003071234">', set()) == {"110101199003071234"}
    assert leaks("电话 13812345678。", set()) == {"13812345678"}
    assert not leaks("110101********1234 138****5678 20261201001 SJ-M-13812", set())


GET_PAGES = sorted(name for name, expect in EXPECTATIONS.items() if expect.method == "get")


@pytest.mark.parametrize("name", GET_PAGES)
def test_no_page_sends_a_whole_id_or_mobile__R16(name, client, role_users, matrix_objects):
    expect = EXPECTATIONS[name]
    raw = _raw_values(matrix_objects)
    opened, made = 0, {}
    for who in WALKERS:
        if expect.outcome(who) != 200:
            continue
        which = "confidential" if who == "granted" else "open"
        if which not in made:  # the objects of a URL are made once per dossier
            made[which] = expect.kwargs(matrix_objects[which]) if expect.kwargs else {}
        kwargs = made[which]
        client.force_login(role_users[who])
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, (name, who, response.status_code)
        found = leaks(_text(response), raw)
        assert not found, f"{name} as {who} sends {found}"
        opened += 1
    assert opened or not any(expect.outcome(w) == 200 for w in WALKERS)


# pages that show what a search or an export found, asked as the front desk
RESULTS = [
    ("customers:dossier_list", lambda o: {"q": o["customer"].id_number}),
    ("customers:dossier_list", lambda o: {"q": o["customer"].mobile}),
    ("records:arrears_list", lambda o: {"format": "csv"}),
]


@pytest.mark.parametrize(("name", "params"), RESULTS)
def test_no_search_result_or_export_sends_a_whole_id_or_mobile__R16(
    name,
    params,
    client,
    role_users,
    matrix_objects,
):
    client.force_login(role_users[Role.FRONT_DESK.value])
    response = client.get(reverse(name), params(matrix_objects["open"]))
    assert response.status_code == 200
    text = _text(response)
    if 'data-testid="dossier-table"' in text:  # the search box repeats what was typed
        text = text.split('data-testid="dossier-table"')[1]
    assert not leaks(text, _raw_values(matrix_objects)), (name, params)


def _outside_loan(o):
    """A loan of an outside party (R20) in the open dossier, with a resident ID as its
    credential number."""
    from lending.models import BorrowerKind, Loan, OutsideParty

    from ..lending.factories import loan_in

    return loan_in(
        Loan.Status.APPROVED,
        documents=[o["document"]],
        borrower=None,
        borrower_kind=BorrowerKind.OUTSIDE,
        requested_by=o["dossier"].opened_by,
        party=OutsideParty.POLICE,
        party_organisation="翠湖派出所",
        party_person="张警官",
        party_credential=OUTSIDE_CREDENTIAL,
    )


OUTSIDE_CREDENTIAL = "110101199003071234"


def _admin_object_pages(objects):
    """The admin's change (view) and history pages of the objects holding personal data."""
    from records.models import Renovation

    o = objects["open"]
    renovation = Renovation.objects.filter(dossier=o["dossier"]).first()
    pages = []
    for model, obj in (
        ("customers_customer", o["customer"]),
        ("customers_contact", o["contact"]),
        ("customers_householdmember", o["member"]),
        ("customers_changerequest", o["change_request"]),
        ("customers_occupancy", o["occupancy"]),
        ("records_renovation", renovation),
        ("lending_loan", _outside_loan(o)),
    ):
        if obj is None:
            continue
        pages.append(reverse(f"admin:{model}_change", args=[obj.pk]))
        pages.append(reverse(f"admin:{model}_history", args=[obj.pk]))
    return pages


def test_no_admin_page_sends_a_whole_id_or_mobile__R16(client, role_users, matrix_objects):
    from .records_renovation import _renovation

    _renovation()(matrix_objects["open"])  # a renovation with the contractor's phone
    raw = {*_raw_values(matrix_objects), "13612345678", OUTSIDE_CREDENTIAL}
    admin = role_users[Role.ADMIN.value]
    client.force_login(admin)
    lists = [reverse(name) for name in sorted(set(admin_urls())) if name.endswith("_changelist")]
    customer = matrix_objects["open"]["customer"]
    searches = [
        (reverse("admin:customers_customer_changelist"), customer.id_number),
        (reverse("admin:customers_contact_changelist"), customer.mobile),
    ]
    pages = [(url, None) for url in [*lists, *_admin_object_pages(matrix_objects)]]
    for url, typed in [*pages, *searches]:
        # a one-row model's list (the destruction policy) opens its row: followed, and read
        response = client.get(url, {"q": typed} if typed else None, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        assert "/login/" not in response.request["PATH_INFO"], url
        # the search box and the list's links repeat what the user typed (q=…); the rows
        # the search found must not show it
        text = _text(response)
        if typed:
            text = re.sub(rf'(value="|q=|q%3D){re.escape(typed)}', "", text)
        found = leaks(text, raw)
        assert not found, f"{url} sends {found}"
