"""The loan register (档案借阅登记表): the period page, the PDF and the spreadsheet, who may
print it and what each printer sees, the masking of an outside party's credential (R16, R20),
the access log (R21), and a constant number of queries whatever the number of loans."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from core.models import AccessLog
from core.roles import Role
from customers.permissions import grant_dossier
from lending.models import BorrowerKind, Loan, Notice, OutsideParty
from lending.register import xlsx

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import documents_in, loan_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))),
]

URL = reverse("lending:loan_register")
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
CREDENTIAL = "110101199003071234"
MASKED = "110101********1234"


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(content)).pages
    return "\n".join(page.extract_text() for page in pages)


def flat(text: str) -> str:
    return "".join(text.split())


def sheet_rows(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def sheet_cells(content: bytes) -> list[dict]:
    """The rows under the header, by column key (the header is in the reader's language)."""
    header, *rows = sheet_rows(content)
    assert len(header) == len(xlsx.KEYS)
    return [dict(zip(xlsx.KEYS, row, strict=True)) for row in rows]


@pytest.fixture
def archivist_client(client, archivist):
    client.force_login(archivist)
    return client


def outside_loan(dossier=None, **fields):
    docs = documents_in(dossier or dossier_for(), 1, title="业主身份证复印件")
    return loan_in(
        Loan.Status.APPROVED,
        documents=docs,
        mode="read_archive",
        borrower=None,
        borrower_kind=BorrowerKind.OUTSIDE,
        requested_by=user_with_role(Role.FRONT_DESK),
        party=OutsideParty.POLICE,
        party_organisation="翠湖派出所",
        party_person="张警官",
        party_credential=CREDENTIAL,
        **fields,
    )


def test_the_pdf_has_the_title_the_period_and_a_row__R22(archivist_client, archivist):
    docs = documents_in(n=2, title="房屋租赁合同")
    loan = loan_in(documents=docs, purpose="核对租赁合同")
    response = archivist_client.get(URL, {**MARCH, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    assert "档案借阅登记表" in text
    assert "2026年3月1日至2026年3月31日" in text
    assert f"打印人：{archivist}" in text
    assert "第1页/共1页" in text and "共1条" in text
    assert loan.number in text and loan.dossier.archive_number in text
    assert "2件：房屋租赁合同、资料2" in text
    assert "核对租赁合同" in text and "2026-03-17" in text  # purpose, due day
    logged = AccessLog.objects.get(action=AccessLog.Action.PRINT, user=archivist)
    assert logged.detail == "loan register 2026-03-01..2026-03-31 pdf"


def test_the_credential_is_masked_in_the_pdf_and_the_sheet__R16__R20(archivist_client):
    outside_loan()
    pdf = flat(pdf_text(archivist_client.get(URL, {**MARCH, "format": "pdf"}).content))
    assert MASKED in pdf and CREDENTIAL not in pdf
    assert "翠湖派出所" in pdf and "张警官" in pdf
    response = archivist_client.get(URL, {**MARCH, "format": "xlsx"})
    (cells,) = sheet_cells(response.content)
    assert cells["party_credential"] == MASKED
    assert cells["party_organisation"] == "翠湖派出所" and cells["party_person"] == "张警官"
    assert CREDENTIAL.encode() not in response.content


def test_the_sheet_has_one_row_per_loan_with_its_cells(archivist_client, archivist):
    manager = user_with_role(Role.MANAGER)
    loan = loan_in(
        documents=documents_in(n=3, title="装修申请表"),
        approved_by=manager,
        renewal_count=1,
        escalated=True,
    )
    response = archivist_client.get(URL, {**MARCH, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    (cells,) = sheet_cells(response.content)
    assert cells["number"] == loan.number
    assert cells["archive_number"] == loan.dossier.archive_number
    assert cells["item_count"] == 3 and cells["titles"] == "装修申请表、资料2、资料3"
    assert cells["borrower"] == str(loan.borrower)
    assert cells["approved_by"] == str(manager)
    assert cells["requested_at"] == "2026-03-10 10:00"
    assert cells["handed_out_at"] == "2026-03-10 09:00"
    assert cells["due_on"] == "2026-03-17"
    assert cells["renewals"] == 1 and cells["escalated"]
    logged = AccessLog.objects.get(action=AccessLog.Action.EXPORT, user=archivist)
    assert logged.detail == "loan register 2026-03-01..2026-03-31 xlsx"


def test_a_loan_escalated_once_stays_marked_after_its_renewal__R23(archivist_client):
    loan = loan_in(Loan.Status.RENEWED, renewal_count=1, escalated=False)
    Notice.objects.create(loan=loan, period=1, level=Notice.Level.ESCALATION, day=loan.due_on)
    (cells,) = sheet_cells(archivist_client.get(URL, {**MARCH, "format": "xlsx"}).content)
    assert cells["escalated"]


def test_the_period_holds_loans_requested_or_handed_out_in_it(client, archivist, frozen_clock):
    frozen_clock.move_to(datetime.datetime(2026, 2, 27, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    asked_before = loan_in(Loan.Status.APPROVED)  # requested in February ...
    old = loan_in(Loan.Status.RETURNED, out_on=datetime.date(2026, 2, 27))
    frozen_clock.move_to(datetime.datetime(2026, 3, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    # ... handed out on 1 March, half past midnight in Shanghai (still February in UTC)
    Loan.objects.filter(pk=asked_before.pk).update(
        status=Loan.Status.OUT,
        handed_out_at=datetime.datetime(2026, 3, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    in_march = loan_in()
    frozen_clock.move_to(datetime.datetime(2026, 4, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    april = loan_in()
    client.force_login(archivist)
    rows = sheet_cells(client.get(URL, {**MARCH, "format": "xlsx"}).content)
    assert [r["number"] for r in rows] == [asked_before.number, in_march.number]
    assert not {old.number, april.number} & {r["number"] for r in rows}


def test_each_printer_sees_only_the_dossiers_they_may_see__R17(client, archivist):
    open_loan = loan_in()
    secret = dossier_for(secrecy="B")
    granted_clerk = user_with_role(Role.FRONT_DESK)
    grant_dossier(granted_clerk, secret)
    secret_loan = loan_in(documents=documents_in(secret, actor=granted_clerk))
    client.force_login(archivist)
    sheet = client.get(URL, {**MARCH, "format": "xlsx"}).content
    numbers = [r["number"] for r in sheet_cells(sheet)]
    assert open_loan.number in numbers and secret_loan.number not in numbers
    # granted on the confidential dossier: the row is printed and its read logged (R21)
    grant_dossier(archivist, secret)
    client.force_login(archivist)
    text = flat(pdf_text(client.get(URL, {**MARCH, "format": "pdf"}).content))
    assert secret_loan.number in text
    logged = AccessLog.objects.filter(action=AccessLog.Action.PRINT, object_id=str(secret_loan.pk))
    assert logged.count() == 1
    assert not AccessLog.objects.filter(object_id=str(open_loan.pk)).exists()


def test_a_document_the_printer_may_not_see_is_counted_not_named__R17(archivist_client):
    dossier = dossier_for()
    docs = documents_in(dossier, 1, title="入住登记表")
    docs += documents_in(dossier, 1, title="密件：纠纷调解记录", secrecy_level="B")
    loan_in(documents=docs)
    text = flat(pdf_text(archivist_client.get(URL, {**MARCH, "format": "pdf"}).content))
    assert "2件：入住登记表（另1件无权查看）" in text
    assert "纠纷调解记录" not in text


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.ADMIN, Role.WITNESS])
def test_who_does_not_see_every_loan_may_not_print__R17(client, role):
    loan_in()
    client.force_login(user_with_role(role))
    for params in ({}, {**MARCH, "format": "pdf"}, {**MARCH, "format": "xlsx"}):
        assert client.get(URL, params).status_code == 403
    assert not AccessLog.objects.filter(action__in=["print", "export"]).exists()
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).count() == 3


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EXECUTIVE])
def test_managers_and_executives_print_too(client, role):
    loan = loan_in()
    client.force_login(user_with_role(role))
    text = flat(pdf_text(client.get(URL, {**MARCH, "format": "pdf"}).content))
    assert loan.number in text


def test_the_legal_department_prints_only_the_dossiers_it_was_given__R20(client):
    loan = loan_in()
    legal = user_with_role(Role.LEGAL)
    client.force_login(legal)
    assert sheet_cells(client.get(URL, {**MARCH, "format": "xlsx"}).content) == []
    grant_dossier(legal, loan.dossier)  # an outside party asked to read it
    rows = sheet_cells(client.get(URL, {**MARCH, "format": "xlsx"}).content)
    assert [r["number"] for r in rows] == [loan.number]


def test_the_page_shows_the_form_and_counts_the_loans(archivist_client):
    loan_in()
    loan_in()
    response = archivist_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-03-01"' in html and 'value="2026-03-10"' in html  # this month so far
    assert 'data-testid="register-pdf"' in html and 'data-testid="register-xlsx"' in html
    response = archivist_client.get(URL, MARCH)
    assert response.context["count"] == 2


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "date_to", "order"),
        ({"date_from": "2026-02-30", "date_to": "2026-03-01"}, "date_from", "invalid"),
        ({"date_from": "", "date_to": "2026-03-01"}, "date_from", "required"),
        ({"date_from": "2024-01-01", "date_to": "2026-03-01"}, "date_to", "long"),
    ],
)
def test_a_bad_period_is_refused_beside_its_field_and_the_input_kept(
    archivist_client, params, field, code
):
    for output in ("pdf", "xlsx"):
        response = archivist_client.get(URL, {**params, "format": output})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        form = response.context["form"]
        assert form.has_error(field, code), form.errors
        html = response.content.decode()
        assert f'id="id_{field}_error"' in html
        for value in params.values():
            if value:
                assert f'value="{value}"' in html
    assert not AccessLog.objects.filter(action__in=["print", "export"]).exists()


def test_an_empty_register_says_so(archivist_client):
    text = flat(pdf_text(archivist_client.get(URL, {**MARCH, "format": "pdf"}).content))
    assert "本期间无借阅记录" in text and "共0条" in text


def test_a_long_register_repeats_its_header_and_numbers_its_pages(archivist_client):
    for _ in range(40):
        loan_in()
    content = archivist_client.get(URL, {**MARCH, "format": "pdf"}).content
    pages = [flat(p.extract_text()) for p in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "借阅单号" in page and "应还日期" in page  # the header row on every page
        assert f"第{number}页/共{len(pages)}页" in page
    assert "共40条" in pages[0]


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


def test_the_register_reads_the_same_queries_for_2_loans_and_for_30(archivist_client):
    for _ in range(2):
        loan_in(documents=documents_in(n=2))
    # the user's permissions and session are read once per request: warm both
    _queries(archivist_client, {**MARCH, "format": "pdf"})
    few = {fmt: _queries(archivist_client, {**MARCH, "format": fmt}) for fmt in ("pdf", "xlsx")}
    for _ in range(28):
        loan_in(documents=documents_in(n=3))
    many = {fmt: _queries(archivist_client, {**MARCH, "format": fmt}) for fmt in ("pdf", "xlsx")}
    assert many == few


def test_the_count_page_keeps_few_queries(archivist_client, django_assert_max_num_queries):
    for _ in range(5):
        loan_in()
    with django_assert_max_num_queries(12):
        archivist_client.get(URL, MARCH)
