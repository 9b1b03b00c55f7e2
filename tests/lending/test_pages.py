"""The loan pages for their roles: the loan page and its buttons (exactly the moves
``allowed_moves`` offers), each move posted through one view; my loans, the approval queue and
the archivist's desk, each in a constant number of queries; the dossier's loans panel, its
timeline links and the menu entries."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escape

from core import navigation, workflow
from core.roles import Role
from customers.permissions import grant_dossier
from customers.timeline import dossier_timeline, link_for
from documents.models import Document
from lending.loans import services
from lending.models import Loan, Mode, Renewal

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import default_rules, documents_in, loan_in

TODAY = datetime.date(2026, 3, 2)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))),
]
S = Loan.Status


@pytest.fixture(autouse=True)
def _rules(client, settings):
    default_rules()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read the English texts


def _requested(borrower, *, mode=Mode.TAKE_OUT, dossier=None, code="other"):
    dossier = dossier or dossier_for()
    documents = documents_in(dossier, 1, code=code)
    return services.loan_request(
        dossier=dossier, mode=mode, purpose="带回核对", actor=borrower, documents=documents
    )


def _outside(archivist):
    dossier = dossier_for()
    (document,) = documents_in(dossier, 1)
    (notice,) = documents_in(dossier, 1, code="correspondence", title="协助查询通知书")
    return services.loan_request(
        dossier=dossier,
        mode=Mode.READ_ARCHIVE,
        purpose="案件协查",
        actor=archivist,
        documents=[document],
        party="police",
        party_organisation="某某区公安分局",
        party_person="李警官",
        party_credential="110101199003071234",
        party_notice=notice,
    )


def _detail(loan):
    return reverse("lending:loan_detail", args=[loan.pk])


def _move(loan, move):
    return reverse("lending:loan_move", args=[loan.pk, move])


def _messages(response):
    return [str(m) for m in response.context["messages"]]


# --- The loan page ------------------------------------------------------------------------
def test_a_front_desk_user_sees_their_own_loan_and_not_another_s__R22(client):
    front = user_with_role(Role.FRONT_DESK)
    loan = _requested(front)
    client.force_login(front)
    page = client.get(_detail(loan))
    assert page.status_code == 200 and loan.number in page.content.decode()
    client.force_login(user_with_role(Role.FRONT_DESK))
    assert client.get(_detail(loan)).status_code == 404
    client.force_login(user_with_role(Role.MANAGER))
    assert client.get(_detail(loan)).status_code == 200


# the buttons the loan page draws itself; the others link the return and copy pages
DRAWN = {"owner_consent", "approve", "approve_outside", "reject", "cancel", "hand_out", "renew"}
LINKED = {
    "check_return": "lending:return_check",
    "confirm_return": "lending:return_confirm",
    "check_again": "lending:return_check_again",
    "make_copies": "lending:copies_make",
}


def _linked(move, loan):
    try:
        reverse(LINKED[move], args=[loan.pk])
    except NoReverseMatch:
        return False  # that page is not installed yet: no button
    return True


def _expected(user, loan):
    moves = {"reject" if m == "reject_outside" else m for m in workflow.allowed_moves(user, loan)}
    return {m for m in moves if m in DRAWN or (m in LINKED and _linked(m, loan))}


def _buttons(html):
    return set(re.findall(r'data-testid="move-(\w+)"', html))


def test_the_buttons_are_the_moves_the_user_may_make__R22__R20(client):
    front = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER)
    archivist = user_with_role(Role.ARCHIVIST)
    legal = user_with_role(Role.LEGAL)
    requested = _requested(front)
    approved = loan_in(S.APPROVED, borrower=front)
    out = loan_in(S.OUT, borrower=front)
    outside = _outside(archivist)
    grant_dossier(legal, outside.dossier)  # the legal department reads the dossier it decides
    cases = [
        (front, requested, {"cancel"}),
        (manager, requested, {"approve", "reject"}),
        (archivist, requested, set()),
        (front, approved, {"cancel"}),
        (archivist, approved, {"hand_out"}),
        (front, out, {"renew"}),
        (manager, out, set()),
        (legal, outside, {"approve_outside", "reject"}),
        (manager, outside, {"reject"}),  # the manager's part is not asked of an outside party
    ]
    for user, loan, drawn in cases:
        client.force_login(user)
        html = client.get(_detail(loan)).content.decode()
        fresh = Loan.objects.get(pk=loan.pk)
        fresh._seen_by = user.pk
        assert _buttons(html) == _expected(user, fresh), (user, loan.status)
        assert _buttons(html) & DRAWN == drawn, (user, loan.status)


def test_a_manager_approves_and_the_archivist_hands_out_from_the_desk__R22(client):
    front = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER, first_name="经理", last_name="孙")
    archivist = user_with_role(Role.ARCHIVIST)
    loan = _requested(front)
    client.force_login(manager)
    response = client.post(_move(loan, "approve"), {"approve-note": "同意"}, follow=True)
    loan.refresh_from_db()
    assert loan.status == S.APPROVED and loan.approved_by == manager
    assert "Your approval is recorded." in _messages(response)

    client.force_login(archivist)
    desk = reverse("lending:desk") + "?tab=hand_out"
    assert loan in client.get(desk).context["page_obj"].object_list
    response = client.post(_move(loan, "hand_out"), {"next": desk})
    assert response.status_code == 302 and response.url == desk
    loan.refresh_from_db()
    assert loan.status == S.OUT and loan.due_on == TODAY + datetime.timedelta(days=7)
    assert set(Document.objects.filter(loan_items__loan=loan).values_list("status", flat=True)) == {
        Document.Status.ON_LOAN
    }
    history = client.get(_detail(loan)).content.decode()
    assert "Approved by a manager" in history and "Handed out" in history
    assert "孙经理" in history or "经理" in history


def test_a_rejection_needs_its_reason_beside_the_field(client):
    loan = _requested(user_with_role(Role.FRONT_DESK))
    client.force_login(user_with_role(Role.MANAGER))
    response = client.post(_move(loan, "reject"), {"reject-note": "  "})
    assert response.status_code == 200
    assert response.context["forms"]["reject"].errors["note"]
    assert 'id="id_reject-note_error"' in response.content.decode()
    assert Loan.objects.get(pk=loan.pk).status == S.REQUESTED
    client.post(_move(loan, "reject"), {"reject-note": "用途不明"})
    loan.refresh_from_db()
    assert loan.status == S.REJECTED and loan.decision_note == "用途不明"


def test_a_refused_move_shows_its_reason_and_changes_nothing__R22(client):
    manager = user_with_role(Role.MANAGER)
    own = _requested(manager)  # a manager does not approve their own loan
    client.force_login(manager)
    response = client.post(_move(own, "approve"), {}, follow=True)
    assert any("you asked for" in m for m in _messages(response))
    own.refresh_from_db()
    assert own.status == S.REQUESTED and own.approved_by is None
    front = user_with_role(Role.FRONT_DESK)
    mine = _requested(front)
    client.force_login(front)
    assert client.post(_move(mine, "approve")).status_code == 403  # no right to approve
    assert client.post(_move(mine, "unknown")).status_code == 404
    assert client.get(_move(mine, "cancel")).status_code == 405
    client.post(_move(mine, "cancel"), {"cancel-note": "不需要了"})
    assert Loan.objects.get(pk=mine.pk).status == S.CANCELLED


def test_a_renewal_is_asked_for_and_decided_on_the_loan_page__R23(client):
    front = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER)
    (document,) = documents_in(None, 1, code="id_copy")  # personal data: renewals approved
    loan = loan_in(
        S.OUT,
        documents=[document],
        borrower=front,
        out_on=TODAY - datetime.timedelta(days=6),
        renewal_needs_approval=True,
    )
    client.force_login(front)
    response = client.post(_move(loan, "renew"), {"renew-reason": "尚未核对完", "renew-days": "5"})
    renewal = Renewal.objects.get(loan=loan)
    assert response.status_code == 302 and renewal.status == Renewal.Status.REQUESTED
    page = client.get(_detail(loan)).content.decode()
    assert 'data-testid="renewal-cancel"' in page and 'data-testid="renewal-approve"' not in page

    client.force_login(manager)
    queue = client.get(reverse("lending:approval_queue"))
    assert renewal in queue.context["renewals"].object_list
    page = client.get(_detail(loan)).content.decode()
    assert 'data-testid="renewal-approve"' in page and 'data-testid="renewal-refuse"' in page
    refuse = reverse("lending:renewal_move", args=[renewal.pk, "refuse"])
    response = client.post(refuse, {"note": ""})
    assert response.status_code == 200 and response.context["forms"]["renewal_refuse"].errors
    assert Renewal.objects.get(pk=renewal.pk).status == Renewal.Status.REQUESTED
    approve = reverse("lending:renewal_move", args=[renewal.pk, "approve"])
    response = client.post(approve, {"note": "同意续借"}, follow=True)
    loan.refresh_from_db()
    assert loan.status == S.RENEWED and loan.due_on == TODAY + datetime.timedelta(days=5)
    assert Renewal.objects.get(pk=renewal.pk).status == Renewal.Status.APPROVED
    assert "The renewal is granted." in _messages(response)


def test_a_renewal_of_a_loan_one_may_not_see_is_not_found(client):
    front = user_with_role(Role.FRONT_DESK)
    loan = loan_in(S.OUT, borrower=front)
    renewal = services.renewal_request(loan=loan, reason="还需要", actor=front)
    client.force_login(user_with_role(Role.FRONT_DESK))
    url = reverse("lending:renewal_move", args=[renewal.pk, "cancel"])
    assert client.post(url).status_code == 404
    assert client.post(reverse("lending:renewal_move", args=[10**6, "cancel"])).status_code == 404


def test_the_loan_page_shows_its_waits_notices_and_history(client):
    front = user_with_role(Role.FRONT_DESK)
    loan = _requested(front, code="id_copy")  # personal data: a manager's consent (R19)
    client.force_login(front)
    page = client.get(_detail(loan))
    html = page.content.decode()
    assert escape("a manager's approval") in html
    assert "Loan requested" in html  # the history's reason
    assert page.context["items"][0].loan_id == loan.pk


# --- Lists ----------------------------------------------------------------------------------
def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _constant(client, url, make, django_assert_max_num_queries):
    """The page's queries with 3 rows, then with 13: the same."""
    for _ in range(3):
        make()
    _count(client, url)  # per-process caches (content types, permissions)
    few = _count(client, url)
    for _ in range(10):
        make()
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_my_loans_out_first_by_due_day_then_waiting_then_closed(
    client, django_assert_max_num_queries
):
    front = user_with_role(Role.FRONT_DESK)
    closed = loan_in(S.RETURNED, borrower=front, out_on=TODAY - datetime.timedelta(days=30))
    waiting = _requested(front)
    later = loan_in(S.OUT, borrower=front, out_on=TODAY)
    overdue = loan_in(S.OUT, borrower=front, out_on=TODAY - datetime.timedelta(days=10))
    registered = loan_in(S.APPROVED, borrower=user_with_role(Role.EXECUTIVE), requested_by=front)
    others = loan_in(S.OUT)
    client.force_login(front)
    url = reverse("lending:my_loans")
    rows = list(client.get(url).context["page_obj"].object_list)
    assert rows[:2] == [overdue, later]
    assert set(rows[2:4]) == {waiting, registered} and rows[4] == closed
    assert others not in rows
    assert rows[0].overdue and not rows[1].overdue
    assert f'data-testid="overdue-{overdue.pk}"' in client.get(url).content.decode()
    _constant(client, url, lambda: loan_in(S.OUT, borrower=front), django_assert_max_num_queries)


def test_the_approval_queue_holds_what_waits_for_the_user_oldest_first__R22__R20(
    client, frozen_clock, django_assert_max_num_queries
):
    front = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER)
    archivist = user_with_role(Role.ARCHIVIST)
    legal = user_with_role(Role.LEGAL)
    first = _requested(front)
    frozen_clock.shift(datetime.timedelta(minutes=5))
    second = _requested(front)
    own = _requested(manager)
    registration = _requested(front, mode=Mode.READ_ARCHIVE)  # approved on registration
    outside = _outside(archivist)
    grant_dossier(legal, outside.dossier)
    client.force_login(manager)
    url = reverse("lending:approval_queue")
    rows = list(client.get(url).context["page_obj"].object_list)
    assert rows == [first, second]
    assert own not in rows and registration.status == S.APPROVED and outside not in rows

    client.force_login(legal)
    assert list(client.get(url).context["page_obj"].object_list) == [outside]

    client.force_login(front)
    assert client.get(url).status_code == 403

    client.force_login(manager)
    _constant(client, url, lambda: _requested(front), django_assert_max_num_queries)


def _desk_loans(front):
    past = TODAY - datetime.timedelta(days=20)
    return {
        "hand_out": loan_in(S.APPROVED, borrower=front),
        "copies": loan_in(S.APPROVED, borrower=front, mode=Mode.COPY),
        "out": loan_in(S.OUT, borrower=front, out_on=TODAY - datetime.timedelta(days=1)),
        "due_today": loan_in(S.OUT, borrower=front, out_on=TODAY - datetime.timedelta(days=7)),
        "overdue": loan_in(S.RENEWED, borrower=front, out_on=TODAY - datetime.timedelta(days=9)),
        "escalated": loan_in(S.OUT, borrower=front, out_on=past, escalated=True),
        "confirming": loan_in(S.RETURN_CHECKED, borrower=front, out_on=TODAY),
        "closed": loan_in(S.RETURNED, borrower=front, out_on=past),
    }


def test_the_desk_has_a_tab_for_each_step_with_its_count__R22__R23__R25(client):
    front = user_with_role(Role.FRONT_DESK)
    loans = _desk_loans(front)
    client.force_login(user_with_role(Role.ARCHIVIST))
    url = reverse("lending:desk")

    def tab(name):
        response = client.get(url, {"tab": name})
        return list(response.context["page_obj"].object_list), {
            key: count for key, _label, count in response.context["tabs"]
        }

    rows, counts = tab("hand_out")
    assert rows == [loans["hand_out"]]
    assert counts == {
        "hand_out": 1,
        "copies": 1,
        "out": 4,
        "due_today": 1,
        "overdue": 2,  # the escalated one is overdue too
        "escalated": 1,
        "check_back": 5,
    }
    assert tab("copies")[0] == [loans["copies"]]
    assert tab("due_today")[0] == [loans["due_today"]]
    assert tab("overdue")[0] == [loans["escalated"], loans["overdue"]]  # by due day
    assert tab("escalated")[0] == [loans["escalated"]]
    out = tab("out")[0]
    assert out == sorted(out, key=lambda loan: (loan.due_on, loan.pk))
    back = tab("check_back")[0]
    assert loans["confirming"] in back and loans["closed"] not in back
    assert back == sorted(back, key=lambda loan: (loan.due_on, loan.pk))
    assert tab("nonsense")[0] == [loans["hand_out"]]  # an unknown tab is the first one
    html = client.get(url, {"tab": "hand_out"}).content.decode()
    assert f'data-testid="desk-hand_out-{loans["hand_out"].pk}"' in html

    client.force_login(front)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("tab", ["hand_out", "copies", "out", "due_today", "overdue", "check_back"])
def test_each_desk_tab_runs_the_same_queries_for_3_and_13_loans(
    tab, client, django_assert_max_num_queries
):
    front = user_with_role(Role.FRONT_DESK)
    make = {
        "hand_out": lambda: loan_in(S.APPROVED, borrower=front),
        "copies": lambda: loan_in(S.APPROVED, borrower=front, mode=Mode.COPY),
        "out": lambda: loan_in(S.OUT, borrower=front),
        "due_today": lambda: loan_in(
            S.OUT, borrower=front, out_on=TODAY - datetime.timedelta(days=7)
        ),
        "overdue": lambda: loan_in(
            S.OUT, borrower=front, out_on=TODAY - datetime.timedelta(days=9)
        ),
        "check_back": lambda: loan_in(S.RETURN_CHECKED, borrower=front),
    }[tab]
    client.force_login(user_with_role(Role.ARCHIVIST))
    response = _constant(
        client, reverse("lending:desk") + f"?tab={tab}", make, django_assert_max_num_queries
    )
    assert len(response.context["page_obj"].object_list) == 13


# --- The dossier page ---------------------------------------------------------------------
def test_the_dossier_page_shows_its_loans_and_the_request_button(
    client, django_assert_max_num_queries
):
    dossier = dossier_for()
    front = user_with_role(Role.FRONT_DESK)
    mine = loan_in(S.OUT, dossier=dossier, borrower=front)
    theirs = loan_in(S.APPROVED, dossier=dossier)
    url = reverse("customers:dossier_detail", args=[dossier.pk])
    client.force_login(front)
    html = client.get(url).content.decode()
    assert 'data-testid="loans-panel"' in html and 'data-testid="panel-request-loan"' in html
    assert mine.number in html and theirs.number not in html  # their own loans only

    client.force_login(user_with_role(Role.MANAGER))
    html = client.get(url).content.decode()
    assert mine.number in html and theirs.number in html
    _constant(
        client,
        url,
        lambda: loan_in(S.REQUESTED, dossier=dossier, documents=documents_in(dossier)),
        django_assert_max_num_queries,
    )


def test_the_timeline_line_of_a_loan_opens_the_loan(client):
    front = user_with_role(Role.FRONT_DESK)
    loan = _requested(front)
    event = dossier_timeline(dossier=loan.dossier).filter(kind="loan_requested").get()
    assert link_for(event) == _detail(loan)


def test_the_menu_has_the_lending_entries_of_each_role():
    def labels(role):
        with translation.override("en"):
            return {str(item["label"]) for item in navigation.items_for(user_with_role(role))}

    assert "My loans" in labels(Role.FRONT_DESK) and "Lending desk" not in labels(Role.FRONT_DESK)
    assert "Lending desk" in labels(Role.ARCHIVIST)
    assert "Loan approvals" in labels(Role.MANAGER) and "Loan approvals" in labels(Role.LEGAL)
    assert "Loan approvals" not in labels(Role.ARCHIVIST)


def test_a_history_row_without_a_reason_says_what_changed(client):
    front = user_with_role(Role.FRONT_DESK)
    loan = Loan.objects.get(pk=_requested(front).pk)
    loan.purpose = "带回核对原件"
    loan._history_user = front
    loan.save()  # a change that is not a move: no reason of its own
    client.force_login(front)
    page = client.get(_detail(loan))
    newest = page.context["history"][-1]
    assert not newest.history_change_reason
    changes = {c.label: c for c in newest.changes}
    purpose = changes[str(Loan._meta.get_field("purpose").verbose_name)]
    assert (purpose.old, purpose.new) == ("带回核对", "带回核对原件")
    assert 'data-testid="history-change"' in page.content.decode()
