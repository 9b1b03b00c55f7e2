"""Journeys in a real browser: a paper uploaded at the desk, filed into the dossier's box by
the archivist and found again by the front desk (R15, R31); a handover started from the list
of the centre's dossiers and signed by both sides with their passwords (R30)."""

import pytest
from django.utils.translation import ngettext

from core.roles import Role
from documents.models import Box, Document, Handover, Room, Shelf

from ..customers.factories import UnitFactory, dossier_for, moved_in
from ..documents.factories import category, document_for
from ..factories import PASSWORD, user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _second_window(browser, live_server, username):
    context = browser.new_context(
        viewport={"width": 1366, "height": 860}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.base_url = live_server.url
    log_in(page, username)
    return context, page


def test_uploaded_filed_and_found_from_the_front_desk__R15__R31(
    page, browser, live_server, screenshot
):
    category()  # re-seeds the categories an earlier transactional test flushed
    dossier = moved_in().dossier
    front = user_with_role(Role.FRONT_DESK)
    archivist = user_with_role(Role.ARCHIVIST)
    shelf = Shelf.objects.create(room=Room.objects.create(code="A1", name="公司档案室"), number=2)

    # 1. the front desk records the move-in form; the page says what happens next, and who
    log_in(page, front.username)
    page.goto(f"{live_server.url}/documents/dossiers/{dossier.pk}/add/")
    page.select_option("#id_category", label="入住资料（入伙表）")
    page.fill("#id_title", "入伙登记表")
    page.fill("#id_document_date", "2024-03-01")
    page.fill("#id_pages", "3")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=next-step]")
    assert "已通知档案管理员" in page.inner_text(
        "[data-testid=next-step]"
    )  # the archivists are told
    screenshot(page, "upload-next-step")
    document = Document.objects.get(title="入伙登记表")

    # 2. the archivist files it from the document: the dossier has no box yet, one is made
    #    from the filing page on a chosen shelf, and is then the box chosen
    context, archive = _second_window(browser, live_server, archivist.username)
    archive.goto(f"{live_server.url}/documents/{document.pk}/")
    archive.click("[data-testid=file-it]")
    archive.wait_for_selector("[data-testid=new-box]")
    assert archive.is_visible("[data-testid=no-box]")
    archive.select_option("#id_new-shelf", str(shelf.pk))
    screenshot(archive, "filing-no-box-yet")
    archive.click("[data-testid=new-box-submit]")
    archive.wait_for_url("**/filing/?q=*&box=*")
    made = Box.objects.get(shelf=shelf, dossier=dossier)
    assert archive.input_value("#id_box") == str(made.pk)
    assert archive.locator("#id_box option").count() == 2  # "choose a box" and the new box
    archive.check(f"#doc-{document.pk}")
    screenshot(archive, "filing-new-box-chosen")
    archive.click("[data-testid=file-submit]")
    archive.wait_for_selector("[data-testid=box-contents]")
    assert f"{dossier.archive_number}-001" in archive.inner_text("[data-testid=box-contents]")
    context.close()

    # 3. the front desk finds where the paper is
    page.goto(f"{live_server.url}/documents/storage/find/")
    page.fill("#where", dossier.archive_number)
    page.click("[data-testid=find-submit]")
    found = page.inner_text("[data-testid=found]")
    screenshot(page, "front-desk-finds-it")
    assert f"{dossier.archive_number}-001" in found
    assert str(made) in found and "公司档案室" in found and "入伙登记表" in found


def test_a_handover_started_from_the_list_and_signed_by_both_sides__R30(
    page, browser, live_server, screenshot
):
    category()
    page.on("dialog", lambda dialog: dialog.accept())
    front = user_with_role(Role.FRONT_DESK, last_name="李", first_name="丽")
    archivist = user_with_role(Role.ARCHIVIST, last_name="张", first_name="强")
    ready = moved_in().dossier
    document_for(ready, code="id_copy", actor=front)
    document_for(ready, code="move_in", actor=front)
    on_loan = moved_in(dossier_for(UnitFactory(building=ready.unit.building))).dossier
    document_for(on_loan, code="id_copy", actor=front)
    document_for(on_loan, code="move_in", actor=front)
    Document.objects.filter(dossier=on_loan).update(status=Document.Status.ON_LOAN)
    centre = ready.unit.building.estate.service_centre

    # 1. the service centre starts the handover from the list of its dossiers
    log_in(page, front.username)
    page.goto(f"{live_server.url}/documents/handovers/")
    page.click("[data-testid=handover-start]")
    page.wait_for_selector("[data-testid=start-rows]")
    page.select_option("#id_centre", str(centre.pk))
    page.wait_for_selector(f"[data-testid=start-row-{ready.archive_number}]")
    refusal = page.inner_text(f"[data-testid=start-row-{on_loan.archive_number}]")
    assert ngettext("%(n)d document is on loan", "%(n)d documents are on loan", 2) % {"n": 2} in (
        refusal
    )
    assert page.locator(f"#pick-{on_loan.pk}").count() == 0  # nothing to pick
    papers = page.inner_text(f"[data-testid=papers-{ready.archive_number}]")
    assert "身份证明复印件" in papers and "入住资料（入伙表）" in papers  # both ticked
    page.check(f"#pick-{ready.pk}")
    page.fill("#id_period", "2026H1")
    screenshot(page, "handover-start-list")
    page.click("[data-testid=start-submit]")
    page.wait_for_selector("[data-testid=handover-submit]")
    handover = Handover.objects.get()
    assert handover.items.count() == 2
    page.click("[data-testid=handover-submit]")
    page.wait_for_selector("[data-testid=handover-submit]", state="detached")

    # 2. the archive room checks every item on the page and finishes checking
    context, archive = _second_window(browser, live_server, archivist.username)
    archive.goto(f"{live_server.url}/documents/handovers/{handover.pk}/")
    for item in handover.items.all():
        archive.select_option(f"#result-{item.pk}", "accepted")
        with archive.expect_response(lambda r: "/check/" in r.url):
            archive.click(f"#handover-item-{item.pk} [data-testid=check-item]")
    archive.wait_for_selector("[data-testid=handover-checked]:not([disabled])")
    archive.click("[data-testid=handover-checked]")
    archive.wait_for_selector("[data-testid=sign-archive]")

    # 3. both sides sign by re-entering their passwords
    for who, side in ((page, "centre"), (archive, "archive")):
        who.goto(f"{live_server.url}/documents/handovers/{handover.pk}/")
        who.click(f"[data-testid=sign-{side}]")
        who.fill("#id_password", PASSWORD)
        who.click("main form button[type=submit]")
        who.wait_for_selector("[data-testid=handover-status]")
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED
    assert (handover.centre_signed_by, handover.archive_signed_by) == (front, archivist)
    assert set(Document.objects.filter(dossier=ready).values_list("custody", flat=True)) == {
        "archive"
    }
    progress = archive.inner_text("[data-testid=handover-progress]").splitlines()
    signed = [line for line in progress if "签字" in line]  # the two signature lines
    assert len(signed) == 2 and "李丽" in signed[0] and "张强" in signed[1]
    assert "已签字完成" in archive.inner_text("[data-testid=handover-status]")
    screenshot(archive, "handover-signed-by-both")
    context.close()
