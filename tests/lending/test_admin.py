"""Lending in the Django admin: administrators keep the rules and the holidays; loans and what
hangs on them are read-only there (the services make every move), only for the dossiers the
admin user may see (R17), the outside party's credential masked (R16)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role
from customers.permissions import grant_dossier
from lending.models import (
    BorrowerKind,
    CopyRecord,
    Holiday,
    Incident,
    LendingRule,
    Loan,
    Notice,
    OutsideParty,
)

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import default_rules, documents_in, loan_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))),
]

CREDENTIAL = "110101199003071234"
MASKED = "110101********1234"


@pytest.fixture
def admin_user():
    return user_with_role(Role.ADMIN)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def loan_with_everything():
    """A loan of an outside party with an item, a notice, an incident and a copy."""
    clerk = user_with_role(Role.FRONT_DESK)
    loan = loan_in(
        Loan.Status.OUT,
        documents=documents_in(n=2, title="入住登记表"),
        borrower_kind=BorrowerKind.OUTSIDE,
        borrower=None,
        requested_by=clerk,
        party=OutsideParty.COURT,
        party_organisation="区人民法院",
        party_person="赵法官",
        party_credential=CREDENTIAL,
    )
    item = loan.items.first()
    Notice.objects.create(loan=loan, period=1, level=Notice.Level.OVERDUE, day=loan.due_on)
    Incident.objects.create(
        item=item,
        loan=loan,
        kind=Incident.Kind.DAMAGED,
        grade=Incident.Grade.MINOR,
        description="封面破损",
        reported_by=clerk,
    )
    CopyRecord.objects.create(
        loan=loan,
        document=item.document,
        count=2,
        holder=clerk,
        purpose="核对",
        status=CopyRecord.Status.HELD,
        made_by=clerk,
    )
    return loan


def _pages(loan):
    pages = []
    for model in ("lendingrule", "holiday", "loan", "notice", "incident", "copyrecord"):
        pages.append(reverse(f"admin:lending_{model}_changelist"))
    pages += [reverse("admin:lending_lendingrule_add"), reverse("admin:lending_holiday_add")]
    rule = LendingRule.objects.first()
    pages.append(reverse("admin:lending_lendingrule_change", args=[rule.pk]))
    pages.append(reverse("admin:lending_loan_change", args=[loan.pk]))
    pages.append(reverse("admin:lending_loan_history", args=[loan.pk]))
    for model, obj in (
        ("notice", loan.notices.first()),
        ("incident", loan.incidents.first()),
        ("copyrecord", loan.copies.first()),
    ):
        pages.append(reverse(f"admin:lending_{model}_change", args=[obj.pk]))
    return pages


def test_every_lending_admin_page_answers_an_administrator(admin_client, loan_with_everything):
    Holiday.objects.create(day=datetime.date(2026, 10, 1), name="国庆节")
    for url in _pages(loan_with_everything):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    year = admin_client.get(reverse("admin:lending_holiday_changelist"), {"year": "2026"})
    assert "国庆节" in year.content.decode()
    other = admin_client.get(reverse("admin:lending_holiday_changelist"), {"year": "2025"})
    assert "国庆节" not in other.content.decode()


def test_the_admin_pages_need_staff(client, loan_with_everything):
    clerk = user_with_role(Role.FRONT_DESK)
    client.force_login(clerk)
    for url in _pages(loan_with_everything):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login"))


def test_an_administrator_edits_a_rule_there(admin_client):
    default_rules()
    rule = LendingRule.objects.filter(active=True).first()
    versions = rule.history.count()
    url = reverse("admin:lending_lendingrule_change", args=[rule.pk])
    data = {
        "name": rule.name,
        "active": "on",
        "order": rule.order,
        "note": "延长至十天",
        "applies_to": rule.applies_to,
        "category": rule.category_id or "",
        "carrier": rule.carrier,
        "secrecy_level": rule.secrecy_level,
        "read_archive": rule.read_archive,
        "read_office": rule.read_office,
        "take_out": "refused",
        "copy": rule.copy,
        "loan_days": 10,
        "renewals": 2,
        "renewal_days": 5,
        "max_items": 4,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert (rule.take_out, rule.loan_days, rule.renewals, rule.max_items) == ("refused", 10, 2, 4)
    assert rule.note == "延长至十天"
    assert rule.history.count() == versions + 1  # the change is kept in its history


def test_an_administrator_adds_a_holiday_there(admin_client):
    response = admin_client.post(
        reverse("admin:lending_holiday_add"),
        {"day": "2026-10-01", "name": "国庆节", "is_working_day": ""},
    )
    assert response.status_code == 302
    assert Holiday.objects.get(day=datetime.date(2026, 10, 1)).name == "国庆节"


def test_a_loan_cannot_be_added_changed_or_deleted_there(admin_client, loan_with_everything):
    loan = loan_with_everything
    change = reverse("admin:lending_loan_change", args=[loan.pk])
    page = admin_client.get(change).content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page
    assert admin_client.post(change, {"purpose": "改掉", "status": "returned"}).status_code == 403
    assert admin_client.get(reverse("admin:lending_loan_add")).status_code == 403
    delete = reverse("admin:lending_loan_delete", args=[loan.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    loan.refresh_from_db()
    assert (loan.status, loan.purpose) == (Loan.Status.OUT, "核对资料")
    for model, obj in (("notice", loan.notices.first()), ("copyrecord", loan.copies.first())):
        url = reverse(f"admin:lending_{model}_change", args=[obj.pk])
        assert admin_client.post(url, {"count": 9}).status_code == 403
    assert loan.copies.first().count == 2


def test_the_credential_is_masked_on_every_admin_page_of_the_loan__R16(
    admin_client, loan_with_everything
):
    loan = loan_with_everything
    for url in (
        reverse("admin:lending_loan_changelist"),
        reverse("admin:lending_loan_change", args=[loan.pk]),
        reverse("admin:lending_loan_history", args=[loan.pk]),
    ):
        text = admin_client.get(url).content.decode()
        assert CREDENTIAL not in text, url
    assert (
        MASKED
        in admin_client.get(reverse("admin:lending_loan_change", args=[loan.pk])).content.decode()
    )


def test_a_confidential_dossiers_loans_stay_out_of_the_admin__R17(admin_client, admin_user):
    secret = dossier_for(secrecy="B")
    clerk = user_with_role(Role.FRONT_DESK)
    grant_dossier(clerk, secret)
    loan = loan_in(documents=documents_in(secret, actor=clerk), borrower=clerk)
    listed = admin_client.get(reverse("admin:lending_loan_changelist")).content.decode()
    assert loan.number not in listed
    response = admin_client.get(reverse("admin:lending_loan_change", args=[loan.pk]))
    assert response.status_code == 302  # the admin's "does not exist"
    assert (
        admin_client.get(reverse("admin:lending_loan_history", args=[loan.pk])).status_code == 404
    )
    # granted: listed, and the read of its page logged (R21)
    grant_dossier(admin_user, secret)
    assert (
        loan.number in admin_client.get(reverse("admin:lending_loan_changelist")).content.decode()
    )
    assert admin_client.get(reverse("admin:lending_loan_change", args=[loan.pk])).status_code == 200
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, object_id=str(loan.pk), user=admin_user
    ).exists()


def test_an_item_of_a_higher_level_is_not_shown_in_the_loans_inline__R17(admin_client):
    dossier = dossier_for()
    docs = documents_in(dossier, 1, title="入住登记表")
    docs += documents_in(dossier, 1, title="密件：调解记录", secrecy_level="B")
    loan = loan_in(documents=docs)
    page = admin_client.get(reverse("admin:lending_loan_change", args=[loan.pk])).content.decode()
    assert "入住登记表" in page and "调解记录" not in page
