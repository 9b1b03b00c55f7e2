"""The charts of the complaint summary's page, as data with the table beside each (see
``reports.statistics.charts``). No queries here."""

from django.utils.translation import gettext as _

from records.models import Complaint

from ..statistics.charts import chart
from .selectors import BUCKETS


def category_label(code):
    try:
        return Complaint.Category(code).label
    except ValueError:
        return code


def summary_page(summary):
    figures = summary.figures
    total = figures["total"]
    categories = [{**c, "label": category_label(c["category"])} for c in figures["categories"]]
    estates = list(figures["estates"])
    by_category = chart(
        "complaints-by-category",
        _("Complaints by category"),
        [c["label"] for c in categories],
        [
            (_("Complaints"), [c["complaints"] for c in categories]),
            (_("With a return visit"), [c["return_visited"] for c in categories]),
        ],
        horizontal=True,
        first=_("Category"),
    )
    buckets = total.get("buckets", {})
    time_to_close = chart(
        "time-to-close",
        _("Time to close"),
        [label for _key, label, _zh, _limit in BUCKETS] + [_("Not closed yet")],
        [
            (
                _("Complaints"),
                [buckets.get(key, 0) for key, _l, _zh, _limit in BUCKETS] + [total["open"]],
            )
        ],
        first=_("Time to close"),
    )
    with_complaints = [e for e in estates if e["complaints"]]
    by_estate = chart(
        "complaints-by-estate",
        _("Complaints by estate"),
        [e["name"] for e in with_complaints],
        [
            (_("General"), [e["complaints"] - e["major"] for e in with_complaints]),
            (_("Major"), [e["major"] for e in with_complaints]),
        ],
        stacked=True,
        first=_("Estate"),
    )
    return {
        "total": total,
        "categories": categories,
        "estates": estates,
        "charts": [by_category, time_to_close, by_estate],
    }
