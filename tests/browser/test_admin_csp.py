"""Django admin under our Content-Security-Policy (no 'unsafe-inline'), in a real browser.

One browser context, one log-in as a superuser, then the admin's main kinds of page (index,
change lists with filters and search, change forms with autocomplete widgets, history, the
import page, guardian's object permissions, celery-beat's periodic tasks, the user and
password pages). Every CSP violation the browser reports fails the test: the
``securitypolicyviolation`` events and the console's "Refused to ..." errors.
"""

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule

from core.roles import Role

from ..customers.factories import EstateFactory, UnitFactory, moved_in
from ..documents.factories import box, category, document_for
from ..factories import PASSWORD, UserFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script, in every frame: keeps each violation the page reports.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber,
                     (e.sample || "").slice(0, 80)].join(" | "));
});
"""


def _collect(page, console, url, problems):
    found = page.evaluate("window.__csp || []") + console
    for item in found:
        problems.append(f"{url}: {item}")
    console.clear()


def test_admin_pages_raise_no_csp_violation(
    page, live_server, screenshot, settings, tmp_path, fresh_backup
):
    settings.MEDIA_ROOT = tmp_path
    category()  # re-seeds the categories an earlier transactional test flushed
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    occupancy = moved_in()
    dossier = occupancy.dossier
    customer = occupancy.customer
    other = user_with_role(Role.FRONT_DESK)
    document = document_for(dossier)
    target_box = box(dossier=dossier)
    estate = EstateFactory()
    crontab = CrontabSchedule.objects.create(
        minute="0", hour="2", day_of_week="sun", timezone="Asia/Shanghai"
    )
    UnitFactory(  # a unit the import below updates: its preview shows a diff
        building__estate__code="CH", building__number="1", entrance="1", floor=12, room="1201"
    )
    units_csv = tmp_path / "units.csv"
    units_csv.write_text("小区编码,楼栋,单元,楼层,房号,用途,面积\nCH,1,1,12,1201,办公,89.5\n")

    console = []

    def on_console(message):
        text = message.text
        if message.type in ("error", "warning") and (
            "Content Security Policy" in text or "Refused to" in text
        ):
            console.append(f"console {message.type}: {text[:300]}")

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)

    base = live_server.url
    page.goto(base + reverse("admin:login"))
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + reverse("admin:index"))

    problems = []
    _collect(page, console, "admin:index", problems)

    def visit(name, url, then=None):
        page.goto(base + url)
        page.wait_for_load_state("load")
        if then:
            then()
        page.wait_for_timeout(150)  # violations are reported asynchronously
        _collect(page, console, name, problems)

    def open_autocomplete(selector):
        def then():
            assert page.locator(selector).count(), f"no autocomplete widget {selector}"
            page.click(selector)  # select2 builds its dropdown (and its styles) on opening
            page.wait_for_selector(".select2-results__option")
            page.keyboard.press("Escape")

        return then

    def toggle_filters():
        if page.locator("#changelist-filter").count():
            page.locator("#changelist-filter summary").first.click()

    visit("index", reverse("admin:index"))
    visit(
        "customer changelist",
        reverse("admin:customers_customer_changelist")
        + f"?q={customer.name}&kind__exact=individual",
        toggle_filters,
    )
    visit(
        "dossier changelist",
        reverse("admin:customers_dossier_changelist") + "?secrecy_level__exact=C&q=",
        toggle_filters,
    )
    visit(
        "estate add (autocomplete)",
        reverse("admin:customers_estate_add"),
        open_autocomplete("#id_service_centre + .select2"),
    )
    visit("dossier change", reverse("admin:customers_dossier_change", args=[dossier.pk]))
    visit("dossier history", reverse("admin:customers_dossier_history", args=[dossier.pk]))
    # the look the inline style gave now comes from static/css/admin.css
    border = "e => getComputedStyle(e).borderTopWidth"
    assert page.eval_on_selector("#change-history + .paginator", border) == "0px"

    def upload_units():
        page.select_option("#id_format", label="csv")
        page.set_input_files("#id_import_file", str(units_csv))
        page.click("input[type=submit]")
        page.wait_for_selector("table.import-preview")  # the preview with its diff
        background = "e => getComputedStyle(e).backgroundColor"
        assert page.eval_on_selector(".import-preview ins", background) == "rgb(230, 255, 230)"
        assert page.eval_on_selector(".import-preview del", background) == "rgb(255, 230, 230)"

    visit("unit import", reverse("admin:customers_unit_import"), upload_units)
    visit(
        "dossier object permissions",
        reverse("admin:customers_dossier_permissions", args=[dossier.pk]),
    )
    visit(
        "dossier object permissions of a user",
        reverse("admin:customers_dossier_permissions_manage_user", args=[dossier.pk, other.pk]),
    )
    visit("customer change", reverse("admin:customers_customer_change", args=[customer.pk]))
    visit("documents changelist", reverse("admin:documents_document_changelist"))
    visit("document change", reverse("admin:documents_document_change", args=[document.pk]))
    visit("box change", reverse("admin:documents_box_change", args=[target_box.pk]))
    visit("categories (editable list)", reverse("admin:documents_documentcategory_changelist"))
    visit("access log", reverse("admin:core_accesslog_changelist") + "?action__exact=view")
    visit("periodic tasks", reverse("admin:django_celery_beat_periodictask_changelist"))

    def crontab_in_words():
        page.select_option("#id_crontab", str(crontab.pk))
        help_text = page.inner_text(".field-crontab .help")
        assert "Translation:" in help_text, help_text  # static/js/admin_periodictask.js

    visit(
        "periodic task add",
        reverse("admin:django_celery_beat_periodictask_add"),
        crontab_in_words,
    )
    visit("user list", reverse("admin:core_user_changelist") + "?is_active__exact=1")
    visit("user change", reverse("admin:core_user_change", args=[other.pk]))
    visit("user password", reverse("admin:auth_user_password_change", args=[other.pk]))
    visit("user add", reverse("admin:core_user_add"))
    visit("group change", reverse("admin:auth_group_change", args=[other.groups.get().pk]))
    visit("own password", reverse("admin:password_change"))
    visit("estate delete", reverse("admin:customers_estate_delete", args=[estate.pk]))

    def delete_selected():
        page.check(f"input.action-select[value='{estate.pk}']")
        page.select_option("select[name=action]", "delete_selected")
        page.click("button[name=index]")
        page.wait_for_selector("input[name=post]", state="attached")

    visit("delete selected", reverse("admin:customers_estate_changelist"), delete_selected)
    screenshot(page, "admin-csp")

    assert not problems, "CSP violations in the admin:\n" + "\n".join(problems)


def test_without_inline_styles_drops_markup_styles_only():
    from django.template import Context, Template

    rendered = Template(
        "{% load admin_csp %}{% without_inline_styles %}"
        '<style type="text/css">p{}</style><p class="paginator" style="border-top: 0">'
        "<ins style='background:#e6ffe6;'>{{ typed }}</ins></p>{% endwithout_inline_styles %}"
    ).render(Context({"typed": '<b style="x">style="y"</b>'}))
    assert rendered == (
        '<p class="paginator"><ins>&lt;b style=&quot;x&quot;&gt;style=&quot;y&quot;&lt;/b&gt;'
        "</ins></p>"
    )
