"""Product lines (core.lines): stored as msgid and parameters, said in the reader's language
whatever the writer's; the text column keeps the default language."""

import datetime
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from core import lines, workflow
from core.lines import Line, Parts, choice
from core.management.commands.makemessages import Command as MakeMessages
from core.models import Notification
from core.roles import Role
from core.services import notify
from customers import services, timeline
from customers.models import Contact, DossierEvent

from ..customers.factories import dossier_for, moved_in
from ..factories import user_with_role

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.date(2026, 12, 2)


def _in(language, func):
    with translation.override(language):
        return func()


# --- The value type ------------------------------------------------------------------------
def test_a_line_is_said_in_the_active_language():
    line = Line("Move-in of %(customer)s verified", customer="张伟")
    assert _in("zh-hans", line.render) == "张伟的入住已核实"
    assert _in("en", line.render) == "Move-in of 张伟 verified"
    assert _in("en", line.default_text) == "张伟的入住已核实"  # the text column's language
    assert line.as_json() == {"m": "Move-in of %(customer)s verified", "p": {"customer": "张伟"}}


def test_a_date_parameter_is_written_in_the_readers_format():
    data = Line("renewed until %(day)s", day=DAY).as_json()
    assert data == {"m": "renewed until %(day)s", "p": {"day": {"d": "2026-12-02"}}}
    assert _in("zh-hans", lambda: lines.render(data)) == "已续借至2026年12月2日"
    assert _in("en", lambda: lines.render(data)) == "renewed until 2 Dec 2026"


def test_a_moment_parameter_is_in_local_time_and_the_readers_format():
    moment = datetime.datetime(2026, 12, 2, 6, 5, tzinfo=datetime.UTC)  # 14:05 in Shanghai
    line = Line("the worker stopped (no sign of life since %(at)s)", at=moment)
    data = json.loads(json.dumps(line.as_json()))
    assert "2026年12月2日 14:05" in _in("zh-hans", lambda: lines.render(data))
    assert _in("en", lambda: lines.render(data)) == (
        "the worker stopped (no sign of life since 2 Dec 2026 14:05)"
    )


def test_a_nested_line_and_a_choice_label_are_translated_when_shown():
    contact = Contact(kind=Contact.Kind.EMERGENCY, name="李娜")
    line = Line(
        "Loan %(number)s %(decision)s.",
        number="JY2026-000001",
        decision=Line("approved"),
    )
    assert _in("zh-hans", line.render) == "借阅单JY2026-000001已批准。"
    assert _in("en", line.render) == "Loan JY2026-000001 approved."
    labelled = Line("Contact added: %(name)s (%(kind)s)", name="李娜", kind=choice(contact, "kind"))
    assert labelled.as_json()["p"]["kind"] == {"t": "Emergency contact"}
    assert _in("zh-hans", labelled.render) == "已添加联系人：李娜（紧急联系人）"
    assert _in("en", labelled.render) == "Contact added: 李娜 (Emergency contact)"
    # a TextChoices member is its label too, not its code
    member = Line("Contact added: %(name)s (%(kind)s)", name="李娜", kind=Contact.Kind.EMERGENCY)
    assert member.as_json() == labelled.as_json()


def test_numbers_lists_and_parts_keep_their_shape():
    data = Line("%(work)s (charged ¥%(cost)s)", work=3, cost=Decimal("12.50")).as_json()
    assert data["p"] == {"work": 3, "cost": {"n": "12.50"}}
    assert _in("en", lambda: lines.render(data)) == "3 (charged ¥12.50)"
    listed = Line("Customer data changed: %(fields)s", fields=["a", "b"]).as_json()
    assert listed["p"]["fields"] == {"l": ["a", "b"]}
    parts = Parts([Line("Letter number %(number)s", number="7"), "x"]).as_json()
    assert parts == {"l": [{"m": "Letter number %(number)s", "p": {"number": "7"}}, "x"], "s": ";"}
    assert "7" in _in("en", lambda: lines.render(parts)) and "x" in lines.render(parts)


def test_a_row_without_a_line_or_with_a_broken_one_shows_its_stored_text():
    assert lines.render(None, fallback="旧的一行") == "旧的一行"
    # a msgid whose parameters changed since the row was written
    assert lines.render({"m": "Loan %(number)s approved", "p": {}}, fallback="旧") == "旧"


def test_a_reason_in_a_text_column_is_rendered_and_a_typed_one_stays_as_typed():
    packed = lines.as_text(Line("Loan %(number)s %(decision)s.", number="J1", decision="x"), 100)
    assert packed.startswith('{"m":')
    assert _in("en", lambda: lines.from_text(packed)) == "Loan J1 x."
    assert _in("zh-hans", lambda: lines.from_text(packed)) == "借阅单J1x。"
    assert lines.from_text("材料不全") == "材料不全"
    assert lines.from_text('{"m": not json') == '{"m": not json'
    # too long for the column: the default language's text, cut
    long_line = Line("Loan %(number)s %(decision)s.", number="J" * 200, decision="x")
    assert lines.as_text(long_line, 100) == _in("zh-hans", long_line.render)[:100]


# --- Dates in one format per language -------------------------------------------------------
def test_dates_have_one_format_per_language():
    moment = datetime.datetime(2026, 12, 2, 14, 5)
    for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
        assert _in("zh-hans", lambda n=name: date_format(DAY, n)) == "2026年12月2日"
        assert _in("en", lambda n=name: date_format(DAY, n)) == "2 Dec 2026"
    for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
        assert _in("zh-hans", lambda n=name: date_format(moment, n)) == "2026年12月2日 14:05"
        assert _in("en", lambda n=name: date_format(moment, n)) == "2 Dec 2026 14:05"


def test_templates_use_the_languages_formats_not_their_own():
    ad_hoc = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for fmt in ('|date:"Y-m-d"', "|date:'Y-m-d'", '|date:"Y-m-d H:i"', '|date:"m/d/Y"'):
            if fmt in text:
                ad_hoc.append(f"{path.relative_to(ROOT)}: {fmt}")
    # the one 'Y-m-d' left is a link's query string, read by a form, not by a person
    assert ad_hoc == ["templates/records/asof/dossier_as_of.html: |date:'Y-m-d'"]


# --- Where the lines are written and shown --------------------------------------------------
@pytest.mark.django_db
def test_a_timeline_line_is_stored_as_msgid_and_text_in_the_default_language():
    dossier = dossier_for()
    section = moved_in(dossier)
    actor = user_with_role(Role.FRONT_DESK)
    with translation.override("en"):  # the writer reads English
        services.contact_add(
            customer=section.customer,
            data={"kind": "emergency", "name": "李娜", "mobile": "13912345678"},
            actor=actor,
        )
    event = DossierEvent.objects.get(dossier=dossier, kind=DossierEvent.Kind.CONTACT)
    assert event.title == "已添加联系人：李娜（紧急联系人）"  # the text column: zh-Hans
    assert event.title_line == {
        "m": "Contact added: %(name)s (%(kind)s)",
        "p": {"name": "李娜", "kind": {"t": "Emergency contact"}},
    }
    assert _in("zh-hans", lambda: event.display_title) == "已添加联系人：李娜（紧急联系人）"
    assert _in("en", lambda: event.display_title) == "Contact added: 李娜 (Emergency contact)"


@pytest.mark.django_db
def test_the_writers_language_does_not_matter_for_notifications():
    reader = user_with_role(Role.MANAGER)
    line = Line("Move-in of %(customer)s verified.", customer="张伟")
    with translation.override("en"):
        (en_written,) = notify([reader], line)
    with translation.override("zh-hans"):
        (zh_written,) = notify([reader], line)
    for note in Notification.objects.filter(pk__in=[en_written.pk, zh_written.pk]):
        assert note.message == "张伟的入住已核实。"
        assert note.message_line == {
            "m": "Move-in of %(customer)s verified.",
            "p": {"customer": "张伟"},
        }
        assert _in("en", lambda n=note: n.display_message) == "Move-in of 张伟 verified."
        assert _in("zh-hans", lambda n=note: n.display_message) == "张伟的入住已核实。"


@pytest.mark.django_db
def test_the_timeline_page_speaks_the_readers_language(client):
    dossier = dossier_for()
    moved_in(dossier)
    manager = user_with_role(Role.MANAGER)
    with translation.override("en"):
        timeline.record_event(
            dossier=dossier,
            kind=DossierEvent.Kind.CUSTOMER,
            title=Line("Move-in of %(customer)s verified", customer="张伟"),
            detail=Line("renewed until %(day)s", day=DAY),
        )
    DossierEvent.objects.create(
        dossier=dossier, kind=DossierEvent.Kind.CUSTOMER, occurred_on=DAY, title="旧记录一行"
    )
    client.force_login(manager)
    url = reverse("customers:dossier_detail", args=[dossier.pk])
    zh = client.get(url).content.decode()
    assert "张伟的入住已核实" in zh and "已续借至2026年12月2日" in zh
    assert "旧记录一行" in zh  # an old row: its stored text
    client.cookies["django_language"] = "en"
    en = client.get(url).content.decode()
    assert "Move-in of 张伟 verified" in en and "renewed until 2 Dec 2026" in en
    assert "张伟的入住已核实" not in en
    assert "旧记录一行" in en


@pytest.mark.django_db
def test_the_notification_list_speaks_the_readers_language(client):
    reader = user_with_role(Role.MANAGER)
    with translation.override("zh-hans"):
        notify(
            [reader], Line("Loan %(number)s %(decision)s.", number="J9", decision=Line("approved"))
        )
    Notification.objects.create(recipient=reader, message="旧通知一条")
    client.force_login(reader)
    zh = client.get(reverse("core:notifications")).content.decode()
    assert "借阅单J9已批准。" in zh and "旧通知一条" in zh
    client.cookies["django_language"] = "en"
    en = client.get(reverse("core:notifications")).content.decode()
    assert "Loan J9 approved." in en and "借阅单J9已批准" not in en and "旧通知一条" in en


@pytest.mark.django_db
def test_the_email_is_in_the_recipients_language_not_the_writers(
    django_capture_on_commit_callbacks,
):
    reader = user_with_role(Role.MANAGER, email="reader@example.com")
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        notify([reader], Line("renewed until %(day)s", day=DAY), "/loans/1/")
    (sent,) = mail.outbox
    # a person who never chose a language: the default one, whoever wrote it
    assert "已续借至2026年12月2日" in sent.subject
    assert sent.body.startswith("已续借至2026年12月2日")


@pytest.mark.django_db
def test_the_email_is_in_the_language_the_reader_chose_in_the_menu(
    client, django_capture_on_commit_callbacks
):
    reader = user_with_role(Role.MANAGER, email="reader@example.com")
    other = user_with_role(Role.MANAGER, email="other@example.com")
    client.force_login(reader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    reader.refresh_from_db()
    assert reader.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not offered
    reader.refresh_from_db()
    assert reader.language == "en"

    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        notify([reader, other], Line("renewed until %(day)s", day=DAY), "/loans/1/")

    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["reader@example.com"].body.startswith("renewed until 2 Dec 2026")
    assert by_address["other@example.com"].body.startswith("已续借至2026年12月2日")


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="en")
def test_the_email_follows_the_default_language():
    from core.tasks import send_notification_emails

    reader = user_with_role(Role.MANAGER, email="reader@example.com")
    note = Notification.objects.create(
        recipient=reader,
        message="已续借至2026年12月2日",
        message_line=Line("renewed until %(day)s", day=DAY).as_json(),
    )
    with translation.override("zh-hans"):
        send_notification_emails([note.pk])
    assert mail.outbox[0].body == "renewed until 2 Dec 2026"


@pytest.mark.django_db
def test_a_product_history_reason_is_shown_in_the_readers_language():
    dossier = dossier_for()
    actor = user_with_role(Role.MANAGER)
    workflow.save_with_history(
        dossier, actor=actor, reason=Line("Move-in of %(customer)s verified", customer="张伟")
    )
    reason = dossier.history.first().history_change_reason
    assert reason.startswith('{"m":')
    assert _in("en", lambda: lines.from_text(reason)) == "Move-in of 张伟 verified"
    assert _in("zh-hans", lambda: lines.from_text(reason)) == "张伟的入住已核实"


# --- The catalogue and the language menu -----------------------------------------------------
def test_makemessages_finds_the_msgids_of_lines(tmp_path):
    assert "--keyword=Line" in MakeMessages.xgettext_options
    source = tmp_path / "example.py"
    source.write_text('title = Line("Loan %(number)s approved", number=n)\n')
    found = subprocess.run(
        ["xgettext", "--language=Python", *MakeMessages.xgettext_options, "-o", "-", str(source)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert 'msgid "Loan %(number)s approved"' in found


def test_django_axes_strings_are_in_our_catalogue_sources():
    from core.third_party_strings import AXES_STRINGS

    assert "Account locked: too many login attempts. Please try again later." in AXES_STRINGS
    assert "access attempts" in AXES_STRINGS and "Failed Logins" in AXES_STRINGS


@pytest.mark.django_db
def test_the_language_menu_names_each_language_in_itself(client):
    client.force_login(user_with_role(Role.FRONT_DESK))
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        page = client.get(reverse("core:home")).content.decode()
        assert ">简体中文</option>" in page
        assert ">English</option>" in page
        assert "英语" not in page
