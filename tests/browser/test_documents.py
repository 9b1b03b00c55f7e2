"""Archive-room journeys in a real browser: upload, filing, handover (R15, R30, R45)."""

import pytest

from core.roles import Role
from documents.handover import services as handovers
from documents.models import Document, Handover

from ..customers.factories import moved_in
from ..documents.factories import box, category, document_for
from ..factories import PASSWORD, user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_upload_file_and_hand_over(page, browser, live_server, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    category()  # re-seeds the categories an earlier transactional test flushed
    page.on("dialog", lambda dialog: dialog.accept())
    dossier = moved_in().dossier
    front = user_with_role(Role.FRONT_DESK)
    archivist = user_with_role(Role.ARCHIVIST)
    scan = tmp_path / "入伙表.pdf"
    scan.write_bytes(PDF)

    # 1. the front desk records the move-in form with its scan
    log_in(page, front.username)
    page.goto(f"{live_server.url}/documents/dossiers/{dossier.pk}/add/")
    page.select_option("#id_category", label="入住资料（入伙表）")
    page.fill("#id_title", "入伙登记表")
    page.fill("#id_document_date", "2024-03-01")
    page.select_option("#id_carrier", "electronic")
    page.check("#id_has_paper_counterpart")
    page.fill("#id_pages", "3")
    page.set_input_files("#id_upload", str(scan))
    screenshot(page, "document-add")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/documents/*/")
    doc = Document.objects.get(title="入伙登记表")
    assert doc.file_sha256 and "入伙" not in doc.file.name
    document_for(dossier, code="id_copy", actor=front)

    # 2. the archivist files both into the dossier's box
    target = box(dossier=dossier)
    other = browser.new_context(viewport={"width": 1366, "height": 860})
    archive_page = other.new_page()
    archive_page.on("dialog", lambda dialog: dialog.accept())
    archive_page.base_url = live_server.url
    log_in(archive_page, archivist.username)
    archive_page.goto(f"{live_server.url}/documents/filing/?q={dossier.archive_number}")
    archive_page.select_option("#id_box", str(target.pk))
    for d in Document.objects.all():
        archive_page.check(f"#doc-{d.pk}")
    screenshot(archive_page, "filing")
    archive_page.click("main form[method=post] button[type=submit]")
    archive_page.wait_for_selector("[data-testid=box-contents]")
    assert f"{dossier.archive_number}-002" in archive_page.inner_text("[data-testid=box-contents]")
    screenshot(archive_page, "box")

    # 3. the service centre prepares and submits the half-yearly handover list
    centre = dossier.unit.building.estate.service_centre
    page.goto(f"{live_server.url}/documents/handovers/new/")
    page.select_option("#id_service_centre", str(centre.pk))
    page.fill("#id_period", "2026H2")
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_selector("[data-testid=handover-add]")
    page.click("[data-testid=handover-add]")
    page.fill("#id_archive_number", dossier.archive_number)
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_selector("[data-testid=handover-submit]")
    page.click("[data-testid=handover-submit]")
    page.wait_for_selector("[data-testid=handover-submit]", state="detached")
    handover = Handover.objects.get()
    assert handover.status == Handover.Status.SUBMITTED
    for item in handover.items.all():
        handovers.handover_check_item(item=item, result="accepted", note="", actor=archivist)
    handovers.handover_mark_checked(handover=handover, actor=archivist)

    # 4. both sides sign by re-entering their passwords
    for who, side in ((page, "centre"), (archive_page, "archive")):
        who.goto(f"{live_server.url}/documents/handovers/{handover.pk}/sign/{side}/")
        who.fill("#id_password", PASSWORD)
        who.click("main form button[type=submit]")
        who.wait_for_selector("[data-testid=handover-status]")
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED
    assert set(Document.objects.values_list("custody", flat=True)) == {"archive"}
    archive_page.reload()
    screenshot(archive_page, "handover-completed")
    other.close()
