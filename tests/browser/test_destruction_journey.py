"""A destruction's whole life in a real browser (R33–R37): the archive room opens a batch from
the documents due for appraisal, decides and submits it; a manager approves; the archive-room
head plans it with two witnesses and destroys the items, each witness typing their password;
the batch is completed (Celery runs in-process) and its files are gone."""

import pathlib

import pytest
from django.contrib.auth.models import Permission

from core.roles import Role
from destruction.models import Batch, BatchItem
from documents.models import Document

from ..destruction.factories import due_documents, policy
from ..factories import PASSWORD, user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = pathlib.Path("/tmp/shots")  # noqa: S108 - screenshots looked at after the walk


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"destruction_{name}.png"), full_page=True)


def _as(browser, live_server, user):
    context = browser.new_context(
        viewport={"width": 1366, "height": 860}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.base_url = live_server.url
    log_in(page, user.username)
    return page


def test_a_batch_from_the_due_list_to_its_destruction__R33__R36__R37(browser, live_server):
    docs = due_documents(2)
    policy(customer_files_permanent=False, waiting_days=0)
    head = user_with_role(Role.ARCHIVIST, last_name="张", first_name="静")
    head.user_permissions.add(
        Permission.objects.get(content_type__app_label="destruction", codename="execute_batch")
    )
    manager = user_with_role(Role.MANAGER, last_name="李", first_name="建国")
    one = user_with_role(Role.WITNESS, last_name="王", first_name="芳")
    two = user_with_role(Role.WITNESS, last_name="赵", first_name="磊")

    # 1. the archive room ticks the documents due and opens a batch
    page = _as(browser, live_server, head)
    page.goto(f"{live_server.url}/destruction/")
    for d in docs:
        page.check(f"#due-{d.pk}")
    page.fill("[name=title]", "2026年度到期档案鉴定")
    page.fill("[name=members_note]", "工程部王工")
    _shot(page, "1_due_list")
    page.click("[data-testid=batch-open]")
    page.wait_for_selector("[data-testid=batch-number]")
    batch = Batch.objects.get()
    assert batch.items.count() == 2

    # 2. each item is decided: destroy; then the batch is submitted
    for item in batch.items.order_by("pk"):
        page.select_option(f"[data-testid=decide-choice-{item.pk}]", "destroy")
        with page.expect_navigation():
            page.click(f"[data-testid=decide-{item.pk}]")
    assert set(batch.items.values_list("decision", flat=True)) == {"destroy"}
    _shot(page, "2_decided")
    page.click("[data-testid=move-submit]")
    page.wait_for_selector("[data-testid=move-submit]", state="detached")
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SUBMITTED

    # 3. the manager approves it from the queue
    boss = _as(browser, live_server, manager)
    boss.goto(f"{live_server.url}/destruction/approvals/")
    assert batch.number in boss.inner_text("main")
    boss.click(f"[data-testid=batch-row-{batch.pk}] a")
    boss.fill("[name=approve-note]", "同意销毁")
    _shot(boss, "3_approve")
    boss.click("[data-testid=move-approve]")
    boss.wait_for_selector("[data-testid=move-approve]", state="detached")
    batch.refresh_from_db()
    assert batch.status == Batch.Status.APPROVED and batch.approved_by == manager

    # 4. the head plans it with two witnesses (the waiting period is 0 days here)
    page.goto(f"{live_server.url}/destruction/batches/{batch.pk}/")
    page.fill("[name=schedule-planned_on]", "2026-06-10")
    page.select_option("[name=schedule-method]", "shred")
    page.fill("[name=schedule-place]", "公司档案室")
    page.check(f"[name=schedule-witnesses][value='{one.pk}']")
    page.check(f"[name=schedule-witnesses][value='{two.pk}']")
    _shot(page, "4_plan")
    page.click("[data-testid=move-schedule]")
    page.wait_for_selector(f"[data-testid=witness-{two.pk}]")
    batch.refresh_from_db()
    assert batch.planned_on and batch.witnesses.count() == 2

    # 5. a wrong password is shown beside its witness; then both type theirs
    page.fill(f"[name=execute-password_{one.pk}]", PASSWORD)
    page.fill(f"[name=execute-password_{two.pk}]", "wrong-password")
    page.click("[data-testid=move-execute]")
    page.wait_for_selector("[data-testid=refusal]")
    assert "赵" in page.inner_text("[data-testid=batch-execute]")
    _shot(page, "5_wrong_password")
    page.fill(f"[name=execute-password_{one.pk}]", PASSWORD)
    page.fill(f"[name=execute-password_{two.pk}]", PASSWORD)
    page.click("[data-testid=move-execute]")
    page.wait_for_selector("[data-testid=register-sha256]")
    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED
    assert batch.get_status_display() in page.inner_text("[data-testid=batch-status]")
    assert BatchItem.objects.filter(batch=batch, state="destroyed").count() == 2
    assert set(
        Document.objects.filter(pk__in=[d.pk for d in docs]).values_list("status", flat=True)
    ) == {"destroyed"}
    _shot(page, "6_completed")
