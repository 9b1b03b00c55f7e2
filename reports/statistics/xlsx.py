"""The yearly statistics as a spreadsheet (through ``core.exports.xlsx_response``): one row per
service centre and the company's total, one column per count, numbers as numbers."""

from django.utils.translation import gettext as _

from .selectors import METRICS


def statistics_sheet(snapshot):
    """(header, rows) of ``snapshot``."""
    header = [
        _("Year"),
        _("Service centre code"),
        _("Service centre"),
        *(str(label) for _key, label, _zh in METRICS),
        _("Return-visit rate (%)"),
    ]
    figures = snapshot.figures
    rows = []
    for line in [*figures["centres"], {"code": "", "name": _("Company-wide"), **figures["total"]}]:
        counts = line.get("counts", {})
        rows.append(
            [
                snapshot.year,
                line["code"],
                line["name"],
                *(counts.get(key) for key, _label, _zh in METRICS),
                line.get("return_visit_rate"),
            ]
        )
    return header, rows
