"""core.compiled: a list's SQL compiled once per process for a key, its rows and count what
the queryset gives, and the suite's check that a key names every input of its SQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import compiled as compiled_module
from core.compiled import compiled
from customers.selectors import dossier_search_page
from records.complaints.selectors import complaint_list
from records.complaints.views import COMPLAINT_ROW_FIELDS
from records.models import Complaint
from tests.records.factories import COMPLAINTS_NOW as NOW
from tests.records.factories import front_desk, occupied_dossier, record_complaint, return_visit

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


@pytest.fixture(autouse=True)
def _empty_cache():
    compiled_module.clear()
    yield
    compiled_module.clear()


def _complaints():
    desk = front_desk()
    dossier, neighbour = occupied_dossier()[0], occupied_dossier()[0]
    visited = record_complaint(dossier, desk, subject="回访过的")
    return_visit(visited, desk)
    record_complaint(dossier, desk, subject="集体", other_dossiers=[neighbour])
    record_complaint(neighbour, desk, subject="另一户")
    return desk


def _shown(rows):
    rows = list(rows)
    with CaptureQueriesContext(connection) as reads:  # each row came with its dossier
        shown = [
            (c.pk, c.subject, c.dossier.archive_number, c.steps_done, c.has_return_visit)
            + (c.others_count, c.received_at, c.is_major)
            + (c.get_deferred_fields() >= {"heard", "written_reply"},)
            for c in rows
        ]
    assert not reads.captured_queries
    return shown


def test_the_rows_are_those_of_the_queryset_with_related_rows_annotations_and_deferrals():
    desk = _complaints()

    def build():
        return complaint_list(user=desk).only(*COMPLAINT_ROW_FIELDS)

    expected = _shown(build())
    assert len(expected) == 3 and {row[4] for row in expected} == {True, False}
    assert _shown(compiled("list", build).rows()) == expected
    assert _shown(compiled("list", build).rows()) == expected  # reused
    count = compiled("count", lambda: build().order_by().values("pk")[:2], count=True)
    assert count.value() == 2


def test_a_reused_key_is_not_built_again_and_reads_the_rows_as_they_are_now(settings):
    settings.COMPILED_QUERIES_VERIFY = False
    desk = _complaints()
    built = []

    def build():
        built.append(1)
        return complaint_list(user=desk).only(*COMPLAINT_ROW_FIELDS)

    assert len(compiled("list", build).rows()) == 3
    record_complaint(occupied_dossier()[0], desk, subject="新的")
    again = compiled("list", build).rows()
    assert len(built) == 1 and [c.subject for c in again][0] == "新的" and len(again) == 4


def test_a_key_that_misses_an_input_of_its_sql_fails_in_the_suite():
    desk = _complaints()
    compiled("list", lambda: complaint_list(user=desk, status="open")).rows()
    with pytest.raises(AssertionError, match="the key misses an input"):
        compiled("list", lambda: complaint_list(user=desk, status="closed")).rows()


def test_a_list_nothing_can_meet_is_empty_and_counts_none():
    assert compiled("none", lambda: Complaint.objects.none()).rows() == []
    assert compiled("none", lambda: Complaint.objects.none(), count=True).value() == 0


def test_the_prefetched_rows_come_with_each_row_each_time():
    """The dossier list's current occupants are prefetched, again for each request."""
    desk = front_desk()
    dossier, section = occupied_dossier()
    for _ in range(2):
        page = dossier_search_page(user=desk)
        [row] = [d for d in page if d.pk == dossier.pk]
        with CaptureQueriesContext(connection) as reads:
            names = [s.customer.name for s in row.current_occupancies]
        assert names == [section.customer.name] and not reads.captured_queries
