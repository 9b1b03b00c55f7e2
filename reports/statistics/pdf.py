"""The yearly statistics (档案资料年度统计表, R40) as a PDF: landscape A4 in the embedded CJK
font of ``core.pdf``, the table of every service centre and the company's total, a bar chart of
the company's figures (``reportlab.graphics``, its labels in the same embedded font), what each
count means, and the lines for whoever compiles it and the head it is reported to.

Everything comes from the snapshot (loaded with ``computed_by`` by the gate): no queries here.
The print time is the snapshot's computing time, so the same snapshot prints the same PDF.
"""

import math

from django.utils import translation
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from core.pdf import (
    build_pdf,
    cjk_font,
    cn_datetime,
    content_width,
    para,
    styles,
    table,
    table_style,
)

from .selectors import METRICS

REGISTER = "档案资料年度统计表"
MARGINS = (20, 12, 18, 12)
BAR_COLOURS = ("#1f5f8b", "#d9822b", "#3c8d5a", "#8e44ad")
SIGNATURE = "＿＿＿＿＿＿＿＿"
# what each count is, printed under the table (docs/reports.md has the whole definitions)
DEFINITIONS = (
    "移出户数：当年有客户迁出（分段关闭）的档案户数；",
    "收进件数：当年完成签收的移交清单中档案室接收的文件件数（按移交的服务中心计）；",
    "整理归档件数：当年装盒归档的文件件数；",
    "鉴定件数、保留件数：当年批准的鉴定批次中已作鉴定意见的件数，其中保留（含暂缓、来年再鉴定）的件数；",
    "销毁件数：当年已销毁的件数；借阅次数：当年交付借出的借阅单数；",
    "逾期借阅、超期问责：当年发出逾期提醒、超期问责通知的借阅单数；",
    "投诉件数：当年受理的投诉；已回访投诉：其中截至统计时已回访的投诉，回访率为二者之比。",
)


def percent(value) -> str:
    return "—" if value is None else f"{value:g}%"


def bar_chart(labels, series, *, width, height, horizontal=False, title=""):
    """A bar chart of ``series`` [(name, values)] over ``labels`` in the embedded CJK font,
    each bar labelled with its number."""
    font = cjk_font()
    drawing = Drawing(width, height, initialFontName=font)  # no unembedded Helvetica
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    values = [list(v) for _name, v in series]
    labels = list(labels)
    if horizontal:  # the first category on top
        labels = labels[::-1]
        values = [v[::-1] for v in values]
    label_room = 34 * mm if horizontal else 0
    top = 8 * mm if title else 2 * mm
    legend = 6 * mm if len(series) > 1 else 0
    chart.x = label_room + 4 * mm
    chart.y = (6 * mm if horizontal else 14 * mm) + legend
    chart.width = width - chart.x - 10 * mm
    chart.height = height - chart.y - top
    chart.data = values
    chart.categoryAxis.categoryNames = [str(label) for label in labels]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    highest = max((max(v) for v in values if v), default=0)
    step = max(1, math.ceil(highest / 5))  # whole numbers: these are counts
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * (math.ceil(highest * 1.1 / step) or 1)
    chart.valueAxis.forceZero = True
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7.5
    if horizontal:
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -2
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
    else:
        chart.barLabels.boxAnchor = "s"
        chart.barLabels.dy = 2
    for i in range(len(values)):
        chart.bars[i].fillColor = colors.HexColor(BAR_COLOURS[i % len(BAR_COLOURS)])
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if title:
        drawing.add(
            String(
                width / 2, height - 5 * mm, title, fontName=font, fontSize=10.5, textAnchor="middle"
            )
        )
    if len(series) > 1:  # the legend: one line of coloured names
        x = chart.x
        for i, (name, _v) in enumerate(series):
            colour = colors.HexColor(BAR_COLOURS[i % len(BAR_COLOURS)])
            drawing.add(String(x, 1 * mm, f"■ {name}", fontName=font, fontSize=8, fillColor=colour))
            x += 30 * mm
    return drawing


def _number(value):
    return "—" if value is None else str(value)


def render_statistics_pdf(snapshot) -> bytes:
    with translation.override("zh-hans"):
        return _render(snapshot)


def _render(snapshot) -> bytes:
    st = styles()
    width = content_width(landscape_page=True, margins_mm=MARGINS)
    figures = snapshot.figures
    by = "定时任务" if snapshot.computed_by_id is None else person_name(snapshot.computed_by)
    story = [
        para(REGISTER, st.title),
        para(
            f"{snapshot.year}年度（{snapshot.year}年1月1日至{snapshot.year}年12月31日）　"
            f"统计时间：{cn_datetime(snapshot.computed_at)}　统计人：{by}",
            st.subtitle,
        ),
    ]
    header = ["服务中心", *(zh for _key, _label, zh in METRICS), "回访率"]
    rows = []
    lines = [*figures["centres"], {"name": "全公司合计", **figures["total"]}]
    for line in lines:
        counts = line.get("counts", {})
        rows.append(
            [
                line["name"],
                *(_number(counts.get(key)) for key, _label, _zh in METRICS),
                percent(line.get("return_visit_rate")),
            ]
        )
    last = len(rows)
    story.append(
        table(
            header,
            rows,
            [14, *([6.2] * len(METRICS)), 6.2],
            total_width=width,
            center=range(1, len(header)),
            extra_style=[("BACKGROUND", (0, last), (-1, last), colors.HexColor("#f2f2f2"))],
        )
    )
    story.append(Spacer(0, 4 * mm))
    total = figures["total"]["counts"]
    chart = bar_chart(
        [zh for _key, _label, zh in METRICS],
        [("全公司", [total.get(key, 0) for key, _label, _zh in METRICS])],
        width=width * 0.56,
        height=76 * mm,
        horizontal=True,
        title=f"{snapshot.year}年度全公司各项数目",
    )
    notes = [para("统计口径", st.heading), *(para(line, st.small) for line in DEFINITIONS)]
    beside = Table([[chart, notes]], colWidths=[width * 0.58, width * 0.42])
    beside.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    story.append(beside)
    story.append(Spacer(0, 6 * mm))
    story.append(
        para(
            f"统计人：{SIGNATURE}　　审核：{SIGNATURE}　　报送：物业企业负责人 {SIGNATURE}　　"
            f"日期：{SIGNATURE}",
            st.normal,
        )
    )
    return build_pdf(
        story,
        register=REGISTER,
        landscape_page=True,
        printed_at=snapshot.computed_at,
        margins_mm=MARGINS,
    )


def person_name(user) -> str:
    return f"{user.last_name}{user.first_name}" or user.get_username()
