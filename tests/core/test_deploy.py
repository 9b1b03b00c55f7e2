"""The deployment surface: production settings, /healthz, Celery, docker-compose."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.db import connections
from django.urls import reverse

from archive_project.celery import app as celery_app
from core.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x9Qa7mZ2pL5vR8tW1yB4nC6dF0gH3jK" * 2,
    "ALLOWED_HOSTS": "archive.example.com",
    "DATABASE_URL": "postgres://archive:secret@db.example.com:5432/archive",
    "REDIS_URL": "redis://cache.example.com:6379/0",
}


def run_manage(*args, env_overrides, drop=()):
    drop = {*drop, "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for the browser tests only
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_check_deploy_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_secret_key():
    env = dict(PRODUCTION_ENV)
    env.pop("SECRET_KEY")
    result = run_manage("check", env_overrides=env, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_demo_users_are_refused_in_production_mode():
    result = run_manage("create_demo_users", env_overrides=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Refused" in result.stderr


@pytest.mark.django_db
def test_demo_users_one_per_role(settings):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from core.management.commands.create_demo_users import DEMO_PASSWORD
    from core.roles import Role, roles_of

    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")  # again: nothing doubles
    users = get_user_model().objects.filter(is_superuser=False)
    assert users.count() == len(Role)
    assert {tuple(roles_of(u)) for u in users} == {(r,) for r in Role}
    assert all(u.check_password(DEMO_PASSWORD) for u in users)


# --- /healthz ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_healthz_answers_200_with_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] in ("ok", "in-process")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    # Point new connections at a database that is not there; the probe really connects.
    db = connections.settings["default"]
    if db["ENGINE"].endswith("sqlite3"):
        monkeypatch.setitem(db, "NAME", "/nonexistent-dir/archive.sqlite3")
    else:
        monkeypatch.setitem(db, "PORT", "1")
        monkeypatch.setitem(db, "HOST", "127.0.0.1")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "OperationalError"


# --- Celery -----------------------------------------------------------------------------
def test_ping_runs_in_process_without_a_broker():
    assert celery_app.conf.task_always_eager
    assert ping.delay().get(timeout=5) == "pong"


@pytest.fixture
def celery_worker_process(tmp_path):
    """A real worker process on a queue of its own, started and stopped by the test."""
    from .broker_support import start_worker, stop_worker

    queue = f"test-{os.getpid()}-{tmp_path.name}"
    proc = start_worker(queue)
    try:
        yield queue
    finally:
        stop_worker(proc)


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_ping_goes_through_redis_to_a_real_worker(celery_worker_process):
    celery_app.conf.task_always_eager = False
    result = ping.apply_async(queue=celery_worker_process)
    assert result.get(timeout=60) == "pong"
    assert result.successful()


# --- docker-compose ---------------------------------------------------------------------
def _settings_env_names():
    source = (ROOT / "archive_project" / "settings.py").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()  # the web process's own variables
    return names | set(re.findall(r'(?:environ\.get|_int)\(\s*"([A-Z_]+)"', gunicorn))


def test_compose_runs_the_production_stack_with_known_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "DatabaseScheduler" in " ".join(services["beat"]["command"])
    known = _settings_env_names()
    for name in ("web", "worker", "beat"):
        environment = services[name].get("environment") or {}
        anchors = set(environment)
        assert anchors, name
        assert anchors <= known, (name, anchors - known)
        for required in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"):
            assert required in anchors, (name, required)
    assert "media" in compose["volumes"] and "backups" in compose["volumes"]
    web_volumes = " ".join(services["web"]["volumes"])
    assert "media:" in web_volumes and "backups:" in web_volumes


def test_web_runs_gunicorn_with_its_settings_file():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "gunicorn -c gunicorn.conf.py " in " ".join(compose["services"]["web"]["command"])
    assert '"gunicorn", "-c", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    settings = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), settings)  # noqa: S102 - our own file
    assert settings["worker_class"] == "sync"
    assert settings["workers"] >= 2
    assert settings["bind"] == "0.0.0.0:8000"
    assert 0 < settings["max_requests_jitter"] < settings["max_requests"]
    assert settings["preload_app"] is True


def test_loading_the_app_opens_no_connection_a_forked_worker_would_share():
    """gunicorn's master loads the app before it forks the workers (preload_app): a database
    connection or a broker client opened at import would be shared by every worker."""
    code = (
        "import archive_project.wsgi\n"
        "from django.db import connections\n"
        "from django.urls import resolve\n"
        "resolve('/')\n"
        "print([alias for alias in connections if connections[alias].connection is not None])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "[]"


def test_production_keeps_database_connections_and_checks_them():
    """Without CONN_MAX_AGE every request opened a PostgreSQL connection (docs/PERFORMANCE.md)."""
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True"]
    laptop = run_manage(
        "shell", "--no-imports", "-c", code, env_overrides={"DEBUG": "1"}, drop=("CONN_MAX_AGE",)
    )
    assert laptop.stdout.split() == ["0", "True"]


def test_readme_configuration_table_names_every_setting():
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in _settings_env_names() if f"`{name}`" not in readme}
    assert not missing, missing


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL")
@pytest.mark.django_db
def test_postgres_connections_run_without_jit():
    """The list pages' plans were compiled for up to 0.8 s when JIT was on (bench/README.md)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_bench_hello_url_exists_only_when_bench_hello_is_set():
    """bench/run's baseline (bench/README.md): no such URL in production."""
    code = (
        "from django.urls import resolve, Resolver404\n"
        "try:\n    print(resolve('/bench/hello').url_name)\n"
        "except Resolver404:\n    print('none')"
    )
    production = run_manage("shell", "--no-imports", "-c", code, env_overrides=PRODUCTION_ENV)
    assert production.returncode == 0, production.stderr
    assert production.stdout.split() == ["none"]
    bench = run_manage(
        "shell", "--no-imports", "-c", code, env_overrides={**PRODUCTION_ENV, "BENCH_HELLO": "1"}
    )
    assert bench.returncode == 0, bench.stderr
    assert bench.stdout.split() == ["bench_hello"]


def test_the_bench_hello_view_answers_hello(rf, django_user_model):
    from core.views import bench_hello

    request = rf.get("/bench/hello")
    request.user = django_user_model(username="bench")
    response = bench_hello(request)
    assert response.status_code == 200
    assert response.content == b"hello"
