"""The monthly complaint summary as a spreadsheet (``core.exports.xlsx_response``, one
sheet): the totals, then a section per category and one per estate, numbers as numbers."""

from django.utils.translation import gettext as _

from .charts import category_label
from .selectors import BUCKETS


def summary_sheet(summary):
    """(header, rows) of ``summary``."""
    figures = summary.figures
    total = figures["total"]
    header = [
        _("Month"),
        _("Line"),
        _("Complaints"),
        _("Major"),
        _("Closed"),
        _("With a return visit"),
        _("Return-visit rate (%)"),
        _("Average hours to close"),
    ]
    month = figures["month"]
    rows = [
        [
            month,
            _("All complaints"),
            total["complaints"],
            total["major"],
            total["closed"],
            total["return_visited"],
            total["return_visit_rate"],
            total["close_hours_average"],
        ],
        [month, _("General complaints"), total["general"], None, None, None, None, None],
        [month, _("Written complaints"), total["written"], None, None, None, None, None],
        [
            month,
            _("Median hours to close"),
            None,
            None,
            None,
            None,
            None,
            total["close_hours_median"],
        ],
    ]
    for key, label, _zh, _limit in BUCKETS:
        rows.append(
            [
                month,
                _("Closed: %(bucket)s") % {"bucket": label},
                None,
                None,
                total["buckets"][key],
                None,
                None,
                None,
            ]
        )
    for c in figures["categories"]:
        rows.append(
            [
                month,
                _("Category: %(name)s") % {"name": category_label(c["category"])},
                c["complaints"],
                c["major"],
                c["closed"],
                c["return_visited"],
                None,
                c["close_hours_average"],
            ]
        )
    for e in figures["estates"]:
        rows.append(
            [
                month,
                _("Estate: %(name)s") % {"name": e["name"]},
                e["complaints"],
                e["major"],
                e["closed"],
                e["return_visited"],
                e["return_visit_rate"],
                None,
            ]
        )
    return header, rows
