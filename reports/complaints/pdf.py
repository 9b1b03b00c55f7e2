"""The monthly complaint summary (客户月投诉统计表, R41) as a PDF: portrait A4 in the embedded
CJK font, the month's totals (general and major, written, closed, the time to close, the return
visits), a table and a bar chart by category, the time to close in bands, a table by estate,
and the return visits still owed, with the lines for whoever draws it up and the manager.

Everything comes from the snapshot: no queries here. The print time is its computing time.
"""

from django.utils import translation
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from core.pdf import build_pdf, cn_datetime, content_width, para, styles, table

from ..statistics.pdf import SIGNATURE, bar_chart, percent, person_name
from .charts import category_label
from .selectors import BUCKETS

REGISTER = "客户月投诉统计表"


def _hours(value):
    return "—" if value is None else f"{value:g}"


def render_summary_pdf(summary) -> bytes:
    with translation.override("zh-hans"):
        return _render(summary)


def _render(summary) -> bytes:
    st = styles()
    width = content_width()
    figures = summary.figures
    total = figures["total"]
    month = summary.month
    by = "定时任务" if summary.computed_by_id is None else person_name(summary.computed_by)
    story = [
        para(REGISTER, st.title),
        para(
            f"{month.year}年{month.month}月　统计时间：{cn_datetime(summary.computed_at)}　"
            f"统计人：{by}",
            st.subtitle,
        ),
        para("一、本月概况", st.heading),
        table(
            [
                "投诉总数",
                "一般投诉",
                "重大投诉",
                "书面投诉",
                "已结案",
                "未结案",
                "已回访",
                "待回访",
                "回访率",
            ],
            [
                [
                    total["complaints"],
                    total["general"],
                    total["major"],
                    total["written"],
                    total["closed"],
                    total["open"],
                    total["return_visited"],
                    total["without_return_visit"],
                    percent(total["return_visit_rate"]),
                ]
            ],
            [1] * 9,
            total_width=width,
            center=range(9),
        ),
        Spacer(0, 2 * mm),
        para(
            f"平均结案时长：{_hours(total['close_hours_average'])} 小时　"
            f"结案时长中位数：{_hours(total['close_hours_median'])} 小时",
            st.normal,
        ),
        para("二、按类别", st.heading),
    ]
    categories = figures["categories"]
    if categories:
        story.append(
            table(
                ["类别", "投诉数", "重大", "已结案", "已回访", "平均结案时长（小时）"],
                [
                    [
                        str(category_label(c["category"])),
                        c["complaints"],
                        c["major"],
                        c["closed"],
                        c["return_visited"],
                        _hours(c["close_hours_average"]),
                    ]
                    for c in categories
                ],
                [3, 1.2, 1.2, 1.2, 1.2, 2],
                total_width=width,
                center=range(1, 6),
            )
        )
        story.append(Spacer(0, 3 * mm))
        story.append(
            KeepTogether(
                [
                    bar_chart(
                        [str(category_label(c["category"])) for c in categories],
                        [
                            ("投诉数", [c["complaints"] for c in categories]),
                            ("已回访", [c["return_visited"] for c in categories]),
                        ],
                        width=width,
                        height=max(40, 12 * len(categories) + 24) * mm * 0.6,
                        horizontal=True,
                        title="各类投诉数",
                    )
                ]
            )
        )
    else:
        story.append(para("本月没有受理投诉。", st.normal))
    buckets = total["buckets"]
    story += [
        para("三、结案时长", st.heading),
        table(
            [zh for _key, _label, zh, _limit in BUCKETS] + ["未结案"],
            [[buckets[key] for key, _l, _zh, _limit in BUCKETS] + [total["open"]]],
            [1] * (len(BUCKETS) + 1),
            total_width=width,
            center=range(len(BUCKETS) + 1),
        ),
        para("四、按小区", st.heading),
        table(
            ["小区", "服务中心", "投诉数", "重大", "已结案", "已回访", "回访率"],
            [
                [
                    e["name"],
                    e["centre"],
                    e["complaints"],
                    e["major"],
                    e["closed"],
                    e["return_visited"],
                    percent(e["return_visit_rate"]),
                ]
                for e in figures["estates"]
            ],
            [3, 3, 1.2, 1.2, 1.2, 1.2, 1.2],
            total_width=width,
            center=range(2, 7),
        ),
        Spacer(0, 4 * mm),
        para(
            f"根据本月投诉情况进行客户回访：截至统计时尚有 {total['without_return_visit']} 件"
            "投诉待回访，回访处理率目标 100%。",
            st.normal,
        ),
        Spacer(0, 8 * mm),
        para(f"制表人：{SIGNATURE}　　客服部经理：{SIGNATURE}　　日期：{SIGNATURE}", st.normal),
    ]
    return build_pdf(story, register=REGISTER, printed_at=summary.computed_at)
