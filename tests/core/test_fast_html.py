"""core.fast_html.text writes a value as ``{{ value }}`` does, whatever its type."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from core.fast_html import date_maker, text

VALUES = [
    "王<b>&\"'",
    mark_safe("<i>safe</i>"),
    0,
    7,
    -1234567,
    12345678901234,
    True,
    None,
    Decimal("1234567.50"),
    1234.5,
    datetime.date(2026, 12, 3),
    datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("grouping", [False, True])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_text_is_what_the_engine_writes(settings, grouping, language):
    settings.USE_THOUSAND_SEPARATOR = grouping
    template = engines["django"].from_string("{{ value }}")
    with translation.override(language):
        for value in VALUES:
            assert text(value) == template.render({"value": value}), value


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ["DATE_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_dates_are_what_the_date_filter_writes(language, name):
    template = engines["django"].from_string(f'{{{{ value|date:"{name}" }}}}')
    values = [
        datetime.date(2026, 12, 3),
        datetime.datetime(2026, 12, 3, 17, 30, tzinfo=datetime.UTC),  # 4 December in Shanghai
        datetime.datetime(2026, 12, 3, 17, 30, tzinfo=datetime.UTC),  # the same, remembered
        None,
        "",
    ]
    with translation.override(language):
        date_text = date_maker(name)
        for value in values:
            try:
                expected = template.render({"value": value})
            except TypeError:  # a time format given a date: the filter refuses it too
                with pytest.raises(TypeError):
                    date_text(value)
            else:
                assert date_text(value) == expected, value
