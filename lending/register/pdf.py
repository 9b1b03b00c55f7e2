"""The loan register (档案借阅登记表) as a PDF: landscape A4, the embedded CJK font of
``core.pdf``, the title, period and who printed it, the header row repeated on every page,
"第 n 页 / 共 m 页" and the print time in the footer.

Drawn on the canvas row by row, not laid out with platypus: a register of a year holds
thousands of loans, and a table of paragraphs takes a second per few hundred rows. Each cell
wraps to at most ``MAX_LINES`` lines (then "…"), one text object per page carries all its
text and one path its grid. The totals (pages, rows) are known only at the end: they are
drawn as forms that every page refers to and that are filled in last.

No queries here: ``rows`` is the output of ``lending.register.selectors.register_rows``.
"""

import datetime
import io
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from core.pdf import GRID_COLOUR, HEADER_FILL, PRINT_ZONE, cjk_font, cn_date, cn_datetime

REGISTER = "档案借阅登记表"
CONFIDENTIALITY_NOTICE = "内部资料，严禁外传"
PAGE = landscape(A4)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 10 * mm, 18 * mm, 16 * mm
SIZE, LEADING, PAD = 7, 8.6, 2.2
MAX_LINES = 4
TITLE_LIMIT = 60  # characters of the items' titles shown

# (header, weight, key): the columns of the register
COLUMNS = (
    ("序号", 3.4, "index"),
    ("借阅单号", 8.4, "number"),
    ("档案编号", 9, "archive_number"),
    ("借阅资料", 17, "items"),
    ("借阅人", 12, "borrower"),
    ("借阅方式", 6, "mode"),
    ("用途", 10, "purpose"),
    ("登记人及时间", 7, "requested"),
    ("批准人及时间", 7, "approved"),
    ("出借时间", 7, "handed_out_at"),
    ("应还日期", 7, "due_on"),
    ("续借", 3, "renewals"),
    ("归还时间", 7, "returned_at"),
    ("状态", 5.5, "status"),
    ("问责", 3.2, "escalated"),
)


def items_text(row) -> str:
    """ "3件：甲、乙…" with the titles shortened; items the reader may not see are counted."""
    titles = "、".join(row["titles"])
    if len(titles) > TITLE_LIMIT:
        titles = titles[: TITLE_LIMIT - 1] + "…"
    text = f"{row['item_count']}件"
    if titles:
        text += f"：{titles}"
    if row["hidden_items"]:
        text += f"（另{row['hidden_items']}件无权查看）"
    return text


def borrower_text(row) -> str:
    """A staff member's name (an executive's direct loan marked, R22); an outside party's
    kind, organisation, person and masked credential number (R20, R16)."""
    if row["borrower_kind"] == "outside":
        parts = [str(row["party"]), row["party_organisation"], row["party_person"]]
        text = " ".join(p for p in parts if p)
        if row["party_credential"]:
            text += f"\n证件号 {row['party_credential']}"
        return text
    if row["borrower_kind"] == "executive":
        return f"{row['borrower']}（直借）"
    return row["borrower"]


def _short(moment) -> str:
    """2026-01-05 and 09:30 on the next line (Asia/Shanghai): the cells are narrow."""
    if moment is None:
        return ""
    if isinstance(moment, datetime.datetime):
        return f"{timezone.localtime(moment, PRINT_ZONE):%Y-%m-%d\n%H:%M}"
    return f"{moment:%Y-%m-%d}"


def cells(index: int, row) -> list[str]:
    """The texts of one row, in the order of ``COLUMNS``."""
    values = {
        "index": str(index),
        "number": row["number"],
        "archive_number": row["archive_number"],
        "items": items_text(row),
        "borrower": borrower_text(row),
        "mode": str(row["mode"]),
        "purpose": row["purpose"],
        "requested": f"{row['requested_by']}\n{_short(row['requested_at'])}",
        "approved": (
            f"{row['approved_by']}\n{_short(row['approved_at'])}".strip()
            if row["approved_by"] or row["approved_at"]
            else ""
        ),
        "handed_out_at": _short(row["handed_out_at"]),
        "due_on": _short(row["due_on"]),
        "renewals": str(row["renewals"] or ""),
        "returned_at": _short(row["returned_at"]),
        "status": str(row["status"]),
        "escalated": "是" if row["escalated"] else "",
    }
    return [values[key] for _header, _weight, key in COLUMNS]


@cache
def _widest(font: str) -> float:
    """The widest advance of the font's glyphs, per point of size: a text of ``n``
    characters is at most ``n * size * _widest`` wide, and most cells need no measuring."""
    widths = pdfmetrics.getFont(font).face.charWidths.values()
    return max(widths, default=1000) / 1000


def wrap(text: str, font: str, size: float, width: float, max_lines: int = MAX_LINES):
    """``text`` in lines of at most ``width`` points; past ``max_lines`` the last line ends
    with "…". Explicit line breaks are kept."""
    lines: list[str] = []
    surely = width / (size * _widest(font))  # this many characters fit, whatever they are
    for part in str(text).split("\n"):
        while part:
            if len(lines) == max_lines:
                last = lines[-1]
                while last and stringWidth(last + "…", font, size) > width:
                    last = last[:-1]
                lines[-1] = last + "…"
                return lines
            if len(part) <= surely or stringWidth(part, font, size) <= width:
                lines.append(part)
                break
            low, high = 1, len(part)  # the longest prefix that fits (at least one char)
            while low < high:
                middle = (low + high + 1) // 2
                if stringWidth(part[:middle], font, size) <= width:
                    low = middle
                else:
                    high = middle - 1
            lines.append(part[:low])
            part = part[low:]
    return lines


class _Sheet:
    """The canvas, the page being filled and its grid."""

    def __init__(self, buffer, *, subtitle: str, printed_at):
        self.font = cjk_font()
        self.canv = Canvas(buffer, pagesize=PAGE, initialFontName=self.font)
        self.canv.setTitle(REGISTER)
        self.canv.setAuthor(settings.ARCHIVE_COMPANY_NAME)
        self.canv.setCreator(settings.ARCHIVE_COMPANY_NAME)
        self.subtitle = subtitle
        self.printed = cn_datetime(printed_at)
        width = PAGE[0] - 2 * MARGIN_X
        weight = sum(w for _h, w, _k in COLUMNS)
        self.widths = [width * w / weight for _h, w, _k in COLUMNS]
        self.xs = [MARGIN_X]
        for w in self.widths:
            self.xs.append(self.xs[-1] + w)
        self.page = 0
        self.header_lines = [
            wrap(h, self.font, SIZE, w - 2 * PAD)
            for (h, _w, _k), w in zip(COLUMNS, self.widths, strict=True)
        ]

    # --- a page ---------------------------------------------------------------------------
    def start_page(self):
        self.page += 1
        canv, font = self.canv, self.font
        width, height = PAGE
        left, right = MARGIN_X, width - MARGIN_X
        canv.setFillColor(colors.black)
        canv.setStrokeColor(GRID_COLOUR)
        canv.setLineWidth(0.5)
        top = height - MARGIN_TOP + 5 * mm
        canv.setFont(font, 9)
        canv.drawString(left, top + 1.5 * mm, settings.ARCHIVE_COMPANY_NAME)
        canv.drawRightString(right, top + 1.5 * mm, f"{REGISTER}　{self.subtitle}")
        canv.line(left, top, right, top)
        bottom = MARGIN_BOTTOM - 6 * mm
        canv.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        canv.setFont(font, 8.5)
        canv.drawString(left, bottom, CONFIDENTIALITY_NOTICE)
        canv.drawRightString(right, bottom, f"打印时间：{self.printed}")
        label = f"第 {self.page} 页 / 共 "
        label_width = stringWidth(label, font, 8.5)
        total_width = stringWidth("000 页", font, 8.5)
        x = (left + right - label_width - total_width) / 2
        canv.drawString(x, bottom, label)
        canv.saveState()
        canv.translate(x + label_width, bottom)
        canv.doForm("pages")  # "N 页", filled in when the last page is known
        canv.restoreState()
        self.y = height - MARGIN_TOP
        self.text = canv.beginText()
        self.text.setFont(font, SIZE, LEADING)
        self.grid = canv.beginPath()
        self.rows_top = None

    def title_block(self, *, printed_by: str):
        canv = self.canv
        width = PAGE[0]
        canv.setFont(self.font, 18)
        canv.drawCentredString(width / 2, self.y - 18, REGISTER)
        canv.setFont(self.font, 9.5)
        line = f"期间：{self.subtitle}　打印人：{printed_by}　打印时间：{self.printed}　共 "
        line_width = stringWidth(line, self.font, 9.5)
        x = (width - line_width - stringWidth("00000 条", self.font, 9.5)) / 2
        canv.drawString(x, self.y - 34, line)
        canv.saveState()
        canv.translate(x + line_width, self.y - 34)
        canv.doForm("rows")  # "N 条"
        canv.restoreState()
        self.y -= 42

    def header_row(self):
        height = max(len(lines) for lines in self.header_lines) * LEADING + 2 * PAD
        self.canv.saveState()
        self.canv.setFillColor(HEADER_FILL)
        self.canv.rect(MARGIN_X, self.y - height, self.xs[-1] - MARGIN_X, height, stroke=0, fill=1)
        self.canv.restoreState()
        self._row(self.header_lines, height, center=True)

    def fits(self, height) -> bool:
        return self.y - height >= MARGIN_BOTTOM

    def row(self, lines_per_cell):
        height = max(1, *(len(lines) for lines in lines_per_cell)) * LEADING + 2 * PAD
        if not self.fits(height):
            self.end_page()
            self.canv.showPage()
            self.start_page()
            self.header_row()
        self._row(lines_per_cell, height)

    def _row(self, lines_per_cell, height, *, center=False):
        if self.rows_top is None:
            self.rows_top = self.y
        text, font = self.text, self.font
        baseline = self.y - PAD - SIZE
        for column, lines in enumerate(lines_per_cell):
            if not lines:
                continue
            left = self.xs[column] + PAD
            if center:
                for number, line in enumerate(lines):
                    free = self.widths[column] - 2 * PAD - stringWidth(line, font, SIZE)
                    text.setTextOrigin(left + free / 2, baseline - number * LEADING)
                    text.textLine(line)
                continue
            # one origin per cell; each line moves down by the leading (T*)
            text.setTextOrigin(left, baseline)
            for line in lines:
                text.textLine(line)
        self.y -= height
        self.grid.moveTo(MARGIN_X, self.y)
        self.grid.lineTo(self.xs[-1], self.y)

    def note_row(self, text):
        """One line across the whole table (an empty register says so)."""
        if self.rows_top is None:
            self.rows_top = self.y
        height = LEADING + 2 * PAD
        self.text.setTextOrigin(MARGIN_X + PAD, self.y - PAD - SIZE)
        self.text.textLine(text)
        self.y -= height
        self.grid.moveTo(MARGIN_X, self.y)
        self.grid.lineTo(self.xs[-1], self.y)

    def end_page(self):
        canv = self.canv
        canv.drawText(self.text)
        if self.rows_top is not None:
            grid = self.grid
            grid.moveTo(MARGIN_X, self.rows_top)
            grid.lineTo(self.xs[-1], self.rows_top)
            for x in self.xs:
                grid.moveTo(x, self.rows_top)
                grid.lineTo(x, self.y)
            canv.setStrokeColor(GRID_COLOUR)
            canv.setLineWidth(0.5)
            canv.drawPath(grid, stroke=1, fill=0)
            canv.setLineWidth(1)
            canv.setStrokeColor(colors.black)
            canv.rect(MARGIN_X, self.y, self.xs[-1] - MARGIN_X, self.rows_top - self.y)

    def form(self, name, text, size):
        self.canv.beginForm(name)
        self.canv.setFont(self.font, size)
        self.canv.setFillColor(colors.black)
        self.canv.drawString(0, 0, text)
        self.canv.endForm()


def render_loan_register_pdf(
    rows: Iterable[dict],
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    printed_by: str,
    printed_at: datetime.datetime | None = None,
) -> bytes:
    """The register of the period ``date_from``–``date_to`` with ``rows`` (dicts of
    ``register_rows``, consumed once, in their order)."""
    buffer = io.BytesIO()
    subtitle = f"{cn_date(date_from)} 至 {cn_date(date_to)}"
    sheet = _Sheet(buffer, subtitle=subtitle, printed_at=printed_at or timezone.now())
    sheet.start_page()
    sheet.title_block(printed_by=printed_by)
    sheet.header_row()
    font, widths = sheet.font, [w - 2 * PAD for w in sheet.widths]
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.row(
            [
                wrap(value, font, SIZE, width)
                for value, width in zip(cells(count, row), widths, strict=True)
            ]
        )
    if not count:
        sheet.note_row("本期间无借阅记录")
    sheet.end_page()
    sheet.canv.showPage()
    sheet.form("pages", f"{sheet.page} 页", 8.5)
    sheet.form("rows", f"{count} 条", 9.5)
    sheet.canv.save()
    return buffer.getvalue()
