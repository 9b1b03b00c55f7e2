import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from core.roles import ROLE_PERMISSIONS, Role

from ..factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


def test_every_role_exists_as_a_group_with_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        codes = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for perm in ROLE_PERMISSIONS[role]:
            if perm.startswith("!"):
                assert perm[1:] not in codes, (role, perm)
            elif not perm.endswith(".*"):
                assert perm in codes, (role, perm)
    manager = Group.objects.get(name=Role.MANAGER)
    front = Group.objects.get(name=Role.FRONT_DESK)
    assert manager.permissions.filter(codename="view_accesslog").exists()
    assert not front.permissions.filter(codename="view_accesslog").exists()


def test_role_sync_is_idempotent():
    from django.apps import apps
    from django.core.management import call_command

    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    call_command("migrate", verbosity=0)  # post_migrate runs the sync again
    from core.roles import sync_role_permissions

    sync_role_permissions(apps.get_app_config("core"))
    after = {g.name: g.permissions.count() for g in Group.objects.all()}
    assert before == after
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_and_sees_its_home_page_in_chinese(client, role):
    user = user_with_role(role)
    response = login(client, user.username)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("core:home")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert f"你好，{user.get_full_name()}" in html
    with translation.override("zh-hans"):
        assert str(Role(role).label) in html  # the Chinese label, e.g. 档案管理员


def test_navigation_follows_the_role(client):
    front = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER)
    admin = user_with_role(Role.ADMIN)
    client.force_login(front)
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("core:access_log") not in html
    assert reverse("admin:index") not in html
    client.force_login(manager)
    assert reverse("core:access_log") in client.get(reverse("core:home")).content.decode()
    client.force_login(admin)
    assert reverse("admin:index") in client.get(reverse("core:home")).content.decode()


def test_wrong_password_says_so_and_keeps_the_username(client):
    user = user_with_role(Role.FRONT_DESK)
    response = login(client, user.username, "wrong")
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的" in html  # Django's own zh-hans message
    assert f'value="{user.username}"' in html


def test_axes_locks_account_and_address_after_five_failures(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    user = user_with_role(Role.FRONT_DESK)
    for _ in range(4):
        assert login(client, user.username, "wrong").status_code == 200
    fifth = login(client, user.username, "wrong")
    assert fifth.status_code == 429
    # Now even the right password is refused, with a clear message.
    locked = login(client, user.username)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "账户已锁定" in html
    assert "5 次" in html
    assert "_auth_user_id" not in client.session


def test_axes_lockout_is_per_account(client):
    locked = user_with_role(Role.FRONT_DESK)
    other = user_with_role(Role.MANAGER)
    for _ in range(5):
        login(client, locked.username, "wrong")
    assert login(client, other.username).redirect_chain[-1][0] == reverse("core:home")


def test_logout_is_a_post_and_ends_the_session(client):
    user = user_with_role(Role.ARCHIVIST)
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change(client):
    user = user_with_role(Role.ARCHIVIST)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Qiu-2026-danan", "new_password2": "x"},
    )
    assert response.status_code == 200
    assert "输入的两个密码不一致" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qiu-2026-danan",
            "new_password2": "Qiu-2026-danan",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Qiu-2026-danan")


def test_english_is_one_switch_away(client):
    user = user_with_role(Role.MANAGER)
    client.force_login(user)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("core:home")}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert f"Hello, {user.get_full_name()}" in html


def test_browser_language_does_not_override_chinese_default(client):
    client.force_login(user_with_role(Role.MANAGER))
    html = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert '<html lang="zh-hans">' in html.decode()


# --- demo logins outside DEBUG (README: "Demo users are refused when DEBUG is off") ----
def demo_refused_text():
    from core.forms import DemoRefusalMixin

    with translation.override("zh-hans"):  # the page is in Chinese
        return str(DemoRefusalMixin.demo_refused_message)


def _demo_user(username):
    from core.management.commands.create_demo_users import DEMO_PASSWORD

    user = user_with_role(Role.MANAGER, username=username)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user, DEMO_PASSWORD


@pytest.mark.parametrize("username", ["manager", "li.jianguo"])  # a DEMO_USERS name or not
def test_demo_password_is_refused_at_login_when_debug_is_off(client, settings, caplog, username):
    settings.DEBUG = False
    user, password = _demo_user(username)
    with caplog.at_level("WARNING", logger="archive.security"):
        response = login(client, user.username, password)
    assert response.status_code == 200
    assert response.redirect_chain == []
    assert "_auth_user_id" not in client.session
    assert demo_refused_text() in response.content.decode()
    assert any(
        r.name == "archive.security" and "demo" in r.getMessage() and username in r.getMessage()
        for r in caplog.records
    )


def test_demo_password_is_refused_at_the_admin_login_when_debug_is_off(client, settings):
    settings.DEBUG = False
    user, password = _demo_user("admin")
    user.is_staff = user.is_superuser = True
    user.save()
    response = client.post(
        reverse("admin:login"),
        {"username": "admin", "password": password, "next": reverse("admin:index")},
        follow=True,
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert demo_refused_text() in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_demo_password_is_refused_by_authenticate_itself_when_debug_is_off(settings, rf):
    from django.contrib.auth import authenticate

    settings.DEBUG = False
    user, password = _demo_user("frontdesk")
    request = rf.post("/somewhere-else/")  # any path that calls authenticate() (axes needs one)
    assert authenticate(request, username=user.username, password=password) is None
    settings.DEBUG = True
    assert authenticate(request, username=user.username, password=password) == user


def test_demo_login_works_when_debug_is_on(client, settings):
    settings.DEBUG = True
    user, password = _demo_user("manager")
    response = login(client, user.username, password)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_demo_password_attempts_still_count_towards_the_axes_lockout(client, settings):
    from axes.models import AccessAttempt

    settings.DEBUG = False
    user, password = _demo_user("manager")
    for _ in range(4):
        assert login(client, user.username, password).status_code == 200
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 4
    assert login(client, user.username, password).status_code == 429
    # locked now: even the real (non-demo) password of the account is refused
    user.set_password(PASSWORD)
    user.save()
    assert login(client, user.username).status_code == 429


def test_a_real_account_named_like_a_demo_user_logs_in_when_debug_is_off(client, settings):
    settings.DEBUG = False
    user = user_with_role(Role.ADMIN, username="admin")
    response = login(client, user.username)
    assert response.redirect_chain[-1][0] == reverse("core:home")


def test_the_demo_password_cannot_be_given_to_an_account(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from core.management.commands.create_demo_users import DEMO_PASSWORD

    settings.DEBUG = False
    with pytest.raises(ValidationError):
        validate_password(DEMO_PASSWORD, user_with_role(Role.MANAGER))
