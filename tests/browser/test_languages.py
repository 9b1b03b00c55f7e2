"""One language per reader, in a real browser: a line written while its writer read English is
read in Chinese, and in English once the reader switches the menu; dates follow the language."""

import datetime
import os

import pytest
from django.urls import reverse
from django.utils import translation

from core.lines import Line
from core.roles import Role
from core.services import notify
from customers import timeline
from customers.models import DossierEvent

from ..customers.factories import dossier_for, moved_in
from ..factories import user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LANG_SHOTS")  # also keep the screenshots there (a folder), if given


def test_a_reader_switches_language_and_the_lines_follow(page, screenshot):
    dossier = dossier_for()
    moved_in(dossier)
    manager = user_with_role(Role.MANAGER, username="reader")
    with translation.override("en"):  # the writer reads English
        timeline.record_event(
            dossier=dossier,
            kind=DossierEvent.Kind.CUSTOMER,
            title=Line("Move-in of %(customer)s verified", customer="张伟"),
            detail=Line("renewed until %(day)s", day=datetime.date(2026, 12, 2)),
        )
        notify(
            [manager], Line("Loan %(number)s %(decision)s.", number="J9", decision=Line("approved"))
        )
    log_in(page, "reader")
    page.goto(page.base_url + reverse("customers:dossier_detail", args=[dossier.pk]))
    body = page.locator("body")
    assert "张伟的入住已核实" in body.inner_text()
    assert "已续借至2026年12月2日" in body.inner_text()
    options = page.locator("#language-select option").all_inner_texts()
    assert options == ["简体中文", "English"]
    zh = screenshot(page, "lang-dossier-zh")

    page.select_option("#language-select", "en")  # the menu submits itself
    page.wait_for_load_state("load")
    page.locator("html[lang=en]").wait_for()
    text = page.locator("body").inner_text()
    assert "Move-in of 张伟 verified" in text and "renewed until 2 Dec 2026" in text
    assert "张伟的入住已核实" not in text
    assert page.locator("#language-select option").all_inner_texts() == ["简体中文", "English"]
    en = screenshot(page, "lang-dossier-en")

    page.goto(page.base_url + reverse("core:notifications"))
    assert "Loan J9 approved." in page.locator("body").inner_text()
    notes = screenshot(page, "lang-notifications-en")
    if SHOTS:
        import shutil

        for shot in (zh, en, notes):
            shutil.copy(shot, os.path.join(SHOTS, shot.name))
