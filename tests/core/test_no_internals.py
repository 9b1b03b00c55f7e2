"""What a reader sees instead of the code's own words: a permission's name for its codename
(core.permissions.describe), "Please choose" for Django's dashes (core.renderers), the names of
secrecy levels, the visit's method."""

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from core.models import AccessLog
from core.permissions import describe, record_refusal
from core.roles import Role, refresh_permission_names
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("detail", "english"),
    [
        ("documents.file_document", "Can file documents into boxes"),
        ("core.view_accesslog", "Can view access log entry"),
        ("customers.add_dossier", "Can add dossier"),
        ("records.approve_deposit (own request)", "Can approve refunding or forfeiting a deposit"),
        ("role:manager,archivist", "Needs the role Manager, Archivist"),
        ("view customers.Dossier", "View dossier"),
        ("roles: front_desk -> manager,witness", "Roles: Front desk → Manager, Witness"),
        ("roles: - -> witness", "Roles: — → Witness"),
        ("changed: is_active", "Changed: active"),
    ],
)
def test_a_stored_detail_reads_as_what_was_tried(detail, english):
    with translation.override("en"):
        described = describe(detail)
    assert english in described
    assert "_" not in described.replace("(own request)", "")  # no codename, no role code


def test_a_detail_without_a_codename_stays_as_written():
    assert describe("loan register") == "loan register"
    assert describe("witness destruction: wrong password (li)") == (
        "witness destruction: wrong password (li)"
    )
    assert describe("") == ""
    assert describe("nothing.like_a_permission") == "nothing.like_a_permission"


def test_a_permission_is_named_in_the_reader_s_language():
    with translation.override("zh-hans"):
        chinese = describe("customers.view_dossier")
    with translation.override("en"):
        english = describe("customers.view_dossier")
    assert english == "Can view dossier"
    assert "档案" in chinese  # the model's verbose name, translated


def test_the_access_log_and_the_dashboard_name_what_was_refused(client):
    front_desk, manager = user_with_role(Role.FRONT_DESK), user_with_role(Role.MANAGER)
    record_refusal(front_desk, "documents.file_document")
    record_refusal(front_desk, "role:archivist")
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    for url in (reverse("core:access_log"), reverse("core:home")):
        text = client.get(url).content.decode()
        assert "documents.file_document" not in text, url
        assert "role:archivist" not in text, url
    text = client.get(reverse("core:access_log")).content.decode()
    assert "Can file documents into boxes" in text
    assert "Needs the role Archivist" in text


def test_the_admin_lists_the_access_log_with_what_was_tried(client):
    admin = user_with_role(Role.ADMIN)
    record_refusal(user_with_role(Role.FRONT_DESK), "documents.file_document")
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    text = client.get(reverse("admin:core_accesslog_changelist")).content.decode()
    assert "Can file documents into boxes" in text
    assert AccessLog.objects.filter(detail="documents.file_document").exists()


def test_a_declared_permission_s_stored_name_follows_the_code():
    from django.apps import apps

    stale = Permission.objects.get(codename="approve_batch")
    stale.name = "Can approve destruction batches (R33)"
    stale.save(update_fields=["name"])
    refresh_permission_names(apps.get_app_config("destruction"))
    stale.refresh_from_db()
    assert stale.name == "Can approve destruction batches"


# --- "Please choose" ----------------------------------------------------------------------
class _Form(forms.Form):
    level = forms.ChoiceField(choices=[("", "---------"), ("C", "C")])
    user = forms.ModelChoiceField(queryset=Permission.objects.none())


def _options(html):
    import lxml.html

    return [
        o.text_content().strip() for o in lxml.html.fromstring(f"<div>{html}</div>").iter("option")
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_select_asks_to_choose_instead_of_dashes(language):
    from core.filters import AccessLogFilter
    from documents.forms import DocumentForm

    with translation.override(language):
        please = str(translation.gettext("Please choose"))
        rendered = [
            str(_Form()["level"]),  # a plain ChoiceField with Django's blank choice
            str(_Form()["user"]),  # a ModelChoiceField's empty_label
            str(DocumentForm()["category"]),  # a model form's foreign key
            str(DocumentForm()["secrecy_level"]),  # a model field's choices (BLANK_CHOICE_DASH)
            str(AccessLogFilter({}).form["action"]),  # django-filter's empty_label
            str(AccessLogFilter({}).form["user"]),
        ]
    for html in rendered:
        options = _options(html)
        assert "---------" not in html
        assert options[0] == please, html[:200]


def test_the_admin_asks_to_choose_too(client):
    client.force_login(user_with_role(Role.ADMIN))
    client.cookies["django_language"] = "en"
    text = client.get(reverse("admin:core_user_changelist")).content.decode()
    assert 'name="action"' in text
    assert "---------" not in text  # the actions' select
    assert ">Please choose</option>" in text


# --- Labels -------------------------------------------------------------------------------
def test_the_visit_s_method_is_a_visit_method_not_a_payment_method():
    from records.models import Payment, Visit

    assert str(Visit._meta.get_field("method").verbose_name) != str(
        Payment._meta.get_field("method").verbose_name
    )
    with translation.override("en"):
        assert str(Visit._meta.get_field("method").verbose_name) == "visit method"


def test_the_dossier_list_names_the_secrecy_level(client):
    from tests.customers.factories import dossier_for

    dossier_for(secrecy="C")
    client.force_login(user_with_role(Role.MANAGER))
    client.cookies["django_language"] = "en"
    text = client.get(reverse("customers:dossier_list")).content.decode()
    assert "Level C (company internal)" in text
