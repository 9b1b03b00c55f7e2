"""Numbers drawn at the same moment (PostgreSQL): work orders and renovation permits are
generated from the highest number of the day or year, so two people issuing at once would
draw the same one; the unique index refuses the second and the service draws again."""

import datetime
import os

import pytest
from django.utils import timezone

from records.renovations import services as renovations
from records.repairs import services as repair_services
from tests.races import race

from .factories import applied, front_desk, manager, occupied_dossier

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

RACERS = 3


def _repair(actor):
    return repair_services.repair_report(
        dossier=occupied_dossier()[0],
        data={
            "reported_by_name": "王先生",
            "reported_at": timezone.now() - datetime.timedelta(hours=3),
            "location": "厨房",
            "description": "水槽下水管漏水",
        },
        actor=actor,
    )


def test_work_orders_issued_at_once_get_different_numbers():
    clerk = front_desk()
    repairs = [_repair(clerk) for _ in range(RACERS)]
    results = race(
        *[
            (lambda r=r: repair_services.repair_order(repair=r, assigned_to="李师傅", actor=clerk))
            for r in repairs
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [r.work_order_number for r in results]
    prefix = repair_services.next_work_order_number(timezone.localdate())[:-3]
    assert sorted(numbers) == [f"{prefix}{n:03d}" for n in range(1, RACERS + 1)]


def test_permits_issued_at_once_get_different_numbers():
    clerk, boss = front_desk(), manager()
    pending = [applied(recorder=clerk) for _ in range(RACERS)]
    results = race(
        *[
            (lambda r=r: renovations.renovation_decide(renovation=r, approve=True, actor=boss))
            for r in pending
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    year = timezone.localdate().year
    numbers = sorted(r.permit_number for r in results)
    assert numbers == [f"{renovations.PERMIT_PREFIX}-{year}-{n:04d}" for n in range(1, RACERS + 1)]
