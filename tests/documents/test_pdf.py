"""The printed registers (R6, R8, R12, R30, R31), checked by their extracted text.

No database: the renderers take plain dicts, as the selectors' callers prepare them.
"""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

import core.pdf
from core.pdf import cjk_font, cn_date, cn_datetime, cn_floor
from documents import pdf

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "var" / "screens"
UTC = datetime.UTC
COMPANY = "翠湖物业服务有限公司"


@pytest.fixture(autouse=True)
def _company(settings):
    settings.ARCHIVE_COMPANY_NAME = COMPANY


# --- sample data ---------------------------------------------------------------------------
def cover_data(**overrides):
    return {
        "archive_number": "CHY-3-1-1201",
        "label": "张伟、李娜",
        "unit": "翠湖苑 3栋 1单元 1201",
        "floor": 12,
        "service_centre": "翠湖苑服务中心",
        "opened_on": datetime.date(2019, 6, 18),
        "secrecy": "C级",
        "retention": "永久",
        "printed_by": "王芳",
        **overrides,
    }


CATALOG_TITLES = [
    ("房屋租赁合同（2026年续签）及附件：租金支付明细、押金收据", "租赁合同", 12),
    ("关于楼上漏水的投诉及处理回访记录", "投诉处理", 3),
    ("装修申请表及装修施工承诺书", "装修管理", 6),
    ("业主身份证复印件", "身份证明", 2),
    ("入住登记表", "入住资料", 1),
]


def catalog_data(repeat=1):
    """Newest first (R6), as the caller passes them."""
    day = datetime.date(2026, 11, 23)
    rows = []
    for n, (title, category, pages) in enumerate(CATALOG_TITLES * repeat, start=1):
        original = n % 2 == 1
        rows.append(
            {
                "number": n,
                "title": title,
                "category": category,
                "date": day - datetime.timedelta(days=41 * (n - 1)),
                "pages": pages,
                "copies": 1,
                "original": original,
                "location": "A1-03-012" if original else "原件存于翠湖苑服务中心前台档案柜",
                "secrecy": "C级",
            }
        )
    return rows


def floors_data():
    customers = iter(["张伟", "李娜", "王秀英", "深圳市前海科技有限公司", "陈静", "杨帆", "赵磊"])
    floors = []
    for building, floor, rooms in (("3", 12, ["1201", "1202"]), ("5栋", 2, ["201", "203", "205"])):
        rows = [
            {
                "archive_number": f"CHY-{building.rstrip('栋')}-1-{room}",
                "room": room,
                "customer": next(customers),
                "role": "租户" if n == 1 else "业主",
                "moved_in": datetime.date(2016 + n, 3, 8),
                "moved_out": datetime.date(2025, 4 + n, 15),
                "documents": 7 + n,
            }
            for n, room in enumerate(rooms)
        ]
        floors.append({"estate": "翠湖苑", "building": building, "floor": floor, "rows": rows})
    floors.append(
        {
            "estate": "翠湖苑",
            "building": "8",
            "floor": -1,
            "rows": [
                {
                    "archive_number": "CHY-8-B1-01",
                    "room": "B101",
                    "customer": "赵磊",
                    "role": "租户",
                    "moved_in": datetime.date(2022, 1, 5),
                    "moved_out": datetime.date(2025, 12, 31),
                    "documents": 4,
                }
            ],
        }
    )
    return floors


def handover_data(**overrides):
    return {
        "service_centre": "翠湖苑服务中心",
        "period": "2026H2",
        "prepared_by": "李明",
        "prepared_at": datetime.datetime(2026, 11, 23, 6, 5, tzinfo=UTC),
        "centre_signed_by": "李明",
        "centre_signed_at": datetime.datetime(2026, 11, 24, 1, 30, tzinfo=UTC),
        "archive_signed_by": "王建国",
        "archive_signed_at": datetime.datetime(2026, 11, 24, 7, 45, tzinfo=UTC),
        "override_reason": "",
        **overrides,
    }


HANDOVER_RESULTS = [
    ("已接收", "accepted", ""),
    ("已接收", "accepted", ""),
    ("缺失", "missing", "客户未提供"),
    ("与清单不符", "differs", "实为 4 页"),
    ("已接收", "accepted", ""),
]


def handover_items(count=5):
    return [
        {
            "number": n + 1,
            "archive_number": f"CHY-3-1-{1201 + n * 100}",
            "title": CATALOG_TITLES[n % 5][0],
            "category": CATALOG_TITLES[n % 5][1],
            "pages": CATALOG_TITLES[n % 5][2],
            "copies": 1,
            "result": HANDOVER_RESULTS[n % 5][0],
            "result_code": HANDOVER_RESULTS[n % 5][1],
            "note": HANDOVER_RESULTS[n % 5][2],
        }
        for n in range(count)
    ]


def box_labels():
    labels = []
    for n in range(1, 11):
        holds_one = n % 4 != 0
        labels.append(
            {
                "code": f"A1-03-{n:03d}",
                "room": "公司档案室",
                "shelf": "A1-03",
                "archive_number": f"CHY-3-1-{1200 + n}" if holds_one else "",
                "title": ("深圳市前海科技有限公司、王秀英、刘洋" if n == 2 else "张伟、李娜")
                if holds_one
                else "",
                "qr": f"CHY-3-1-{1200 + n}" if holds_one else f"A1-03-{n:03d}",
            }
        )
    return labels


def shelf_labels():
    return [
        {
            "code": f"A1-{n:02d}",
            "room": "公司档案室",
            "boxes": f"A1-{n:02d}-001 至 A1-{n:02d}-024",
            "qr": f"A1-{n:02d}",
        }
        for n in range(1, 4)
    ]


RENDERERS = {
    "cover": lambda: pdf.render_dossier_cover_pdf(cover_data(), catalog_data(repeat=3)),
    "moved-out": lambda: pdf.render_moved_out_catalog_pdf(2025, floors_data()),
    "handover": lambda: pdf.render_handover_pdf(
        handover_data(archive_signed_by=None, archive_signed_at=None), handover_items(12)
    ),
    "box-labels": lambda: pdf.render_box_labels_pdf(box_labels()),
    "shelf-labels": lambda: pdf.render_shelf_labels_pdf(shelf_labels()),
}


# --- helpers -------------------------------------------------------------------------------
def pages_text(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text without line breaks: a wrapped cell reads as one string again."""
    return "".join(text.split())


def fonts(data: bytes) -> list[dict]:
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])]
            descriptors = [
                f["/FontDescriptor"].get_object()
                for f in [font, *descendants]
                if "/FontDescriptor" in f
            ]
            found.append(
                {
                    "name": str(font.get("/BaseFont")),
                    "subtype": str(font.get("/Subtype")),
                    "truetype": any("/FontFile2" in d for d in descriptors),
                }
            )
    return found


# --- font and formatting -------------------------------------------------------------------
@pytest.mark.parametrize("name", RENDERERS)
def test_every_font_is_an_embedded_truetype_never_a_cid_font(name):
    found = fonts(RENDERERS[name]())
    assert found
    for font in found:
        assert font["truetype"], font  # a /FontFile2 stream: the glyphs travel with the PDF
        assert "STSong" not in font["name"] and "Song" not in font["name"], font
        assert font["subtype"] != "/Type0", font  # reportlab's CID fonts are Type0, unembedded


def test_missing_font_is_a_clear_configuration_error(settings, monkeypatch, tmp_path):
    settings.PDF_CJK_FONT = str(tmp_path / "nowhere.ttc")
    monkeypatch.setattr(core.pdf, "FALLBACK_FONTS", ())
    monkeypatch.setattr(core.pdf.pdfmetrics, "getRegisteredFontNames", lambda: [])
    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-microhei or set PDF_CJK_FONT"):
        cjk_font()


def test_chinese_dates_and_shanghai_times():
    assert cn_date(datetime.date(2026, 11, 23)) == "2026年11月23日"
    assert cn_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert cn_date(None) == ""
    # 22:05 UTC is the next morning in Shanghai
    late = datetime.datetime(2026, 11, 22, 22, 5, tzinfo=UTC)
    assert cn_datetime(late) == "2026年11月23日 06:05"
    assert cn_date(late) == "2026年11月23日 06:05"
    assert cn_floor(12) == "12层"
    assert cn_floor(-1) == "地下1层"


# --- 档案封面 + 卷内目录 ---------------------------------------------------------------------
def test_dossier_cover_and_catalog_newest_first__R12__R6():
    catalog = catalog_data(repeat=3)
    texts = pages_text(pdf.render_dossier_cover_pdf(cover_data(), catalog))
    assert len(texts) >= 2
    cover = texts[0]
    for expected in (
        "客户档案",
        COMPANY,
        "档案编号",
        "CHY-3-1-1201",
        "张伟、李娜",
        "翠湖苑 3栋 1单元 1201",
        "12层",
        "翠湖苑服务中心",
        "建档日期",
        "2019年6月18日",
        "密级",
        "C级",
        "保管期限",
        "永久",
        "内部资料，严禁外传",
        "王芳",
    ):
        assert expected in cover, expected
    assert "卷内目录" not in cover

    body = flat("".join(texts[1:]))
    assert "卷内目录" in texts[1]
    for header in pdf.CATALOG_HEADER:
        assert header in body, header
    # R6: in the order given, newest first
    dates = [cn_date(row["date"]) for row in catalog]
    positions = [body.index(d) for d in dates]
    assert positions == sorted(positions)
    assert "2026年11月23日" in body
    for title, *_ in CATALOG_TITLES:
        assert flat(title) in body
    assert "原件存于翠湖苑服务中心前台档案柜" in body
    assert "复印件" in body
    pages = sum(row["pages"] for row in catalog)
    assert f"共{len(catalog)}件，合计{pages}页。" in body
    # catalog pages carry the running header and restart their numbering after the cover
    assert COMPANY in texts[1] and "第 1 页" in texts[1]
    assert "第 1 页" not in cover


def test_dossier_cover_with_an_empty_catalog__R12():
    texts = pages_text(pdf.render_dossier_cover_pdf(cover_data(label=""), []))
    assert "卷内暂无文件" in texts[-1]


def test_text_is_escaped_not_read_as_markup__R12():
    catalog = catalog_data()
    catalog[0]["title"] = "补充协议 <附件A> & 收据"
    text = "".join(pages_text(pdf.render_dossier_cover_pdf(cover_data(), catalog)))
    assert "<附件A>&收据" in flat(text)


# --- 年度迁出档案目录 -------------------------------------------------------------------------
def test_moved_out_catalog_groups_by_estate_building_floor__R8():
    floors = floors_data()
    texts = pages_text(pdf.render_moved_out_catalog_pdf(2025, floors))
    text = "\n".join(texts)
    assert "2025年度迁出档案目录" in text
    headings = ["翠湖苑 3栋 12层", "翠湖苑 5栋 2层", "翠湖苑 8栋 地下1层"]
    for heading in headings:
        assert heading in text, heading
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    body = flat(text)
    for header in pdf.MOVED_OUT_HEADER:
        assert header in body
    for group in floors:
        for row in group["rows"]:
            assert row["archive_number"] in body
            assert flat(row["customer"]) in body
            assert cn_date(row["moved_in"]) in body
            assert cn_date(row["moved_out"]) in body
    assert "业主" in body and "租户" in body
    # each row sits under its own floor's heading
    assert text.index("CHY-3-1-1202") < text.index("翠湖苑 5栋 2层") < text.index("CHY-5-1-201")
    assert "迁出6户" in body


def test_moved_out_catalog_of_a_quiet_year__R8():
    text = "".join(pages_text(pdf.render_moved_out_catalog_pdf(2024, [])))
    assert "2024年度无迁出档案" in text


# --- 档案移交清单 ---------------------------------------------------------------------------
def copies_of(texts):
    """Split the pages into the two copies by the copy mark each page carries."""
    first = [t for t in texts if "第一联：服务中心留存" in t]
    second = [t for t in texts if "第二联：档案室留存" in t]
    assert len(first) + len(second) == len(texts)
    assert not any("第一联" in t and "第二联" in t for t in texts)
    return first, second


def test_handover_list_in_two_copies_with_signatures__R30():
    items = handover_items(5)
    data = pdf.render_handover_pdf(handover_data(), items)
    texts = pages_text(data)
    first, second = copies_of(texts)
    assert first and second
    assert texts.index(second[0]) == len(first)  # the second copy starts on a new page
    for copy in (first, second):
        text = "\n".join(copy)
        body = flat(text)
        assert "档案移交清单" in text
        assert "翠湖苑服务中心" in text
        assert "2026H2" in text
        assert "编制人" in text and "李明" in text
        assert "2026年11月23日 14:05" in text  # prepared at 06:05 UTC
        for header in pdf.HANDOVER_HEADER:
            assert header in body
        for item in items:
            assert item["archive_number"] in body
            assert flat(item["title"]) in body
        assert "客户未提供" in body and "与清单不符" in body
        assert "合计：件数5接收3缺失1不符1" in body
        assert "移交方（服务中心）签字：" in text
        assert "接收方（档案室）签字：" in text
        assert "王建国" in text
        assert "2026年11月24日 09:30" in text
        assert "2026年11月24日 15:45" in text
        assert "第 1 页" in copy[0]


@time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_handover_unsigned_leaves_lines_to_sign_by_hand__R30():
    # the print stamp is "now": frozen on another day than the signing dates below
    handover = handover_data(
        centre_signed_by=None,
        centre_signed_at=None,
        archive_signed_by=None,
        archive_signed_at=None,
        override_reason="CHY-3-1-1401 缺身份证复印件，经理同意先行接收",
    )
    texts = pages_text(pdf.render_handover_pdf(handover, handover_items(3)))
    text = "\n".join(texts)
    assert text.count("移交方（服务中心）签字：") == 2
    assert text.count("接收方（档案室）签字：") == 2
    assert "王建国" not in text
    assert "2026年11月24日" not in text  # no signing date is printed
    assert "打印时间：2026年11月25日 18:00" in text
    assert flat(text).count("未齐全接收说明：CHY-3-1-1401缺身份证复印件") == 2


def test_long_handover_numbers_each_copy_from_page_one__R30():
    items = handover_items(70)
    texts = pages_text(pdf.render_handover_pdf(handover_data(), items))
    first, second = copies_of(texts)
    assert len(first) >= 2 and len(second) == len(first)
    for copy in (first, second):
        assert all(f"第 {n} 页" in page for n, page in enumerate(copy, start=1))
        body = flat("".join(copy))
        assert all(item["archive_number"] in body for item in items)
        # the header row repeats on every page
        assert all("核对结果" in page for page in copy)
        assert "合计：件数70接收42缺失14不符14" in body


# --- labels --------------------------------------------------------------------------------
@pytest.fixture
def qr_values(monkeypatch):
    seen = []

    class Spy(pdf.QrCodeWidget):
        def __init__(self, value, *args, **kwargs):
            seen.append(value)
            super().__init__(value, *args, **kwargs)

    monkeypatch.setattr(pdf, "QrCodeWidget", Spy)
    return seen


def test_box_labels_eight_to_a_sheet_with_qr_codes__R31(qr_values):
    labels = box_labels()
    texts = pages_text(pdf.render_box_labels_pdf(labels))
    assert len(texts) == 2  # 10 labels, 2 × 4 to a sheet
    text = "\n".join(texts)
    assert "档案盒标签" in text and "沿虚线剪下" in text
    for label in labels:
        assert label["code"] in text
        if label["archive_number"]:
            assert label["archive_number"] in text
    assert "张伟、李娜" in text
    assert "公司档案室" in text and "A1-03" in text
    assert "A1-03-009" not in texts[0] and "A1-03-009" in texts[1]
    # the QR code encodes the archive number, or the box code for a shared box
    assert qr_values == [label["qr"] for label in labels]
    assert "A1-03-004" in qr_values and "CHY-3-1-1201" in qr_values


def test_long_occupant_names_wrap_on_the_label__R31():
    text = flat("".join(pages_text(pdf.render_box_labels_pdf(box_labels()[:2]))))
    assert "深圳市前海科技有限公司、王秀英" in text


def test_shelf_labels__R31(qr_values):
    labels = shelf_labels()
    texts = pages_text(pdf.render_shelf_labels_pdf(labels))
    assert len(texts) == 1
    text = flat(texts[0])
    assert "档案架标签" in text
    for label in labels:
        assert label["code"] in text
        assert flat(label["boxes"]) in text
    assert qr_values == ["A1-01", "A1-02", "A1-03"]


def test_no_labels_still_gives_a_printable_sheet__R31():
    assert len(pages_text(pdf.render_box_labels_pdf([]))) == 1


# --- screenshots -----------------------------------------------------------------------------
@pytest.mark.browser
def test_render_pdfs_to_png_for_review(tmp_path):
    """Writes var/screens/pdf-<name>-<page>.png to look at the layout."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils)")
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("pdf-*.png"):
        old.unlink()
    for name, render in RENDERERS.items():
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(render())
        subprocess.run(
            [pdftoppm, "-r", "60", "-png", str(source), str(SCREENS / f"pdf-{name}")],
            check=True,
            timeout=60,
        )
        assert list(SCREENS.glob(f"pdf-{name}-*.png")), name
