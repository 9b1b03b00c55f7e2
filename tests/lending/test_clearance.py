"""Clearance (R28): whoever holds items out or copies cannot be deactivated, neither through
the service nor in the user admin; once everything is back they can. The clearance page and
the report of the staff with items out show the right rows, and only what the viewer may see."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from core import clearance
from core.models import AccessLog
from core.roles import Role
from core.workflow import DomainError
from customers.permissions import grant_dossier
from documents.models import Document
from lending.clearance import views as clearance_views
from lending.models import CopyRecord, Loan, LoanItem

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import documents_in, loan_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))),
]


@pytest.fixture
def holder():
    return user_with_role(Role.FRONT_DESK, first_name="芳", last_name="王")


def give_back(loan):
    """The items come back (what the return's services end with)."""
    LoanItem.objects.filter(loan=loan).update(out=False)
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.RETURNED)
    Document.objects.filter(loan_items__loan=loan).update(status=Document.Status.FILED)


def copy_held(loan, holder, count=2):
    return CopyRecord.objects.create(
        loan=loan,
        document=loan.items.first().document,
        count=count,
        holder=holder,
        purpose="核对",
        status=CopyRecord.Status.HELD,
        made_by=user_with_role(Role.ARCHIVIST),
    )


# --- The registry and the service ------------------------------------------------------------
def test_the_holdings_name_each_loan_out_and_each_copy_held__R28(holder):
    out = loan_in(documents=documents_in(n=3), borrower=holder, out_on=datetime.date(2026, 3, 2))
    loan_in(Loan.Status.APPROVED, borrower=holder)  # approved, not handed out: holds nothing
    returned = loan_in(Loan.Status.COPIED, borrower=holder)
    copy_held(returned, holder)
    lines = clearance.holdings_of(holder)
    assert len(lines) == 2
    assert out.number in lines[0] and out.dossier.archive_number in lines[0]
    assert "3" in lines[0] and date_format(datetime.date(2026, 3, 9)) in lines[0]
    assert returned.number in lines[1] and "2" in lines[1]
    # no document title: administrators read these lines, and may not see the dossier (R17)
    assert not any("资料" in line for line in lines)
    assert clearance.holdings_of(user_with_role(Role.FRONT_DESK)) == []


def test_the_service_refuses_while_items_are_out_and_allows_after_the_return__R28(holder):
    admin = user_with_role(Role.ADMIN)
    loan = loan_in(borrower=holder)
    with pytest.raises(DomainError) as refused:
        clearance.user_deactivate(user=holder, actor=admin)
    assert loan.number in str(refused.value)
    holder.refresh_from_db()
    assert holder.is_active
    assert not AccessLog.objects.filter(action=AccessLog.Action.ACCOUNT).exists()
    give_back(loan)
    clearance.user_deactivate(user=holder, actor=admin)
    holder.refresh_from_db()
    assert not holder.is_active
    logged = AccessLog.objects.get(action=AccessLog.Action.ACCOUNT, object_id=str(holder.pk))
    assert logged.user == admin and logged.detail == "changed: is_active"


def test_copies_held_keep_the_account_open_until_they_are_back__R28(holder):
    admin = user_with_role(Role.ADMIN)
    loan = loan_in(Loan.Status.COPIED, borrower=user_with_role(Role.FRONT_DESK))
    copy = copy_held(loan, holder)  # held by someone other than the borrower
    with pytest.raises(DomainError):
        clearance.user_deactivate(user=holder, actor=admin)
    CopyRecord.objects.filter(pk=copy.pk).update(status=CopyRecord.Status.RETURNED)
    clearance.user_deactivate(user=holder, actor=admin)
    holder.refresh_from_db()
    assert not holder.is_active


def test_the_service_needs_the_right_and_never_deactivates_oneself(holder):
    with pytest.raises(PermissionDenied):
        clearance.user_deactivate(user=holder, actor=user_with_role(Role.MANAGER))
    admin = user_with_role(Role.ADMIN)
    with pytest.raises(PermissionDenied):
        clearance.user_deactivate(user=admin, actor=admin)
    holder.refresh_from_db()
    admin.refresh_from_db()
    assert holder.is_active and admin.is_active
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).count() == 2


# --- The user admin --------------------------------------------------------------------------
def _change_data(user, **changes):
    """What the user admin's change form posts for ``user`` (an administrator's form: the
    superuser flag and single permissions are read-only)."""
    joined = user.date_joined.astimezone(ZoneInfo("Asia/Shanghai"))
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_admin_change_form_refuses_to_deactivate_a_holder__R28(client, holder):
    loan = loan_in(borrower=holder)
    client.force_login(user_with_role(Role.ADMIN, is_staff=True))
    url = reverse("admin:core_user_change", args=[holder.pk])
    response = client.post(url, _change_data(holder, is_active=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["is_active"]
    assert loan.number in errors["is_active"][0]
    assert loan.number in response.content.decode()  # beside the field, on the page
    holder.refresh_from_db()
    assert holder.is_active
    # the same form saves other changes, and the deactivation once all is back
    give_back(loan)
    response = client.post(url, _change_data(holder, is_active="", first_name="芳芳"))
    assert response.status_code == 302
    holder.refresh_from_db()
    assert not holder.is_active and holder.first_name == "芳芳"


def test_the_admin_form_keeps_a_holder_editable_while_active(client, holder):
    loan_in(borrower=holder)
    client.force_login(user_with_role(Role.ADMIN, is_staff=True))
    url = reverse("admin:core_user_change", args=[holder.pk])
    response = client.post(url, _change_data(holder, email="wang.fang@example.com"))
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.is_active and holder.email == "wang.fang@example.com"


def test_the_admin_bulk_deactivation_refuses_holders_and_clears_the_rest__R28(client, holder):
    loan_in(borrower=holder)
    leaver = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.ADMIN, is_staff=True))
    response = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [holder.pk, leaver.pk]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(holder.username in m for m in messages)
    holder.refresh_from_db()
    leaver.refresh_from_db()
    assert holder.is_active and not leaver.is_active


# --- The clearance page ----------------------------------------------------------------------
def _page(client, user, holder):
    client.force_login(user)
    return client.get(reverse("lending:clearance_detail", args=[holder.pk]))


def test_one_sees_what_one_holds(client, holder):
    loan = loan_in(
        documents=documents_in(n=2, title="入住登记表"),
        borrower=holder,
        out_on=datetime.date(2026, 3, 1),
    )
    copies = loan_in(Loan.Status.COPIED, borrower=holder)
    copy_held(copies, holder, count=3)
    response = _page(client, holder, holder)
    assert response.status_code == 200
    assert [row.pk for row in response.context["loans"]] == [loan.pk]
    row = response.context["loans"][0]
    assert row.items_out == 2 and row.titles == ["入住登记表", "资料2"] and row.overdue
    assert [c.loan_id for c in response.context["copies"]] == [copies.pk]
    html = response.content.decode()
    assert (
        loan.number in html
        and "2026年3月8日" in html  # the page's language's one date format
        and 'data-testid="clearance-holding"' in html
    )


def test_a_clear_person_is_told_so(client, holder):
    loan = loan_in(borrower=holder)
    give_back(loan)
    response = _page(client, holder, holder)
    assert (
        response.context["clear"] and 'data-testid="clearance-clear"' in response.content.decode()
    )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE])
def test_those_who_see_every_loan_see_anyones_clearance__R28(client, holder, role):
    loan = loan_in(borrower=holder)
    response = _page(client, user_with_role(role), holder)
    assert response.status_code == 200
    assert [row.pk for row in response.context["loans"]] == [loan.pk]


def test_others_may_not_see_someones_clearance(client, holder):
    loan_in(borrower=holder)
    for role in (Role.FRONT_DESK, Role.ADMIN, Role.WITNESS):
        assert _page(client, user_with_role(role), holder).status_code == 403
    client.force_login(user_with_role(Role.MANAGER))
    assert client.get(reverse("lending:clearance_detail", args=[999999])).status_code == 404


def test_a_confidential_loan_is_counted_not_shown_to_who_may_not_see_it__R17(client, holder):
    secret = dossier_for(secrecy="B")
    grant_dossier(holder, secret)
    hidden = loan_in(documents=documents_in(secret, actor=holder), borrower=holder)
    shown = loan_in(borrower=holder)
    manager = user_with_role(Role.MANAGER)
    response = _page(client, manager, holder)
    assert [row.pk for row in response.context["loans"]] == [shown.pk]
    assert response.context["hidden_loans"] == 1 and not response.context["clear"]
    html = response.content.decode()
    assert hidden.number not in html and secret.archive_number not in html
    assert 'data-testid="clearance-hidden-loans"' in html
    grant_dossier(manager, secret)
    response = _page(client, manager, holder)
    assert {row.pk for row in response.context["loans"]} == {shown.pk, hidden.pk}
    assert response.context["hidden_loans"] == 0


# --- The report ------------------------------------------------------------------------------
REPORT = reverse("lending:clearance_report")


def test_the_report_lists_who_holds_what_soonest_due_first__R28(client, holder):
    late = user_with_role(Role.FRONT_DESK)
    loan_in(documents=documents_in(n=2), borrower=holder, out_on=datetime.date(2026, 3, 5))
    loan_in(borrower=holder, out_on=datetime.date(2026, 3, 6))
    loan_in(borrower=late, out_on=datetime.date(2026, 2, 20))
    copier = user_with_role(Role.FRONT_DESK)
    copy_held(loan_in(Loan.Status.COPIED, borrower=copier), copier)
    nothing = loan_in(borrower=user_with_role(Role.FRONT_DESK))
    give_back(nothing)
    client.force_login(user_with_role(Role.ARCHIVIST))
    response = client.get(REPORT)
    assert response.status_code == 200
    rows = [(p.pk, p.loans_out, p.items_out, p.held_copies) for p in response.context["page_obj"]]
    assert rows == [(late.pk, 1, 1, 0), (holder.pk, 2, 3, 0), (copier.pk, 0, 0, 1)]
    html = response.content.decode()
    assert reverse("lending:clearance_detail", args=[holder.pk]) in html
    assert response.context["page_obj"][0].next_due == datetime.date(2026, 2, 27)


def test_the_report_counts_only_the_dossiers_the_viewer_may_see__R17(client, holder):
    secret = dossier_for(secrecy="B")
    grant_dossier(holder, secret)
    loan_in(documents=documents_in(secret, actor=holder), borrower=holder)
    client.force_login(user_with_role(Role.MANAGER))
    assert list(client.get(REPORT).context["page_obj"]) == []


def test_the_report_is_for_those_who_see_every_loan(client):
    for role in (Role.FRONT_DESK, Role.ADMIN, Role.WITNESS):
        client.force_login(user_with_role(role))
        assert client.get(REPORT).status_code == 403


def _report_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REPORT)
    assert response.status_code == 200
    return len(captured)


def test_the_report_pages_with_a_constant_number_of_queries(client, monkeypatch):
    monkeypatch.setattr(clearance_views, "PAGE_SIZE", 3)
    for _ in range(2):
        loan_in(borrower=user_with_role(Role.FRONT_DESK))
    client.force_login(user_with_role(Role.MANAGER))
    _report_queries(client)
    few = _report_queries(client)
    for _ in range(5):
        loan_in(documents=documents_in(n=2), borrower=user_with_role(Role.FRONT_DESK))
    assert _report_queries(client) == few
    response = client.get(REPORT, {"page": 3})
    assert len(response.context["page_obj"]) == 1  # 7 people, 3 a page
