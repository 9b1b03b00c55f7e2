"""The charts of the statistics pages and the dashboard, as data: what the page's script draws
(``static/js/charts.js`` reads it from ``json_script``) and the table beside each chart, its
accessible fallback. No queries here: the views pass the selectors' output."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import Dossier

from .selectors import DOSSIER_STATUSES, METRICS


def chart(key, title, labels, series, *, kind="bar", stacked=False, horizontal=False, first=""):
    """A chart ``key`` of ``series`` [(label, values)] over ``labels``, and its table."""
    labels = [str(label) for label in labels]
    return {
        "id": key,
        "data_id": f"{key}-data",
        "title": str(title),
        "data": {
            "type": kind,
            "labels": labels,
            "datasets": [{"label": str(name), "data": list(values)} for name, values in series],
            "stacked": stacked,
            "horizontal": horizontal,
        },
        "columns": [str(first), *(str(name) for name, _values in series)],
        "rows": [
            [label, *(values[i] for _name, values in series)] for i, label in enumerate(labels)
        ],
    }


def _month(day):
    return date_format(day, "YEAR_MONTH_FORMAT")


def complaints_by_month(rows):
    return chart(
        "complaints-by-month",
        _("Complaints by month"),
        [_month(r["month"]) for r in rows],
        [
            (_("Complaints"), [r["complaints"] for r in rows]),
            (_("Major"), [r["major"] for r in rows]),
            (_("With a return visit"), [r["return_visited"] for r in rows]),
        ],
        first=_("Month"),
    )


def loans_by_month(rows):
    return chart(
        "loans-by-month",
        _("Loans out and overdue by month"),
        [_month(r["month"]) for r in rows],
        [
            (_("Loans handed out"), [r["loans"] for r in rows]),
            (_("Loans overdue"), [r["overdue"] for r in rows]),
        ],
        first=_("Month"),
    )


def _status_label(state):
    return Dossier.Status(state).label


def dossiers_by_status(rows):
    return chart(
        "dossiers-by-status",
        _("Dossiers by status"),
        [r["name"] for r in rows],
        [(_status_label(s), [r["dossiers"][s] for r in rows]) for s in DOSSIER_STATUSES],
        stacked=True,
        first=_("Service centre"),
    )


def statistics_page(snapshot):
    """The context of a snapshot's page: the table of every centre and the total, the chart
    of the company's figures and the chart of the dossiers by status when counted."""
    figures = snapshot.figures
    total = figures["total"]
    lines = [{"name": c["name"], "code": c["code"], **_counted(c)} for c in figures["centres"]]
    company = {"name": _("Company-wide"), "code": "", **_counted(total)}
    year_chart = chart(
        "year-figures",
        _("The year's figures, company-wide"),
        [label for _key, label, _zh in METRICS],
        [(_("Company-wide"), [total["counts"].get(key, 0) for key, _l, _zh in METRICS])],
        horizontal=True,
        first=_("Figure"),
    )
    status_chart = dossiers_by_status(
        [{"name": c["name"], "dossiers": c.get("dossiers", {})} for c in figures["centres"]]
        if all("dossiers" in c for c in figures["centres"])
        else []
    )
    columns = [*lines, company]
    rows = [
        {"label": label, "values": [c["values"][i] for c in columns]}
        for i, (_key, label, _zh) in enumerate(METRICS)
    ]
    rates = [c["rate"] for c in columns]
    return {
        "columns": columns,
        "rows": rows,
        "rates": rates,
        "charts": [year_chart, status_chart] if lines else [year_chart],
    }


def _counted(line):
    counts = line.get("counts", {})
    return {
        "values": [counts.get(key) for key, _label, _zh in METRICS],
        "rate": line.get("return_visit_rate"),
    }
