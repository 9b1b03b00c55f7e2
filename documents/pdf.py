"""Printed registers of the archive: dossier cover and catalog (R12, R6), the yearly catalog of
moved-out dossiers (R8), the handover list (R30) and box and shelf labels (R31).

No queries here: callers pass plain dicts prepared from selector output, as each function's
docstring describes. Dates are shown the Chinese way (2026年11月23日), times in Asia/Shanghai.
"""

import io
import re
from collections.abc import Callable, Sequence

from django.conf import settings
from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Spacer, Table

from core.pdf import (
    GRID_COLOUR,
    HEADER_FILL,
    Section,
    build_pdf,
    cjk_font,
    cn_date,
    cn_datetime,
    cn_floor,
    content_width,
    display,
    para,
    styles,
    table,
    table_style,
)
from documents.models import HandoverItem

CONFIDENTIALITY_NOTICE = "内部资料，严禁外传"


# --- 档案封面 + 卷内目录 (R12, R6) ----------------------------------------------------------
CATALOG_HEADER = (
    "序号",
    "文件题名",
    "类别",
    "文件日期",
    "页数",
    "份数",
    "原件/复印件",
    "存放位置",
    "密级",
)
# the secrecy column holds the level's whole name (C级（公司内部）), the number three digits
CATALOG_WIDTHS = (7, 32, 10, 21, 7, 7, 15, 19, 21)


def render_dossier_cover_pdf(cover: dict, catalog: list[dict]) -> bytes:
    """The dossier's cover (page 1) and its catalog 卷内目录 (page 2 on).

    ``cover``: ``archive_number``; ``label`` (the current occupants' names, R7); ``unit``
    (estate, building, entrance and room as one text); ``floor`` (int, or text); ``service_centre``;
    ``opened_on`` (date); ``secrecy`` and ``retention`` (display texts, e.g. "C级", "永久");
    ``printed_by`` (name of who prints).

    ``catalog``: one dict per document, in the order to print — the caller passes newest
    first (R6): ``number`` (序号), ``title``, ``category``, ``date`` (date), ``pages`` (int or
    None), ``copies``, ``original`` (bool: original or copy), ``location`` (where it is kept,
    for a copy where the original is, R13), ``secrecy`` (display text).
    """
    st = styles()
    big_title = ParagraphStyle("cover-title", parent=st.title, fontSize=40, leading=50)
    company = ParagraphStyle("cover-company", parent=st.subtitle, fontSize=14, leading=20)
    label_style = ParagraphStyle("cover-label", parent=st.normal, fontSize=13, leading=18)
    value_style = ParagraphStyle("cover-value", parent=label_style)
    notice = ParagraphStyle("cover-notice", parent=st.title, fontSize=14, leading=20)
    footnote = ParagraphStyle("cover-footnote", parent=st.small, alignment=TA_CENTER)

    fields = [
        ("档案编号", cover.get("archive_number")),
        ("客户", cover.get("label")),
        ("房号", cover.get("unit")),
        ("楼层", cn_floor(cover.get("floor"))),
        ("服务中心", cover.get("service_centre")),
        ("建档日期", cn_date(cover.get("opened_on"))),
        ("密级", cover.get("secrecy")),
        ("保管期限", cover.get("retention")),
    ]
    width = 140 * mm
    box = Table(
        [[para(name, label_style), para(value, value_style)] for name, value in fields],
        colWidths=[36 * mm, width - 36 * mm],
        rowHeights=[13 * mm] * len(fields),
    )
    box.setStyle(
        table_style(
            ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
            ("INNERGRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
            ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
        )
    )
    printed = f"打印：{display(cover.get('printed_by'))}　{cn_datetime(timezone.now())}"
    story = [
        Section(plain=True),
        Spacer(1, 30 * mm),
        para("客户档案", big_title),
        para(settings.ARCHIVE_COMPANY_NAME, company),
        Spacer(1, 22 * mm),
        box,
        Spacer(1, 40 * mm),
        para(CONFIDENTIALITY_NOTICE, notice),
        Spacer(1, 6 * mm),
        para(printed, footnote),
        PageBreak(),
        Section("卷内目录"),
        para("卷内目录", st.title),
        para(
            f"档案编号：{display(cover.get('archive_number'))}　　"
            f"客户：{display(cover.get('label'))}　　房号：{display(cover.get('unit'))}",
            st.subtitle,
        ),
    ]
    if catalog:
        rows = [
            [
                doc.get("number"),
                doc.get("title"),
                doc.get("category"),
                cn_date(doc.get("date")),
                doc.get("pages"),
                doc.get("copies"),
                "原件" if doc.get("original") else "复印件",
                doc.get("location"),
                doc.get("secrecy"),
            ]
            for doc in catalog
        ]
        story.append(table(CATALOG_HEADER, rows, CATALOG_WIDTHS, center=(0, 3, 4, 5, 6, 8)))
        pages = sum(doc.get("pages") or 0 for doc in catalog)
        story += [
            Spacer(1, 3 * mm),
            para(f"共 {len(catalog)} 件，合计 {pages} 页。", st.normal),
        ]
    else:
        story.append(para("卷内暂无文件。", st.normal))
    return build_pdf(story, register="客户档案")


# --- 年度迁出档案目录 (R8) -------------------------------------------------------------------
MOVED_OUT_HEADER = ("档案编号", "房号", "客户", "身份", "入住日期", "迁出日期", "文件数")
MOVED_OUT_WIDTHS = (24, 12, 26, 10, 19, 19, 9)


def _building(text) -> str:
    text = display(text)
    return text if not text or text[-1] in "栋幢座楼" else f"{text}栋"


def render_moved_out_catalog_pdf(year: int, floors: list[dict]) -> bytes:
    """The catalog of the dossier sections closed by a move-out in ``year`` (R8).

    ``floors``: one dict per (estate, building, floor) group, in the order to print:
    ``estate`` (name), ``building`` (number, "3" or "3栋"), ``floor`` (int), ``rows``: one
    dict per moved-out section: ``archive_number``, ``room``, ``customer`` (name), ``role``
    (display text: 业主/租户), ``moved_in`` and ``moved_out`` (dates), ``documents`` (count).
    """
    st = styles()
    heading = ParagraphStyle("floor-heading", parent=st.heading, keepWithNext=1)
    total = sum(len(group.get("rows") or ()) for group in floors)
    story = [
        Section(),
        para(f"{year}年度迁出档案目录", st.title),
        para(f"共 {len(floors)} 个楼层，迁出 {total} 户", st.subtitle),
    ]
    if not floors:
        story.append(para(f"{year}年度无迁出档案。", st.normal))
    for group in floors:
        rows = group.get("rows") or []
        name = " ".join(
            part
            for part in (
                display(group.get("estate")),
                _building(group.get("building")),
                cn_floor(group.get("floor")),
            )
            if part
        )
        story.append(para(f"{name}（{len(rows)} 户）", heading))
        story.append(
            table(
                MOVED_OUT_HEADER,
                [
                    [
                        row.get("archive_number"),
                        row.get("room"),
                        row.get("customer"),
                        row.get("role"),
                        cn_date(row.get("moved_in")),
                        cn_date(row.get("moved_out")),
                        row.get("documents"),
                    ]
                    for row in rows
                ],
                MOVED_OUT_WIDTHS,
                center=(1, 3, 4, 5, 6),
            )
        )
    return build_pdf(story, register="年度迁出档案目录")


# --- 档案移交清单 (R30) ----------------------------------------------------------------------
HANDOVER_COPIES = ("第一联：服务中心留存", "第二联：档案室留存")
HANDOVER_HEADER = ("序号", "档案编号", "文件题名", "类别", "页数", "份数", "核对结果", "备注")
HANDOVER_WIDTHS = (7, 22, 38, 16, 7, 7, 13, 20)
RESULT_TOTALS = (
    ("接收", HandoverItem.Result.ACCEPTED),
    ("缺失", HandoverItem.Result.MISSING),
    ("不符", HandoverItem.Result.DIFFERS),
)


def _period(text) -> str:
    """2026H2 -> 2026H2（2026年下半年）."""
    text = display(text)
    match = re.fullmatch(r"(\d{4})H([12])", text)
    if not match:
        return text
    half = "上" if match[2] == "1" else "下"
    return f"{text}（{match[1]}年{half}半年）"


def _result_code(item: dict) -> str:
    if item.get("result_code"):
        return str(item["result_code"])
    shown = display(item.get("result"))
    for code, label in HandoverItem.Result.choices:
        if shown in (str(code), str(label)):
            return str(code)
    return ""


def _copy_mark(copy: str, style: ParagraphStyle) -> Table:
    mark = Table([[para(copy, style)]], colWidths=[58 * mm], hAlign="RIGHT")
    mark.setStyle(table_style(("BOX", (0, 0), (-1, -1), 1, colors.black)))
    return mark


def _signature_line(party: str, name, signed_at) -> Table:
    st = styles()
    blank = "\u3000" * 6  # a line to sign on by hand
    line = Table(
        [
            [
                para(f"{party}签字：", st.normal),
                para(name or blank, st.normal),
                para("日期：", st.normal),
                para(cn_datetime(signed_at) if signed_at else blank, st.normal),
            ]
        ],
        colWidths=[48 * mm, 42 * mm, 14 * mm, 50 * mm],
        rowHeights=[12 * mm],
        hAlign="LEFT",
    )
    line.setStyle(
        table_style(
            ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
            ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1),
        )
    )
    return line


def render_handover_pdf(handover: dict, items: list[dict]) -> bytes:
    """The handover list of a service centre to the archive room (R30), in two copies.

    Each copy starts on a new page with its own page numbers: 第一联 stays at the service
    centre, 第二联 at the archive room.

    ``handover``: ``service_centre`` (name), ``period`` ("2026H2"), ``prepared_by`` (name),
    ``prepared_at`` (datetime), ``centre_signed_by`` / ``archive_signed_by`` (names or None:
    None leaves a line to sign by hand), ``centre_signed_at`` / ``archive_signed_at``
    (datetimes or None), ``override_reason`` (optional: why incomplete dossiers were accepted).

    ``items``: one dict per document, in the order to print: ``number`` (序号),
    ``archive_number``, ``title``, ``category``, ``pages``, ``copies``, ``result`` (display
    text of the check), ``note``; optionally ``result_code`` (a ``HandoverItem.Result`` value)
    for the totals, otherwise ``result`` is matched against the result labels.
    """
    st = styles()
    copy_style = ParagraphStyle(
        "handover-copy", parent=st.normal, alignment=TA_CENTER, fontSize=12, leading=18
    )
    info_label = ParagraphStyle("handover-label", parent=st.normal, alignment=TA_CENTER)
    codes = [_result_code(item) for item in items]
    totals = [("件数", len(items))] + [(name, codes.count(code)) for name, code in RESULT_TOTALS]
    totals_text = "合计：" + "　　".join(f"{name} {count}" for name, count in totals)
    rows = [
        [
            item.get("number"),
            item.get("archive_number"),
            item.get("title"),
            item.get("category"),
            item.get("pages"),
            item.get("copies"),
            item.get("result"),
            item.get("note"),
        ]
        for item in items
    ]
    info_width = content_width()
    story = []
    for index, copy in enumerate(HANDOVER_COPIES):
        if index:
            story.append(PageBreak())
        info = Table(
            [
                [
                    para("服务中心", info_label),
                    para(handover.get("service_centre"), st.normal),
                    para("移交期间", info_label),
                    para(_period(handover.get("period")), st.normal),
                ],
                [
                    para("编制人", info_label),
                    para(handover.get("prepared_by"), st.normal),
                    para("编制时间", info_label),
                    para(cn_datetime(handover.get("prepared_at")), st.normal),
                ],
            ],
            colWidths=[0.14 * info_width, 0.36 * info_width, 0.14 * info_width, 0.36 * info_width],
        )
        info.setStyle(
            table_style(
                ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
                ("BACKGROUND", (2, 0), (2, -1), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            )
        )
        story += [
            Section(copy),
            _copy_mark(copy, copy_style),
            para("档案移交清单", st.title),
            info,
            Spacer(1, 4 * mm),
        ]
        if rows:
            story.append(table(HANDOVER_HEADER, rows, HANDOVER_WIDTHS, center=(0, 4, 5, 6)))
        else:
            story.append(para("本次移交无文件。", st.normal))
        story += [Spacer(1, 3 * mm), para(totals_text, st.normal)]
        if handover.get("override_reason"):
            story.append(para(f"未齐全接收说明：{handover['override_reason']}", st.normal))
        story += [
            Spacer(1, 8 * mm),
            _signature_line(
                "移交方（服务中心）",
                handover.get("centre_signed_by"),
                handover.get("centre_signed_at"),
            ),
            Spacer(1, 4 * mm),
            _signature_line(
                "接收方（档案室）",
                handover.get("archive_signed_by"),
                handover.get("archive_signed_at"),
            ),
        ]
    return build_pdf(story, register="档案移交清单")


# --- Labels (R31) ------------------------------------------------------------------------
LABEL_COLUMNS, LABEL_ROWS = 2, 4
SHEET_MARGIN_X, SHEET_MARGIN_TOP, SHEET_MARGIN_BOTTOM = 10 * mm, 16 * mm, 14 * mm
LABEL_PADDING = 5 * mm
QR_SIZE = 34 * mm


def _fit(text: str, font: str, size: float, width: float, *, smallest: float = 7) -> tuple:
    """Shrink ``text`` to fit ``width``, then cut it with an ellipsis: (text, size)."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    if stringWidth(text, font, size) <= width:
        return text, size
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…", size


def _wrap(text: str, font: str, size: float, width: float, *, max_lines: int = 2) -> list[str]:
    """Break ``text`` into lines of ``width``, preferably after 、 or a space; the last line
    is cut with an ellipsis when the text is longer still."""
    lines = []
    rest = text
    while rest and len(lines) < max_lines - 1 and stringWidth(rest, font, size) > width:
        cut = 1
        while cut < len(rest) and stringWidth(rest[: cut + 1], font, size) <= width:
            cut += 1
        soft = max(rest.rfind(mark, 0, cut) for mark in (" ", "、", "，", ","))
        if soft > 0:
            cut = soft + 1
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(_fit(rest, font, size, width, smallest=size)[0])
    return lines


def _draw_qr(canv: Canvas, value: str, x: float, y: float, size: float):
    widget = QrCodeWidget(value)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.initialFontName = cjk_font()  # not the unembedded Helvetica default
    drawing.add(widget)
    renderPDF.draw(drawing, canv, x, y)


def _draw_code(canv: Canvas, code: str, x: float, y: float, width: float, size: float):
    """The big code, drawn filled and stroked so it reads as bold across the room."""
    font = cjk_font()
    code, size = _fit(code, font, size, width, smallest=14)
    text = canv.beginText(x, y)
    text.setFont(font, size)
    text.setTextRenderMode(2)
    text.textOut(code)
    # the render mode is part of the graphics state: back to plain fill for what follows
    text.setTextRenderMode(0)
    canv.saveState()
    canv.setLineWidth(size * 0.035)
    canv.drawText(text)
    canv.restoreState()


def _label_sheet(labels: Sequence[dict], *, kind: str, draw: Callable) -> bytes:
    font = cjk_font()
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=A4, initialFontName=font)
    canv.setTitle(f"{kind}标签")
    canv.setAuthor(settings.ARCHIVE_COMPANY_NAME)
    page_width, page_height = A4
    width = (page_width - 2 * SHEET_MARGIN_X) / LABEL_COLUMNS
    height = (page_height - SHEET_MARGIN_TOP - SHEET_MARGIN_BOTTOM) / LABEL_ROWS
    per_page = LABEL_COLUMNS * LABEL_ROWS
    printed = cn_datetime(timezone.now())
    pages = max(1, -(-len(labels) // per_page))
    for page in range(pages):
        canv.setFont(font, 8.5)
        canv.setFillColor(colors.black)
        canv.drawString(
            SHEET_MARGIN_X,
            page_height - SHEET_MARGIN_TOP + 5 * mm,
            f"{settings.ARCHIVE_COMPANY_NAME}　{kind}标签（沿虚线剪下）",
        )
        canv.drawRightString(
            page_width - SHEET_MARGIN_X,
            page_height - SHEET_MARGIN_TOP + 5 * mm,
            f"打印时间：{printed}　第 {page + 1} 页",
        )
        for slot, label in enumerate(labels[page * per_page : (page + 1) * per_page]):
            col, row = slot % LABEL_COLUMNS, slot // LABEL_COLUMNS
            x = SHEET_MARGIN_X + col * width
            y = page_height - SHEET_MARGIN_TOP - (row + 1) * height
            canv.saveState()
            canv.setDash(3, 2)
            canv.setStrokeColor(colors.grey)
            canv.setLineWidth(0.5)
            canv.rect(x, y, width, height)
            canv.restoreState()
            canv.saveState()
            draw(canv, label, x, y, width, height)
            canv.restoreState()
        canv.showPage()
    canv.save()
    return buffer.getvalue()


def _draw_label(canv: Canvas, *, caption: str, code: str, lines, qr: str, x, y, width, height):
    font = cjk_font()
    inner_left = x + LABEL_PADDING
    inner_width = width - 2 * LABEL_PADDING
    top = y + height - LABEL_PADDING
    # solid frame of the label itself, inside the cut line
    canv.setLineWidth(1.2)
    canv.rect(x + 2.5 * mm, y + 2.5 * mm, width - 5 * mm, height - 5 * mm)
    canv.setFont(font, 9)
    canv.drawString(inner_left, top - 9, caption)
    canv.setFont(font, 7.5)
    company, size = _fit(settings.ARCHIVE_COMPANY_NAME, font, 7.5, inner_width * 0.6)
    canv.setFont(font, size)
    canv.drawRightString(inner_left + inner_width, top - 9, company)
    _draw_code(canv, code, inner_left, top - 13 * mm, inner_width, 32)
    rule = top - 16.5 * mm
    canv.setLineWidth(0.6)
    canv.line(inner_left, rule, inner_left + inner_width, rule)
    below = rule - (y + LABEL_PADDING)
    qr_size = min(QR_SIZE, below - 2 * mm)
    qr_bottom = y + LABEL_PADDING + (below - qr_size) / 2
    _draw_qr(canv, qr or code, inner_left + inner_width - qr_size, qr_bottom, qr_size)
    text_width = inner_width - qr_size - 2 * mm
    line_y = rule - 8 * mm
    for name, value in lines:
        if not value:
            continue
        canv.setFont(font, 8.5)
        canv.setFillColor(colors.HexColor("#555555"))
        canv.drawString(inner_left, line_y, name)
        value = display(value)
        value_width = text_width - 15 * mm
        size = 12 if stringWidth(value, font, 12) <= value_width else 10
        canv.setFont(font, size)
        canv.setFillColor(colors.black)
        for number, part in enumerate(_wrap(value, font, size, value_width)):
            canv.drawString(inner_left + 15 * mm, line_y - number * 4.5 * mm, part)
        line_y -= 8 * mm


def render_box_labels_pdf(labels: list[dict]) -> bytes:
    """Labels for archive boxes (R31), 2 × 4 on an A4 sheet, with cut lines and a QR code.

    ``labels``: one dict per box: ``code`` ("A1-03-012"), ``room`` (room name), ``shelf``
    (shelf code), ``archive_number`` and ``title`` (the occupants' names, R7) when the box
    holds one dossier, else ""; ``qr`` (the text to encode: the archive number if any, else
    the box code).
    """

    def draw(canv, label, x, y, width, height):
        _draw_label(
            canv,
            caption="档案盒",
            code=display(label.get("code")),
            lines=[
                ("库房", label.get("room")),
                ("档案架", label.get("shelf")),
                ("档案编号", label.get("archive_number")),
                ("客户", label.get("title")),
            ],
            qr=display(label.get("qr") or label.get("archive_number") or label.get("code")),
            x=x,
            y=y,
            width=width,
            height=height,
        )

    return _label_sheet(labels, kind="档案盒", draw=draw)


def render_shelf_labels_pdf(labels: list[dict]) -> bytes:
    """Labels for archive shelves (R31), same sheet as the box labels.

    ``labels``: one dict per shelf: ``code`` ("A1-03"), ``room`` (room name), ``boxes`` (the
    box range as text, e.g. "A1-03-001 至 A1-03-024"), ``qr`` (the text to encode, by default
    the shelf code).
    """

    def draw(canv, label, x, y, width, height):
        _draw_label(
            canv,
            caption="档案架",
            code=display(label.get("code")),
            lines=[("库房", label.get("room")), ("档案盒", label.get("boxes"))],
            qr=display(label.get("qr") or label.get("code")),
            x=x,
            y=y,
            width=width,
            height=height,
        )

    return _label_sheet(labels, kind="档案架", draw=draw)
