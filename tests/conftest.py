import os
import shutil
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings

from archive_project.celery import app as celery_app
from core.roles import Role

from .factories import UserFactory, user_with_role

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "var" / "screens"


@pytest.fixture(autouse=True, scope="session")
def _verify_compiled_queries():
    """Every reuse of a compiled list (core.compiled) is compiled again and compared: a key
    that misses an input of its SQL fails the test that changes that input."""
    django_settings.COMPILED_QUERIES_VERIFY = True
    yield
    django_settings.COMPILED_QUERIES_VERIFY = False


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in-process in unit tests; tests marked ``redis`` use the real broker."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    from celery._state import _set_task_join_will_block, task_join_will_block

    before = celery_app.conf.task_always_eager
    joins = task_join_will_block()
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
    # An eager task sets Celery's process-wide "inside a task" flag and puts the old value back
    # when it ends; two eager tasks ending in two threads at once (a race test's moves each
    # sending their e-mails) can put back the other's "inside", and every later .get() in
    # this process would refuse. Each test leaves the flag as it found it.
    _set_task_join_will_block(joins)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a test client's request leaves the language
    it answered in active in the thread (LocaleMiddleware), which would leak into the next
    test's ``gettext`` and choice labels."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _backups_of_its_own(settings, tmp_path):
    """A backup a test makes (R44: before a destruction, a bulk import) goes to a folder of
    its own, never into var/."""
    settings.BACKUP_ROOT = tmp_path / "backups"


@pytest.fixture
def fresh_backup(db):
    """A good backup made now, restore drill passed (R44): what a bulk import needs first."""
    from reports.backups.models import Backup
    from reports.backups.services import backup_make

    backup = backup_make(reason=Backup.Reason.BEFORE_IMPORT)
    assert backup.drill_status == Backup.Drill.PASSED, backup.error or backup.drill_result
    return backup


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """The clock stopped where ``@pytest.mark.frozen_at(moment, tick=False)`` says.

    The marker may sit on a module (``pytestmark``), a class or a test; the closest one wins.
    ``moment`` is handed to ``time_machine.travel`` as it is: give it a timezone (a naive
    datetime is taken as UTC, not as Asia/Shanghai). Without the marker the clock runs and the
    fixture yields None; with it, the traveller (``frozen_clock.shift(...)``).
    """
    marker = request.node.get_closest_marker("frozen_at")
    if marker is None:
        yield None
        return
    with time_machine.travel(*marker.args, tick=marker.kwargs.get("tick", False)) as traveller:
        yield traveller


@pytest.fixture
def role_users(db):
    return make_role_users()


def make_role_users():
    """One active user per role, plus one logged-in user without any role."""
    users = {role: user_with_role(role) for role in Role}
    users["norole"] = UserFactory(username="norole")
    return users


@pytest.fixture
def front_desk(db):
    return user_with_role(Role.FRONT_DESK)


@pytest.fixture
def manager(db):
    return user_with_role(Role.MANAGER)


@pytest.fixture
def archivist(db):
    return user_with_role(Role.ARCHIVIST)


# --- browser journeys -------------------------------------------------------------------
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_path():
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1366, "height": 860}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def pytest_configure(config):
    from django.conf import settings

    config.addinivalue_line(
        "markers", "frozen_at(moment, tick=False): the clock stopped at moment (frozen_clock)"
    )

    # Hashing a password properly takes a tenth of a second; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
