"""The loan request pages: what the rules say of each item, at once and per mode (R18, R27,
R29); a refused request keeps the input; the archive room registers an executive's loan
(R22); an outside party reads on site with its notice kept in the dossier (R20)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from core.models import Notification
from core.roles import Role
from customers.permissions import grant_dossier
from documents.models import Document
from lending.models import BorrowerKind, Loan, Mode

from ..customers.factories import dossier_for
from ..documents.factories import PDF
from ..factories import user_with_role
from .factories import default_rules, documents_in, loan_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))),
]

CONFIDENTIAL_RULE = "机密档案：仅限档案室阅览，不得借出、复制（R18）"
OBJECT_RULE = "实物档案不外借（R27）"


@pytest.fixture(autouse=True)
def _rules(client, settings):
    default_rules()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read the English texts


def _url(dossier, **params):
    url = reverse("lending:loan_request", args=[dossier.pk])
    return url, params


def _verdict(response, document):
    html = response.content.decode()
    start = html.index(f'data-testid="verdict-{document.pk}"')
    return html[start : html.index("</td>", start)]


def _row(response, document):
    return next(r for r in response.context["rows"] if r.document.pk == document.pk)


def test_a_confidential_document_cannot_be_taken_out_and_the_form_says_so_at_once__R18(client):
    dossier = dossier_for()
    general, secret = documents_in(dossier, 2)
    Document.objects.filter(pk=secret.pk).update(secrecy_level="B")
    front = user_with_role(Role.FRONT_DESK)
    grant_dossier(front, dossier)  # a confidential document is seen by its grantees only
    client.force_login(front)
    url = reverse("lending:loan_request", args=[dossier.pk])

    response = client.get(url, {"mode": Mode.TAKE_OUT})
    refused = _row(response, secret)
    assert refused.disabled and refused.access_label == "Not allowed"
    assert CONFIDENTIAL_RULE in refused.verdict.reason
    verdict = _verdict(response, secret)
    assert CONFIDENTIAL_RULE in verdict
    html = response.content.decode()
    box = html[html.index(f'id="doc-{secret.pk}"') - 120 : html.index(f'id="doc-{secret.pk}"') + 80]
    assert "disabled" in box
    assert _row(response, general).access_label == "With a manager's approval"

    # reading in the archive room: the general one on registration, the secret one approved
    response = client.get(url, {"mode": Mode.READ_ARCHIVE})
    assert _row(response, general).access_label == "On registration"
    assert _row(response, secret).access_label == "With a manager's approval"
    assert not _row(response, secret).disabled


def test_the_verdicts_follow_the_mode_with_htmx_and_keep_the_choice__R18(client):
    dossier = dossier_for()
    general, secret = documents_in(dossier, 2)
    Document.objects.filter(pk=secret.pk).update(secrecy_level="B")
    front = user_with_role(Role.FRONT_DESK)
    grant_dossier(front, dossier)
    client.force_login(front)
    response = client.get(
        reverse("lending:loan_request", args=[dossier.pk]),
        {"mode": Mode.COPY, "documents": [general.pk, secret.pk], "purpose": "核对"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="request-items"' in html  # the fragment alone
    assert _row(response, general).checked
    assert not _row(response, secret).checked  # refused: never chosen
    assert CONFIDENTIAL_RULE in _verdict(response, secret)


def test_a_physical_object_is_lent_in_no_mode_and_audio_only_as_copies__R27(client):
    dossier = dossier_for()
    (thing,) = documents_in(dossier, 1, carrier="object", title="钥匙")
    (tape,) = documents_in(dossier, 1, carrier="audio", title="录音")
    client.force_login(user_with_role(Role.FRONT_DESK))
    url = reverse("lending:loan_request", args=[dossier.pk])
    for mode in Mode.values:
        response = client.get(url, {"mode": mode})
        assert _row(response, thing).disabled, mode
        assert OBJECT_RULE in _row(response, thing).verdict.reason
        assert _row(response, tape).disabled == (mode != Mode.COPY), mode


def test_a_whole_dossier_is_read_in_the_office_on_registration__R29(client):
    dossier = dossier_for()
    documents_in(dossier, 2)
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    url = reverse("lending:loan_request", args=[dossier.pk])

    shown = client.get(url, {"mode": Mode.READ_OFFICE, "whole_dossier": "on"})
    assert all(r.access_label == "On registration" and r.checked for r in shown.context["rows"])
    shown = client.get(url, {"mode": Mode.READ_ARCHIVE, "whole_dossier": "on"})
    assert all(r.access_label == "With a manager's approval" for r in shown.context["rows"])

    response = client.post(
        url, {"mode": Mode.READ_OFFICE, "whole_dossier": "on", "purpose": "核对业主资料"}
    )
    office = Loan.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "lending:loan_detail", args=[office.pk]
    )
    assert office.status == Loan.Status.APPROVED and office.whole_dossier
    assert office.items.count() == 2
    client.post(url, {"mode": Mode.READ_ARCHIVE, "whole_dossier": "on", "purpose": "档案室查阅"})
    elsewhere = Loan.objects.exclude(pk=office.pk).get()
    assert elsewhere.status == Loan.Status.REQUESTED and elsewhere.needs_approval


def test_a_refused_request_keeps_the_input_and_says_why__R18(client):
    dossier = dossier_for()
    general, secret = documents_in(dossier, 2)
    Document.objects.filter(pk=secret.pk).update(secrecy_level="B")
    front = user_with_role(Role.FRONT_DESK)
    grant_dossier(front, dossier)
    client.force_login(front)
    response = client.post(
        reverse("lending:loan_request", args=[dossier.pk]),
        {
            "mode": Mode.TAKE_OUT,
            "documents": [general.pk, secret.pk],  # the disabled box, posted anyway
            "purpose": "带回服务中心核对",
            "days": "5",
        },
    )
    assert response.status_code == 200
    assert not Loan.objects.exists()
    errors = response.context["form"].non_field_errors()
    assert any(CONFIDENTIAL_RULE in e for e in errors)
    html = response.content.decode()
    assert "带回服务中心核对" in html and 'value="5"' in html
    assert f'<option value="{Mode.TAKE_OUT}" selected' in html
    assert _row(response, general).checked  # the choice is kept


def test_nothing_chosen_is_an_error_beside_the_items(client):
    dossier = dossier_for()
    documents_in(dossier, 1)
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("lending:loan_request", args=[dossier.pk]),
        {"mode": Mode.READ_ARCHIVE, "purpose": "查阅"},
    )
    assert response.status_code == 200 and not Loan.objects.exists()
    assert response.context["form"].errors["documents"]
    assert 'id="id_documents_error"' in response.content.decode()


def test_an_item_out_now_is_asked_for_and_waits__R22(client):
    dossier = dossier_for()
    (document,) = documents_in(dossier, 1)
    loan_in(Loan.Status.OUT, documents=[document])
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    url = reverse("lending:loan_request", args=[dossier.pk])
    response = client.get(url, {"document": document.pk})
    row = _row(response, document)
    assert row.checked and not row.disabled
    assert "out on another loan now" in row.verdict.note
    client.post(url, {"mode": Mode.READ_ARCHIVE, "documents": [document.pk], "purpose": "查阅"})
    assert Loan.objects.filter(borrower=front).get().status == Loan.Status.APPROVED


def test_a_staff_loan_waits_for_a_manager_who_is_told__R22(client):
    dossier = dossier_for()
    (document,) = documents_in(dossier, 1)
    front = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER)
    client.force_login(front)
    response = client.post(
        reverse("lending:loan_request", args=[dossier.pk]),
        {"mode": Mode.TAKE_OUT, "documents": [document.pk], "purpose": "带回核对"},
        follow=True,
    )
    loan = Loan.objects.get()
    assert loan.status == Loan.Status.REQUESTED and loan.borrower == front
    assert loan.days == 7  # the rules' default (R23)
    assert escape("a manager's approval") in response.content.decode()
    assert Notification.objects.filter(recipient=manager, link__endswith=f"/{loan.pk}/").exists()


def test_the_archive_room_registers_an_executive_s_loan_approved_at_once__R22(client):
    dossier = dossier_for()
    (document,) = documents_in(dossier, 1)
    boss = user_with_role(Role.MANAGER)
    executive = user_with_role(Role.EXECUTIVE, reports_to=boss)
    archivist = user_with_role(Role.ARCHIVIST)
    client.force_login(archivist)
    url = reverse("lending:loan_request", args=[dossier.pk])
    form = client.get(url).context["form"]
    assert executive in form.fields["borrower"].queryset
    client.post(
        url,
        {
            "mode": Mode.TAKE_OUT,
            "documents": [document.pk],
            "purpose": "董事会审阅",
            "borrower": executive.pk,
        },
    )
    loan = Loan.objects.get()
    assert loan.borrower == executive and loan.requested_by == archivist
    assert loan.borrower_kind == BorrowerKind.EXECUTIVE
    assert loan.status == Loan.Status.APPROVED  # registered, not separately approved
    assert Notification.objects.filter(recipient=boss, message__contains=loan.number).exists()


def test_only_the_archive_room_chooses_another_borrower__R22(client):
    secret = dossier_for(secrecy="B")
    front = user_with_role(Role.FRONT_DESK)
    other = user_with_role(Role.FRONT_DESK)
    archivist = user_with_role(Role.ARCHIVIST)
    for user in (front, other, archivist):
        grant_dossier(user, secret)
    (document,) = documents_in(secret, 1, actor=front)
    outsider = user_with_role(Role.FRONT_DESK)  # may not see the confidential dossier
    client.force_login(archivist)
    choices = client.get(reverse("lending:loan_request", args=[secret.pk])).context["form"]
    assert other in choices.fields["borrower"].queryset
    assert outsider not in choices.fields["borrower"].queryset

    client.force_login(front)
    url = reverse("lending:loan_request", args=[secret.pk])
    page = client.get(url)
    assert "borrower" not in page.context["form"].fields
    assert 'data-testid="borrower-field"' not in page.content.decode()
    client.post(
        url,
        {
            "mode": Mode.READ_ARCHIVE,
            "documents": [document.pk],
            "purpose": "查阅",
            "borrower": other.pk,  # ignored: the loan is the requester's own
        },
    )
    assert Loan.objects.get().borrower == front


def test_the_document_page_offers_the_request_with_the_document_chosen(client):
    dossier = dossier_for()
    first, second = documents_in(dossier, 2)
    client.force_login(user_with_role(Role.FRONT_DESK))
    page = client.get(reverse("documents:document_detail", args=[second.pk]))
    link = f"{reverse('lending:loan_request', args=[dossier.pk])}?document={second.pk}"
    assert page.context["borrow_url"] == link
    assert 'data-testid="borrow"' in page.content.decode()
    response = client.get(link)
    assert _row(response, second).checked and not _row(response, first).checked

    client.force_login(user_with_role(Role.ADMIN))  # reads documents, asks for no loans
    page = client.get(reverse("documents:document_detail", args=[second.pk]))
    assert page.status_code == 200 and 'data-testid="borrow"' not in page.content.decode()


# --- Outside parties (R20) -------------------------------------------------------------------
def _outside(dossier, document, **extra):
    data = {
        "party": "police",
        "party_organisation": "某某区公安分局",
        "party_person": "李警官",
        "party_credential": "110101199003071234",
        "notice": SimpleUploadedFile("协查通知.pdf", PDF),
        "notice_category": _category("correspondence").pk,
        "notice_date": "2026-03-01",
        "mode": Mode.READ_ARCHIVE,
        "documents": [document.pk],
        "purpose": "案件协查",
    }
    data.update(extra)
    return reverse("lending:loan_request_outside", args=[dossier.pk]), data


def _category(code):
    from documents.models import DocumentCategory

    return DocumentCategory.objects.get(code=code)


def test_an_outside_party_reads_on_site_with_its_notice_kept_in_the_dossier__R20(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    dossier = dossier_for()
    (document,) = documents_in(dossier, 1)
    archivist = user_with_role(Role.ARCHIVIST)
    client.force_login(archivist)
    url, data = _outside(dossier, document)
    response = client.post(url, data)
    loan = Loan.objects.get()
    assert response.status_code == 302
    notice = Document.objects.get(dossier=dossier, category__code="correspondence")
    assert notice.file_type == "application/pdf" and notice.file_name == "协查通知.pdf"
    assert loan.party_notice == notice and loan.borrower is None
    assert loan.borrower_kind == BorrowerKind.OUTSIDE and loan.party == "police"
    assert loan.needs_legal and loan.status == Loan.Status.REQUESTED

    page = client.get(reverse("lending:loan_detail", args=[loan.pk])).content.decode()
    assert "110101199003071234" not in page and "110101********1234" in page


def test_an_outside_party_may_not_take_out_and_the_error_is_beside_the_field__R20(client):
    dossier = dossier_for()
    (document,) = documents_in(dossier, 1)
    client.force_login(user_with_role(Role.ARCHIVIST))
    url, data = _outside(dossier, document, mode=Mode.TAKE_OUT)
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["mode"]
    assert not Loan.objects.exists()
    assert not Document.objects.filter(category__code="correspondence").exists()
    modes = [value for value, _label in response.context["form"].fields["mode"].choices]
    assert modes == [Mode.READ_ARCHIVE, Mode.READ_OFFICE]


def test_a_notice_that_is_no_document_is_refused_beside_the_field__R20(client):
    dossier = dossier_for()
    (document,) = documents_in(dossier, 1)
    client.force_login(user_with_role(Role.ARCHIVIST))
    url, data = _outside(
        dossier, document, notice=SimpleUploadedFile("notice.pdf", b"MZ\x90\x00 not a pdf")
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["notice"]
    assert "某某区公安分局" in response.content.decode()  # the input is kept
    assert not Loan.objects.exists() and not Document.objects.filter(pk__gt=document.pk).exists()


def test_a_refused_outside_request_leaves_no_notice_behind__R20(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = dossier_for()
    (thing,) = documents_in(dossier, 1, carrier="object")
    client.force_login(user_with_role(Role.ARCHIVIST))
    url, data = _outside(dossier, thing)
    response = client.post(url, data)
    assert response.status_code == 200
    assert any(OBJECT_RULE in e for e in response.context["form"].non_field_errors())
    assert not Loan.objects.exists()
    assert not Document.objects.exclude(pk=thing.pk).exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nor its file


# --- In a real browser ------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_verdicts_change_with_the_mode_in_the_browser__R18(page, live_server, screenshot):
    from ..browser.support import log_in

    default_rules()  # an earlier transactional test flushed them
    dossier = dossier_for()
    general, secret = documents_in(dossier, 2)
    Document.objects.filter(pk=secret.pk).update(secrecy_level="B")
    front = user_with_role(Role.FRONT_DESK)
    grant_dossier(front, dossier)
    log_in(page, front.username)
    page.goto(f"{live_server.url}{reverse('lending:loan_request', args=[dossier.pk])}")
    verdict = page.locator(f"[data-testid=verdict-{secret.pk}]")
    assert CONFIDENTIAL_RULE not in verdict.inner_text()
    page.check(f"#doc-{general.pk}")
    page.select_option("[data-testid=mode]", Mode.TAKE_OUT)  # htmx: the items alone come back
    page.wait_for_function(
        "([id, rule]) => document.getElementById(id).innerText.includes(rule)",
        arg=[f"verdict-{secret.pk}", CONFIDENTIAL_RULE],
    )
    assert page.is_disabled(f"#doc-{secret.pk}") and page.is_checked(f"#doc-{general.pk}")
    screenshot(page, "loan-request")
    page.fill("#id_purpose", "带回服务中心核对")
    page.click("[data-testid=request-submit]")
    page.wait_for_selector("[data-testid=loan-number]")
    loan = Loan.objects.get()
    assert loan.mode == Mode.TAKE_OUT and loan.status == Loan.Status.REQUESTED
    screenshot(page, "loan-detail")
