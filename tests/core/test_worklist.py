"""The home page is a work list (``core.worklist``): per person, what waits for them, each
section's count the count of the list it links to, its first items, a constant number of
queries whatever waits."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import worklist
from core.roles import Role
from documents.models import Document
from lending.models import Loan
from records.complaints import services as complaints
from tests.customers.factories import dossier_for, moved_in
from tests.documents.factories import document_for
from tests.factories import user_with_role
from tests.lending.factories import loan_in
from tests.records.factories import (
    REQUESTS_NOW,
    fill_steps,
    occupied_dossier,
    record_complaint,
    submitted,
    waiting_deposit,
    waiting_renovation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(REQUESTS_NOW)]


# how each list the home page links to counts what it shows
def _page_count(response):
    return response.context["page_obj"].paginator.count


LIST_COUNT = {
    "verifications": _page_count,
    "approvals": lambda r: r.context["total"],
    "open_complaints": _page_count,
    "return_visits_due": lambda r: r.context["complaint_summary"]["due"],
    "papers_to_file": _page_count,
    "handovers_to_check": _page_count,
    "loans_overdue": _page_count,
    "loans_due_today": _page_count,
    "loan_approvals": lambda r: _page_count(r) + r.context["renewals"].paginator.count,
    "batches_to_approve": _page_count,
    "batches_to_witness": _page_count,
}


def _sections(client, user):
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response, {s.name: s for s in response.context["sections"]}


def _waiting_for_a_manager(n, *, recorder):
    """``n`` of each thing a manager has waiting: move-ins to verify, deposits, renovations
    and applications to decide, open complaints (handled ones, owed a return visit)."""
    for _i in range(n):
        moved_in(verified=False, recorder=recorder)
        dossier, _section = occupied_dossier()
        waiting_deposit(dossier)
        waiting_renovation(dossier)
        submitted(dossier, actor=recorder)
        record_complaint(dossier, recorder)
        handled = fill_steps(record_complaint(dossier, recorder, subject="电梯异响"), recorder)
        complaints.complaint_mark_handled(complaint=handled, actor=recorder)


def test_each_count_is_the_count_of_the_list_it_links_to(client):
    recorder = user_with_role(Role.FRONT_DESK)
    _waiting_for_a_manager(7, recorder=recorder)
    manager = user_with_role(Role.MANAGER)
    response, sections = _sections(client, manager)
    assert {"verifications", "approvals", "open_complaints", "return_visits_due"} <= set(sections)
    assert sections["verifications"].count == 7
    assert sections["approvals"].count == 21  # deposits, renovations, applications
    assert sections["open_complaints"].count == 7
    assert sections["return_visits_due"].count == 14
    for name, section in sections.items():
        listed = client.get(section.url)
        assert listed.status_code == 200, name
        assert LIST_COUNT[name](listed) == section.count, name
        # the first five, each opening the item itself
        assert len(section.items) == 5
        for item in section.items:
            assert client.get(item.url).status_code == 200, item
    text = response.content.decode()
    assert 'data-testid="worklist-all"' in text and "7" in text


def test_the_front_desk_sees_its_own_work_not_the_managers(client):
    recorder = user_with_role(Role.FRONT_DESK)
    _waiting_for_a_manager(2, recorder=recorder)
    _response, sections = _sections(client, recorder)
    assert "open_complaints" in sections and "return_visits_due" in sections
    # approvals are a manager's
    assert "approvals" not in sections
    # the verification list shows the recorder's own move-ins too; the home page says that
    # someone else verifies them (R4)
    own = sections["verifications"]
    assert own.count == 2 and all(item.flag for item in own.items)


def test_the_archivist_sees_papers_to_file_and_loans_due(client):
    dossier = dossier_for()
    for i in range(6):
        document_for(dossier, title=f"入住资料{i}")
    loan_in(out_on=REQUESTS_NOW.date() - datetime.timedelta(days=9))  # overdue
    loan_in(out_on=REQUESTS_NOW.date() - datetime.timedelta(days=7))  # due today
    archivist = user_with_role(Role.ARCHIVIST)
    _response, sections = _sections(client, archivist)
    documents = Document.objects.filter(status=Document.Status.RECEIVED).count()
    assert sections["papers_to_file"].count == documents >= 6
    assert sections["loans_overdue"].count == 1
    assert sections["loans_due_today"].count == 1
    assert Loan.objects.count() == 2
    for name, section in sections.items():
        assert LIST_COUNT[name](client.get(section.url)) == section.count, name


def test_nothing_waits_is_said_calmly(client):
    user = user_with_role(Role.FRONT_DESK)
    response, sections = _sections(client, user)
    assert sections == {}
    text = response.content.decode()
    assert 'data-testid="worklist-empty"' in text
    assert 'data-testid="worklist-' + "verifications" not in text
    # the search box, and no tiles repeating the sidebar
    assert 'data-testid="home-search"' in text
    assert "stat-card" not in text


def test_the_home_page_asks_as_many_queries_for_two_as_for_seven(client):
    recorder = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    _waiting_for_a_manager(2, recorder=recorder)
    client.get(reverse("core:home"))  # sessions, content types: warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("core:home")).status_code == 200
    _waiting_for_a_manager(5, recorder=recorder)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("core:home"))
    assert response.context["sections"][0].count == 7
    assert len(many) == len(few)


def test_a_provider_without_anything_is_not_shown_and_the_order_holds(client):
    user = user_with_role(Role.FRONT_DESK)

    def busy(user, limit):
        return worklist.Section(
            title="Busy", count=2, items=[worklist.Item("a", "/a/")], url="/busy/"
        )

    def idle(user, limit):
        return worklist.Section(title="Idle", count=0, items=[], url="/idle/")

    saved = dict(worklist._registry)
    try:
        worklist.register("zz_idle", idle, order=1)
        worklist.register("zz_busy", busy, order=0)
        names = [s.name for s in worklist.sections_for(user)]
        assert names[0] == "zz_busy" and "zz_idle" not in names
        assert worklist.sections_for(user)[0].more
    finally:
        worklist._registry.clear()
        worklist._registry.update(saved)
