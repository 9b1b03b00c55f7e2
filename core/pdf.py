"""The shared base of every printed register: an embedded CJK font, paragraph styles, an A4
document with the company header and a page-numbered footer, and a gridded table.

Only a TrueType font is used, registered from ``settings.PDF_CJK_FONT`` and embedded (subset) in
every PDF: reportlab's CID fonts (STSong …) are never embedded, so a register printed at a
service centre without those fonts installed would come out as empty boxes.
"""

import datetime
import io
import zoneinfo
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import ActionFlowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT_NAME = "CJK"
# Printed times are the company's wall-clock time, whatever zone a user has activated.
PRINT_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    # OpenType-CFF collections cannot be embedded by reportlab; tried last and skipped if so.
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
GRID_COLOUR = colors.HexColor("#444444")
HEADER_FILL = colors.HexColor("#e8e8e8")


# --- Font ------------------------------------------------------------------------------
def _font_candidates() -> list[str]:
    configured = getattr(settings, "PDF_CJK_FONT", "") or ""
    candidates = [configured] if configured else []
    candidates += [path for path in FALLBACK_FONTS if path != configured]
    return candidates


def _load_font(path: str) -> TTFont:
    if path.lower().endswith(".ttc"):
        # a collection: the first face is the proportional one (MicroHei, ZenHei, Sans CJK)
        return TTFont(FONT_NAME, path, subfontIndex=0)
    return TTFont(FONT_NAME, path)


def cjk_font() -> str:
    """Register (once per process) the embedded CJK TrueType font and return its name."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    tried = []
    for path in _font_candidates():
        if not Path(path).is_file():
            tried.append(f"{path} (missing)")
            continue
        try:
            font = _load_font(path)
        except TTFError as exc:
            tried.append(f"{path} ({exc})")
            continue
        pdfmetrics.registerFont(font)
        # <b>/<i> in a paragraph must not look for a face that does not exist
        pdfmetrics.registerFontFamily(
            FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
        )
        return FONT_NAME
    raise ImproperlyConfigured(
        "No embeddable CJK TrueType font found for PDFs: install fonts-wqy-microhei or set "
        "PDF_CJK_FONT to a .ttf/.ttc file. Tried: " + "; ".join(tried)
    )


# --- Styles ----------------------------------------------------------------------------
class Styles:
    """The paragraph styles of every register, all in the embedded CJK font."""

    def __init__(self, font: str):
        base = {"fontName": font, "wordWrap": "CJK", "textColor": colors.black}
        self.title = ParagraphStyle(
            "cjk-title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm, **base
        )
        self.subtitle = ParagraphStyle(
            "cjk-subtitle", fontSize=11, leading=16, alignment=TA_CENTER, spaceAfter=4 * mm, **base
        )
        self.heading = ParagraphStyle(
            "cjk-heading", fontSize=12.5, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm, **base
        )
        self.normal = ParagraphStyle("cjk-normal", fontSize=10.5, leading=16, **base)
        self.small = ParagraphStyle("cjk-small", fontSize=8.5, leading=12, **base)
        self.cell = ParagraphStyle("cjk-cell", fontSize=9, leading=12, alignment=TA_LEFT, **base)
        self.cell_center = ParagraphStyle("cjk-cell-center", parent=self.cell, alignment=TA_CENTER)
        self.cell_header = ParagraphStyle(
            "cjk-cell-header", parent=self.cell, alignment=TA_CENTER, fontSize=9
        )


@cache
def _styles_for(font: str) -> Styles:
    return Styles(font)


def styles() -> Styles:
    return _styles_for(cjk_font())


def para(text, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names may contain "<" or "&")."""
    markup = escape(display(text)).replace("\n", "<br/>")
    # U+3000 counts as whitespace and would collapse to one narrow space: keep it full width
    return Paragraph(markup.replace("\u3000", "&#x3000;"), style)


# --- Display of values -----------------------------------------------------------------
def cn_date(value: datetime.date | None) -> str:
    """2026年11月23日; a datetime is shown in Asia/Shanghai with its time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return cn_datetime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime.datetime | None) -> str:
    """2026年11月23日 14:05 in Asia/Shanghai (a naive value is taken as already local)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value, PRINT_ZONE)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def cn_floor(floor) -> str:
    """12 -> 12层, -1 -> 地下1层; text is kept as given."""
    if floor is None or floor == "":
        return ""
    if isinstance(floor, int):
        return f"地下{-floor}层" if floor < 0 else f"{floor}层"
    return str(floor)


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return cn_datetime(value)
    if isinstance(value, datetime.date):
        return cn_date(value)
    return str(value)


# --- Document --------------------------------------------------------------------------
class Section(ActionFlowable):
    """A mark in the story: from the page it lands on, the running header shows ``label``,
    page numbers restart at 1 when ``restart`` (each copy of a two-copy form is filed on its
    own), and ``plain`` pages (a cover) get no header or footer."""

    def __init__(self, label: str = "", *, restart: bool = True, plain: bool = False):
        super().__init__()
        self.label = label
        self.restart = restart
        self.plain = plain

    def apply(self, doc):
        doc.section_label = self.label
        doc.section_plain = self.plain
        if self.restart:
            doc.section_first_page = doc.page


class ArchiveDocTemplate(SimpleDocTemplate):
    """A4 with the company name and register title on top, page number and print time below.

    Drawn at the end of each page (``afterPage``) so that a :class:`Section` placed on the
    page already counts for it.
    """

    def __init__(self, buffer, *, register: str, printed_at: datetime.datetime, **kwargs):
        super().__init__(buffer, **kwargs)
        self.register = register
        self.printed_at = printed_at
        self.section_label = ""
        self.section_plain = False
        self.section_first_page = 1

    def afterPage(self):
        if self.section_plain:
            return
        canv = self.canv
        font = cjk_font()
        width, height = self.pagesize
        left, right = self.leftMargin, width - self.rightMargin
        canv.saveState()
        canv.setStrokeColor(GRID_COLOUR)
        canv.setLineWidth(0.5)
        canv.setFillColor(colors.black)
        # header
        top = height - self.topMargin + 5 * mm
        canv.setFont(font, 9)
        canv.drawString(left, top + 1.5 * mm, settings.ARCHIVE_COMPANY_NAME)
        right_text = self.register
        if self.section_label:
            right_text = f"{self.register}　{self.section_label}"
        canv.drawRightString(right, top + 1.5 * mm, right_text)
        canv.line(left, top, right, top)
        # footer
        bottom = self.bottomMargin - 6 * mm
        canv.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        canv.setFont(font, 8.5)
        page = self.page - self.section_first_page + 1
        canv.drawCentredString((left + right) / 2, bottom, f"第 {page} 页")
        canv.drawRightString(right, bottom, f"打印时间：{cn_datetime(self.printed_at)}")
        canv.drawString(left, bottom, "内部资料，严禁外传")
        canv.restoreState()


def build_pdf(
    story: Sequence,
    *,
    register: str,
    landscape_page: bool = False,
    printed_at: datetime.datetime | None = None,
    margins_mm: tuple[float, float, float, float] = (22, 15, 20, 15),
) -> bytes:
    """Lay ``story`` out on A4 pages with the running header and footer; return the PDF.

    ``register`` names the register in the header and the PDF's metadata; ``margins_mm`` is
    (top, right, bottom, left).
    """
    cjk_font()
    top, right, bottom, left = (m * mm for m in margins_mm)
    buffer = io.BytesIO()
    doc = ArchiveDocTemplate(
        buffer,
        register=register,
        printed_at=printed_at or timezone.now(),
        pagesize=landscape(A4) if landscape_page else A4,
        topMargin=top,
        rightMargin=right,
        bottomMargin=bottom,
        leftMargin=left,
        title=register,
        author=settings.ARCHIVE_COMPANY_NAME,
        creator=settings.ARCHIVE_COMPANY_NAME,
        # otherwise every page names an unembedded Helvetica it never uses
        initialFontName=FONT_NAME,
    )
    doc.build(list(story))
    return buffer.getvalue()


def content_width(*, landscape_page: bool = False, margins_mm=(22, 15, 20, 15)) -> float:
    """The frame width of :func:`build_pdf` with the same arguments, in points."""
    page_width = (landscape(A4) if landscape_page else A4)[0]
    return page_width - (margins_mm[1] + margins_mm[3]) * mm


# --- Tables ----------------------------------------------------------------------------
def table_style(*commands: tuple) -> TableStyle:
    """A TableStyle in the CJK font (a table's own default, Helvetica, is not embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font()), *commands])


def table(
    header: Sequence[str],
    rows: Sequence[Sequence],
    widths: Sequence[float],
    *,
    total_width: float | None = None,
    center: Sequence[int] = (),
    extra_style: Sequence[tuple] = (),
    cell: Callable | None = None,
) -> Table:
    """A gridded table whose header row repeats on every page.

    ``widths`` are relative weights scaled to ``total_width`` (default: the A4 portrait
    frame); columns listed in ``center`` are centred. Values are shown with :func:`display`
    and wrapped in paragraphs, so long Chinese titles break inside their cell.
    """
    st = styles()
    total_width = total_width or content_width()
    weight = sum(widths)
    col_widths = [total_width * w / weight for w in widths]
    centred = set(center)

    def make(value, col):
        if cell is not None:
            made = cell(value, col)
            if made is not None:
                return made
        return para(value, st.cell_center if col in centred else st.cell)

    data = [[para(h, st.cell_header) for h in header]]
    data += [[make(value, col) for col, value in enumerate(row)] for row in rows]
    result = Table(data, colWidths=col_widths, repeatRows=1 if header else 0)
    result.setStyle(
        table_style(
            ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
            ("BOX", (0, 0), (-1, -1), 1, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            *extra_style,
        )
    )
    return result
