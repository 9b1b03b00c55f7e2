"""The suite's one frozen clock (tests/conftest.py ``frozen_clock``): stopped where the closest
``frozen_at`` marker says, running where no marker is."""

import datetime
import time
import zoneinfo

import pytest
from django.utils import timezone

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MODULE_MOMENT = datetime.datetime(2026, 5, 20, 10, tzinfo=SHANGHAI)

pytestmark = pytest.mark.frozen_at(MODULE_MOMENT)


def test_the_module_marker_stops_the_clock_at_its_moment(frozen_clock):
    assert timezone.now() == MODULE_MOMENT
    time.sleep(0.01)
    assert timezone.now() == MODULE_MOMENT  # tick=False: the clock does not move by itself


@pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 10, 0))
def test_the_closest_marker_wins_and_a_naive_moment_is_utc():
    assert timezone.now() == datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)
    assert timezone.localtime().hour == 18  # Asia/Shanghai


def test_the_fixture_hands_over_the_traveller(frozen_clock):
    frozen_clock.shift(datetime.timedelta(hours=1))
    assert timezone.now() == MODULE_MOMENT + datetime.timedelta(hours=1)


@pytest.mark.frozen_at(MODULE_MOMENT, tick=True)
def test_tick_true_lets_the_clock_run_from_the_moment():
    time.sleep(0.01)
    assert MODULE_MOMENT < timezone.now() < MODULE_MOMENT + datetime.timedelta(minutes=1)


@pytest.mark.frozen_at(MODULE_MOMENT)
class TestAClassMarker:
    def test_a_class_marker_counts_too(self):
        assert timezone.now() == MODULE_MOMENT
