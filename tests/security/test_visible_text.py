"""No internals on screen: every page of the security matrix, opened by each kind of user in
Chinese and in English, shows what a person reads — never a permission's codename
(``documents.file_document``), never a rule number (R42: those stay in code and docs), never
Django's empty choice ``---------``, and, in English, no Chinese of the interface's own (what
the database holds is data and may be Chinese). No page answers with a server error.

The printed registers (PDF) and spreadsheets are the company's Chinese forms (移交清单,
销毁清册 …) whatever the reader's language: they are read for codenames, rule numbers and
dashes, and only the pages for Chinese."""

import io
import re

import lxml.html
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from .matrix import EVERY_USER, EXPECTATIONS

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")

RULE_NUMBER = re.compile(r"\bR\d{1,2}\b")
CODENAME = re.compile(r"\b[a-z_]+\.[a-z_]+_[a-z_]+\b")
DASHES = "---------"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
# what a user sees of an element besides its text
SEEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm")
BUTTON_INPUTS = ("submit", "button", "reset")


@pytest.fixture
def role_users(world_users):
    """The module's users and objects (conftest.matrix_world): made once, each test in a
    savepoint of the module's transaction."""
    return world_users


@pytest.fixture
def matrix_objects(world_objects, role_users):
    """The world's objects, with what the access log and the dashboard name on record: a
    refusal of a permission and of a role, an object the person could not see, and a change of
    someone's roles."""
    from core.models import AccessLog
    from core.permissions import record_refusal
    from core.services import log_access

    front_desk, dossier = role_users["front_desk"], world_objects["open"]["dossier"]
    record_refusal(front_desk, "documents.file_document", dossier)
    record_refusal(front_desk, "role:manager,archivist")
    record_refusal(front_desk, "view customers.Dossier")
    log_access(
        role_users["admin"],
        role_users["witness"],
        AccessLog.Action.ACCOUNT,
        detail="roles: front_desk -> manager,witness",
    )
    return world_objects


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_text(content: bytes, content_type: str = "text/html") -> str:
    """What a reader sees of a response: an HTML page without its scripts and styles, its
    text and the attributes shown to the user (a button's value, a title, a placeholder …);
    the text of a PDF; a CSV as it is. An element in another language of its own
    (``lang="zh-hans"`` on the language switch's 简体中文) is the reader's choice, not the
    interface's, and is left out."""
    if content_type.startswith("application/pdf"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError, PdfStreamError

        try:
            reader = PdfReader(io.BytesIO(content))
        except (PdfReadError, PdfStreamError):  # an uploaded file, sent as it is
            return ""
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if content_type.startswith(XLSX):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if not content_type.startswith(("text/", "application/json")):
        return ""  # an uploaded file, sent as it was stored
    text = content.decode("utf-8", errors="replace")
    if not content_type.startswith("text/html") or not text.strip():
        return text
    root = lxml.html.document_fromstring(text)
    for element in root.xpath("//script|//style|//template|//*[@lang and not(self::html)]"):
        element.drop_tree()
    seen = [root.text_content()]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        seen.extend(element.get(name) for name in SEEN_ATTRIBUTES if element.get(name))
        if element.tag == "input" and element.get("type", "text") in BUTTON_INPUTS:
            seen.append(element.get("value", ""))
        if element.tag == "button" and element.get("value"):
            seen.append(element.get("value"))
    return "\n".join(seen)


def data_strings():
    """Every string value stored in the database now: a customer's name, a category's title,
    a timeline line — data, which may be Chinese whatever the reader's language; and the
    company's name, configured."""
    values = {settings.ARCHIVE_COMPANY_NAME}
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not names:
            continue
        for row in model._default_manager.values_list(*names):
            for value in row:
                _collect(value, values)
    return {v for v in values if v}


def _collect(value, into):
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, into)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, into)


def permission_names():
    from django.contrib.auth.models import Permission

    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }


def findings(text, *, language, data, permissions, page=True):
    """What a reader should not see in ``text``."""
    found = set()
    for value in sorted(data, key=len, reverse=True):  # data is the archive's, as it was typed
        if len(value) > 1 and value in text:
            text = text.replace(value, " ")
    found.update(f"codename {m}" for m in CODENAME.findall(text) if m in permissions)
    found.update(f"rule number {m}" for m in RULE_NUMBER.findall(text))
    if DASHES in text:
        found.add("empty choice ---------")
    if language == "en" and page:
        blob = "\n".join(data)
        # a run of Chinese that is part of a stored value is data shown shortened or masked
        # (张*, an address cut short); anything else is the interface's own
        found.update(
            f"Chinese {run}"
            for run in CJK.findall(text)
            if not _is_punctuation(run) and run not in blob
        )
    return found


def _is_punctuation(run):
    return all("\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" for c in run)


def test_the_check_sees_what_a_reader_would():
    page = (
        b"<html><head><title>t</title><style>.R1{}</style></head><body>"
        b'<script>var x = "R12 ---------";</script>'
        b'<select><option value="">---------</option></select>'
        b'<p title="needs documents.file_document">Filed (R15)</p>'
        b'<input type="submit" value="\xe4\xbf\x9d\xe5\xad\x98">'
        b'<select><option lang="zh-hans">\xe7\xae\x80\xe4\xbd\x93\xe4\xb8\xad\xe6\x96\x87</option>'
        b"</select><p>\xe5\xbc\xa0\xe5\xb0\x8f\xe6\x98\x8e R2D2 CR12</p></body></html>"
    )
    text = visible_text(page)
    assert "var x" not in text and ".R1" not in text and "简体中文" not in text
    found = findings(text, language="en", data={"张小明"}, permissions={"documents.file_document"})
    assert found == {
        "empty choice ---------",
        "codename documents.file_document",
        "rule number R15",
        "Chinese 保存",
    }
    assert findings(text, language="zh-hans", data=set(), permissions=set()) == {
        "empty choice ---------",
        "rule number R15",
    }


PAGES = sorted(name for name, expect in EXPECTATIONS.items() if expect.method == "get")


def _visitors(expect):
    """Who opens the page: everyone whose answer is the page itself (a 200); of those refused
    (a 403, a 404), one per answer — the refusal's page is the same for each of them, and the
    menu of every role is read on the pages it may open. Not those sent to the log-in page, nor
    a "POST only"."""
    visitors, refused = [], set()
    for who in EVERY_USER:
        outcome = expect.outcome(who)
        if not isinstance(outcome, int) or outcome in (302, 405):
            continue
        if outcome == 200:
            visitors.append(who)
        elif outcome not in refused:
            refused.add(outcome)
            visitors.append(who)
    return visitors


@pytest.mark.parametrize("name", PAGES)
def test_no_page_shows_internals_in_either_language(name, client, role_users, matrix_objects):
    expect = EXPECTATIONS[name]
    made, seen = {}, []
    for who in _visitors(expect):
        which = "confidential" if who in ("ungranted", "granted") else "open"
        if which not in made:  # the objects of a URL are made once per dossier
            made[which] = expect.kwargs(matrix_objects[which]) if expect.kwargs else {}
        url = reverse(name, kwargs=made[which])
        client.logout()
        if who != "anonymous":
            client.force_login(role_users[who])
        for language in LANGUAGES:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(url)
            assert response.status_code < 500, (name, who, language, response.status_code)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            kind = response.get("Content-Type", "")
            seen.append((who, language, kind.startswith("text/html"), visible_text(content, kind)))
    data, permissions = data_strings(), permission_names()
    problems = {}
    for who, language, page, text in seen:
        found_here = findings(
            text, language=language, data=data, permissions=permissions, page=page
        )
        for found in found_here:
            problems.setdefault(found, []).append(f"{who}/{language}")
    assert not problems, f"{name}: " + "; ".join(
        f"{what} ({', '.join(sorted(set(where)))})" for what, where in sorted(problems.items())
    )
