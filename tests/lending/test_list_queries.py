"""The lists of the lending app cost the same queries at 10 and 100 rows, and no template loads
a related object lazily (docs/PERFORMANCE.md, "Query counts")."""

import datetime

import pytest
from django.urls import reverse

from core.roles import Role
from lending.copies import services as copies
from lending.models import CopyRecord, Loan, Mode

from ..customers.factories import dossier_for
from ..factories import user_with_role
from ..queries import assert_constant_queries
from .factories import default_rules, documents_in, loan_in
from .returning import NOW
from .test_incidents import _incident
from .test_pages import _requested

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]
S = Loan.Status
TODAY = NOW.date()
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture(autouse=True)
def _rules():
    default_rules()


def _many(make):
    def grow(n):
        for _ in range(n):
            make()

    return grow


def test_my_loans_cost_the_same_queries_at_10_and_100(client):
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    url = reverse("lending:my_loans")
    few, many = assert_constant_queries(
        client, url, _many(lambda: loan_in(S.OUT, borrower=front, documents=documents_in(n=2)))
    )
    assert many.context["page_obj"].paginator.count == 100


def test_the_approval_queue_costs_the_same_queries_at_10_and_100(client):
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.MANAGER))
    url = reverse("lending:approval_queue")
    few, many = assert_constant_queries(client, url, _many(lambda: _requested(front)))
    assert many.context["page_obj"].paginator.count == 100


DESK = {
    "hand_out": lambda front: loan_in(S.APPROVED, borrower=front),
    "copies": lambda front: loan_in(S.APPROVED, borrower=front, mode=Mode.COPY),
    "out": lambda front: loan_in(S.OUT, borrower=front),
    "due_today": lambda front: loan_in(
        S.OUT, borrower=front, out_on=TODAY - datetime.timedelta(days=7)
    ),
    "overdue": lambda front: loan_in(
        S.OUT, borrower=front, out_on=TODAY - datetime.timedelta(days=9)
    ),
    "check_back": lambda front: loan_in(S.RETURN_CHECKED, borrower=front),
}


@pytest.mark.parametrize("tab", DESK)
def test_each_desk_tab_costs_the_same_queries_at_10_and_100(client, tab):
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.ARCHIVIST))
    url = reverse("lending:desk")
    few, many = assert_constant_queries(
        client, url, _many(lambda: DESK[tab](front)), params={"tab": tab}
    )
    assert many.context["page_obj"].paginator.count == 100


@pytest.mark.parametrize("params", [MARCH, {**MARCH, "format": "pdf"}, {**MARCH, "format": "xlsx"}])
def test_the_loan_register_costs_the_same_queries_at_10_and_100(client, params):
    client.force_login(user_with_role(Role.ARCHIVIST))
    url = reverse("lending:loan_register")
    few, many = assert_constant_queries(
        client, url, _many(lambda: loan_in(documents=documents_in(n=2))), params=params
    )
    if "format" not in params:
        assert many.context["count"]


def test_the_clearance_report_costs_the_same_queries_at_10_and_100_holders(client):
    client.force_login(user_with_role(Role.MANAGER))
    url = reverse("lending:clearance_report")
    few, many = assert_constant_queries(
        client,
        url,
        _many(
            lambda: loan_in(documents=documents_in(n=2), borrower=user_with_role(Role.FRONT_DESK))
        ),
    )
    assert many.context["page_obj"].paginator.count == 100


def test_a_clearance_costs_the_same_queries_at_10_and_100_loans(client):
    holder = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.MANAGER))
    url = reverse("lending:clearance_detail", args=[holder.pk])
    assert_constant_queries(
        client, url, _many(lambda: loan_in(documents=documents_in(n=2), borrower=holder))
    )
    assert Loan.objects.filter(borrower=holder).count() == 100


def test_the_incidents_cost_the_same_queries_at_10_and_100(client):
    client.force_login(user_with_role(Role.MANAGER))
    url = reverse("lending:incident_list")
    few, many = assert_constant_queries(client, url, _many(_incident))
    assert many.context["page_obj"].paginator.count == 100


def test_the_copies_cost_the_same_queries_at_10_and_100(client):
    archivist, front = user_with_role(Role.ARCHIVIST), user_with_role(Role.FRONT_DESK)
    client.force_login(archivist)

    def copy_made():
        dossier = dossier_for()
        documents = documents_in(dossier)
        loan = loan_in(S.APPROVED, documents=documents, mode=Mode.COPY)
        row = {
            "document": documents[0],
            "kind": CopyRecord.Kind.COPY,
            "count": 2,
            "holder": front,
            "holder_name": "",
            "purpose": "诉讼证据",
        }
        copies.copies_make(loan=loan, actor=archivist, copies=[row])

    few, many = assert_constant_queries(client, reverse("lending:copy_list"), _many(copy_made))
    assert many.context["page_obj"].paginator.count == 100


def test_a_loan_costs_the_same_queries_at_10_and_100_documents(client):
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.ARCHIVIST))
    made = []

    def grow(n):  # a loan's documents are fixed when it is asked for: the second one is bigger
        size = n + sum(loan.items.count() for loan in made[-1:])
        made.append(loan_in(S.OUT, borrower=front, documents=documents_in(n=size)))

    url = lambda: reverse("lending:loan_detail", args=[made[-1].pk])  # noqa: E731
    assert_constant_queries(client, url, grow)
    assert made[-1].items.count() == 100
