"""The destruction register (档案销毁清册, R37) as a PDF: landscape A4 in the embedded CJK font
of ``core.pdf``.

Made once, by ``destruction.execution.services._complete``, inside the completion's
transaction (the batch's ``completed_at`` is set, its status still "being destroyed"); the
caller stores the file and its SHA-256, so everything here comes from what is stored: the
batch, its items' tombstones, the witnesses' confirmations. The print time is the completion.

The appraisal, the approval and the execution, then one row per destroyed item marked
"已销毁" with its date, the items that left the batch with their reason, the witnesses (监销人)
and the executor each with a signature line, and the closing statement: until when the
backups still hold copies of the destroyed electronic files, and where the register's own
hash is recorded (a file cannot hold its own SHA-256).

The titles of confidential items are printed: the register is the archive room's own legal
record, printed for its head; only holders of the view permission download it.

The items' table is drawn row by row (``RowTable``), not as a platypus table of paragraphs: a
batch holds thousands of items and a table of paragraphs takes a second per few hundred rows.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from core.choices import SecrecyLevel
from core.pdf import (
    GRID_COLOUR,
    HEADER_FILL,
    PRINT_ZONE,
    build_pdf,
    cjk_font,
    cn_date,
    cn_datetime,
    content_width,
    para,
    styles,
    table,
    table_style,
)
from documents.models import Carrier
from lending.register.pdf import wrap

from ..models import BatchItem, Decision, Method

REGISTER = "档案销毁清册"
MARGINS = (20, 12, 18, 12)  # top, right, bottom, left (mm)
SIZE, LEADING, PAD = 7.5, 9, 2
MAX_LINES = 6
SIGNATURE = "签名：＿＿＿＿＿＿＿＿＿＿"

# (header, weight, centred): the columns of the items' table
COLUMNS = (
    ("序号", 3.2, True),
    ("档号", 10, False),
    ("题名", 21, False),
    ("类别", 9.5, False),
    ("文件日期", 7.4, True),
    ("页数", 3.4, True),
    ("份数", 3.4, True),
    ("载体", 4.6, True),
    ("密级", 4.6, True),
    ("鉴定意见", 14.5, False),
    ("销毁状态", 4.8, True),
    ("销毁日期", 7.4, True),
)
LEFT_COLUMNS = (
    ("序号", 3.2, True),
    ("档号", 10, False),
    ("题名", 22, False),
    ("类别", 9.5, False),
    ("文件日期", 7.4, True),
    ("载体", 4.6, True),
    ("密级", 4.6, True),
    ("销毁状态", 36.8, False),
)
DESTROYED = "已销毁"


# --- Dates -----------------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` ``months`` later; the 31st into a shorter month ends on its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    """The company's calendar day (Asia/Shanghai) of ``moment``."""
    if moment is None:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment, PRINT_ZONE)
    return moment.date()


def backups_kept_until(completed_at: datetime.datetime) -> datetime.date:
    """The day the last backup holding a destroyed file is rotated out."""
    return add_months(local_day(completed_at), int(settings.BACKUP_RETENTION_MONTHS))


def backup_statement(batch) -> str:
    until = backups_kept_until(batch.completed_at)
    return f"本批次已销毁文件的电子副本仍存于备份中，至 {cn_date(until)} 随备份轮换删除。"


def hash_statement(batch) -> str:
    return f"本清册文件的SHA-256记录于系统批次 {batch.number}。"


# --- Cells -----------------------------------------------------------------------------------
def choice_label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def opinion(item: BatchItem) -> str:
    """The appraisal's word on the item: the decision and its note, and for technical records
    the engineering department's opinion (R35)."""
    text = choice_label(Decision, item.decision)
    if item.decision == Decision.KEEP:
        if item.keep_permanently:
            text += "（永久）"
        elif item.keep_years:
            text += f"（{item.keep_years}年）"
    if item.decision_note:
        text += f"：{item.decision_note}"
    if item.technical:
        text += f"\n工程部意见：{item.engineering_opinion or '（无）'}"
        if item.engineering_by_id:
            text += f"（{item.engineering_by}）"
    return text


def _common(index: int, item: BatchItem) -> dict:
    return {
        "序号": str(index),
        "档号": item.reference or item.archive_number,
        "题名": item.title,
        "类别": item.category_name,
        "文件日期": cn_date(item.document_date),
        "页数": "" if item.pages is None else str(item.pages),
        "份数": str(item.copies),
        "载体": choice_label(Carrier, item.carrier),
        "密级": choice_label(SecrecyLevel, item.secrecy_level).split("（")[0].split(" (")[0],
    }


def destroyed_cells(index: int, item: BatchItem) -> list[str]:
    values = {
        **_common(index, item),
        "鉴定意见": opinion(item),
        "销毁状态": DESTROYED,
        "销毁日期": cn_date(local_day(item.destroyed_at)),
    }
    return [values[header] for header, _w, _c in COLUMNS]


def left_reason(item: BatchItem) -> str:
    if item.state == BatchItem.State.BLOCKED and item.blocked_reason:
        return item.blocked_reason
    return opinion(item)


def left_cells(index: int, item: BatchItem) -> list[str]:
    values = {**_common(index, item), "销毁状态": f"未销毁：{left_reason(item)}"}
    return [values[header] for header, _w, _c in LEFT_COLUMNS]


# --- The items' table ------------------------------------------------------------------------
class RowTable(Flowable):
    """A gridded table of pre-wrapped text, its header repeated on every page it spans. Split
    between rows by slicing (no re-layout), drawn with one text object and one path."""

    def __init__(self, columns, rows, *, width, _lines=None, _heights=None):
        super().__init__()
        self.hAlign = "CENTER"  # as platypus tables: the frame's padding on both sides
        self.font = cjk_font()
        self.columns = columns
        weight = sum(w for _h, w, _c in columns)
        self.widths = [width * w / weight for _h, w, _c in columns]
        self.centred = [c for _h, _w, c in columns]
        self.total_width = width
        self.header = [wrap(h, self.font, SIZE, w - 2 * PAD) for (h, _w, _c), w in self._cols()]
        self.header_height = self._height(self.header)
        if _lines is None:
            _lines = [
                [
                    wrap(value, self.font, SIZE, w - 2 * PAD, MAX_LINES)
                    for value, w in zip(row, self.widths, strict=True)
                ]
                for row in rows
            ]
            _heights = [self._height(cells) for cells in _lines]
        self.lines, self.heights = _lines, _heights

    def _cols(self):
        return zip(self.columns, self.widths, strict=True)

    @staticmethod
    def _height(cells) -> float:
        return max(1, *(len(lines) for lines in cells)) * LEADING + 2 * PAD

    def wrap(self, avail_width, avail_height):
        self.height = self.header_height + sum(self.heights)
        return self.total_width, self.height

    def split(self, avail_width, avail_height):
        room = avail_height - self.header_height
        fit = 0
        for height in self.heights:
            if room < height:
                break
            room -= height
            fit += 1
        if fit == 0 or fit == len(self.heights):
            return [] if fit == 0 else [self]
        return [self._part(0, fit), self._part(fit, len(self.heights))]

    def _part(self, start, end):
        return RowTable(
            self.columns,
            None,
            width=self.total_width,
            _lines=self.lines[start:end],
            _heights=self.heights[start:end],
        )

    def draw(self):
        canv = self.canv
        top = self.header_height + sum(self.heights)
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        canv.saveState()
        canv.setFillColor(HEADER_FILL)
        canv.rect(0, top - self.header_height, self.total_width, self.header_height, 0, 1)
        canv.setFillColor(colors.black)
        text = canv.beginText()
        text.setFont(self.font, SIZE, LEADING)
        grid = canv.beginPath()
        y = top
        for cells, height, header in [(self.header, self.header_height, True)] + [
            (c, h, False) for c, h in zip(self.lines, self.heights, strict=True)
        ]:
            baseline = y - PAD - SIZE
            for column, lines in enumerate(cells):
                left = xs[column] + PAD
                if header or self.centred[column]:
                    inner = self.widths[column] - 2 * PAD
                    for number, line in enumerate(lines):
                        free = inner - canv.stringWidth(line, self.font, SIZE)
                        text.setTextOrigin(left + free / 2, baseline - number * LEADING)
                        text.textLine(line)
                elif lines:
                    text.setTextOrigin(left, baseline)
                    for line in lines:
                        text.textLine(line)
            y -= height
            grid.moveTo(0, y)
            grid.lineTo(self.total_width, y)
        for x in xs:
            grid.moveTo(x, top)
            grid.lineTo(x, 0)
        grid.moveTo(0, top)
        grid.lineTo(self.total_width, top)
        canv.drawText(text)
        canv.setStrokeColor(GRID_COLOUR)
        canv.setLineWidth(0.5)
        canv.drawPath(grid, stroke=1, fill=0)
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(1)
        canv.rect(0, 0, self.total_width, top, 1, 0)
        canv.restoreState()


# --- The register ----------------------------------------------------------------------------
def _name(user) -> str:
    return str(user) if user is not None else ""


def _facts(pairs, width):
    """A two-pair-per-row table of (label, value)."""
    rows = []
    pairs = list(pairs)
    for start in range(0, len(pairs), 2):
        row = []
        for label, value in pairs[start : start + 2]:
            row += [label, value]
        rows.append(row + [""] * (4 - len(row)))
    st = styles()
    weights = (1.6, 5, 1.6, 5)
    data = [
        [para(value, st.cell_header if col in (0, 2) else st.cell) for col, value in enumerate(row)]
        for row in rows
    ]
    result = Table(data, colWidths=[width * w / sum(weights) for w in weights])
    result.setStyle(
        table_style(
            ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
            ("BOX", (0, 0), (-1, -1), 1, colors.black),
            *[("BACKGROUND", (c, 0), (c, -1), HEADER_FILL) for c in (0, 2)],
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        )
    )
    return result


def _story(batch, items, witnesses, members, width):
    st = styles()
    destroyed = [i for i in items if i.state == BatchItem.State.DESTROYED]
    left = [i for i in items if i.state != BatchItem.State.DESTROYED]
    story = [
        para(REGISTER, st.title),
        para(f"批次编号：{batch.number}　　批次名称：{batch.title}", st.subtitle),
        para("一、鉴定", st.heading),
        _facts(
            [
                ("鉴定发起人", _name(batch.created_by)),
                ("发起时间", cn_datetime(batch.created_at)),
                (
                    "鉴定小组成员",
                    "、".join(
                        [_name(u) for u in members]
                        + ([batch.members_note] if batch.members_note else [])
                    ),
                ),
                ("提交时间", cn_datetime(batch.submitted_at)),
                ("鉴定意见", batch.appraisal_note or "—"),
            ],
            width,
        ),
        para("二、审批", st.heading),
        _facts(
            [
                ("批准人", _name(batch.approved_by)),
                ("批准时间", cn_datetime(batch.approved_at)),
                ("审批意见", batch.approval_note or "—"),
            ],
            width,
        ),
        para("三、销毁执行", st.heading),
        _facts(
            [
                ("销毁方式", choice_label(Method, batch.method)),
                ("销毁地点", batch.place),
                ("计划日期", cn_date(batch.planned_on)),
                ("销毁执行人", _name(batch.executed_by)),
                ("开始时间", cn_datetime(batch.execution_started_at)),
                ("完成时间", cn_datetime(batch.completed_at)),
            ],
            width,
        ),
        para(f"四、销毁清单（共 {len(destroyed)} 件）", st.heading),
    ]
    if destroyed:
        rows = [destroyed_cells(n, item) for n, item in enumerate(destroyed, start=1)]
        story.append(RowTable(COLUMNS, rows, width=width))
    else:
        story.append(para("本批次无已销毁文件。", st.normal))
    if left:
        story.append(para(f"五、未销毁文件（共 {len(left)} 件）", st.heading))
        rows = [left_cells(n, item) for n, item in enumerate(left, start=1)]
        story.append(RowTable(LEFT_COLUMNS, rows, width=width))
    signers = [["监销人", _name(w.user), cn_datetime(w.confirmed_at), SIGNATURE] for w in witnesses]
    signers.append(
        ["销毁执行人", _name(batch.executed_by), cn_datetime(batch.completed_at), SIGNATURE]
    )
    method = choice_label(Method, batch.method)
    # the statement and the signatures stay on one page: they are signed together
    story.append(
        KeepTogether(
            [
                para("监销人及执行人签字", st.heading),
                table(
                    ["身份", "姓名", "确认时间", "签名"], signers, [2, 3, 4, 6], total_width=width
                ),
                Spacer(1, 4 * mm),
                para(
                    f"以上 {len(destroyed)} 件档案已在监销人监督下销毁（{method}），逐件核对无误。",
                    st.normal,
                ),
                para(backup_statement(batch), st.normal),
                para(hash_statement(batch), st.normal),
            ]
        )
    )
    return story


def register_pdf(batch) -> bytes:
    """The register of ``batch`` (completed in memory, its items destroyed): PDF bytes."""
    items = list(
        batch.items.select_related("engineering_by").order_by(
            "archive_number", "document_date", "pk"
        )
    )
    witnesses = list(
        batch.witnesses.filter(released=False, confirmed_at__isnull=False)
        .select_related("user")
        .order_by("confirmed_at", "pk")
    )
    members = list(batch.members.order_by("pk"))
    width = content_width(landscape_page=True, margins_mm=MARGINS)
    with translation.override("zh-hans"):
        story = _story(batch, items, witnesses, members, width)
    return build_pdf(
        story,
        register=f"{REGISTER}　{batch.number}",
        landscape_page=True,
        printed_at=batch.completed_at,
        margins_mm=MARGINS,
    )
