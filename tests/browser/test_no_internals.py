"""In a real browser: a document's defaults follow its file, and the sidebar runs the whole
height of a long page with its menu in view."""

import pytest

from core.roles import Role

from ..customers.factories import dossier_for, moved_in
from ..factories import user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots/internals"  # noqa: S108 - screenshots to look at
PDF = b"%PDF-1.4\n%demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _shot(page, name):
    import pathlib

    pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_scan_makes_the_document_electronic_and_a_copy__R13__R14(page, live_server, tmp_path):
    from ..documents.factories import category

    category()  # the categories an earlier transactional test flushed
    dossier = moved_in().dossier
    log_in(page, user_with_role(Role.FRONT_DESK).username)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    url = f"{live_server.url}/documents/dossiers/{dossier.pk}/add/"

    page.goto(url)
    assert page.input_value("#id_carrier") == "paper"  # nothing chosen yet: on paper, original
    assert page.is_checked("#id_is_original")
    page.set_input_files("#id_upload", str(scan))
    assert page.input_value("#id_carrier") == "electronic"
    assert not page.is_checked("#id_is_original")
    _shot(page, "document-add-after-scan")

    # what the person has chosen stays chosen
    page.goto(url)
    page.select_option("#id_carrier", "photo")
    page.set_input_files("#id_upload", str(scan))
    assert page.input_value("#id_carrier") == "photo"
    assert not page.is_checked("#id_is_original")


def test_the_sidebar_runs_the_height_of_a_long_page(page, live_server):
    for _n in range(25):  # a full first page of the dossier list
        dossier_for()
    page.set_viewport_size({"width": 1366, "height": 600})
    log_in(page, user_with_role(Role.MANAGER).username)
    page.goto(f"{live_server.url}/dossiers/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 900  # a page longer than the window
    column = page.locator("aside.sidebar-col").bounding_box()
    scrolled = page.evaluate("window.scrollY")
    assert column["y"] + scrolled + column["height"] >= height - 1
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    menu = page.locator("#sidebar nav").bounding_box()
    assert 0 <= menu["y"] < 120  # the menu stays in view, under the header
    _shot(page, "sidebar-long-page")
