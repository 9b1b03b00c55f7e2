"""An app above the floors extends them through their registries alone (docs/ARCHITECTURE.md).

``tests/registry_app`` registers a timeline kind, a role permission (a duty, so the
administrator does not get it) and a dossier panel from its own ``apps.py`` and ``roles.py``;
core, customers, records and documents name it nowhere. Its checks run in a process of their own
with ``tests.registry_app.settings`` (the app must not join every other test's registries), on
the embedded SQLite database so as not to touch the test database this run is using.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ("core", "customers", "records", "documents")


def test_an_app_registers_a_timeline_kind_a_role_permission_and_a_panel():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds=tests.registry_app.settings",
            "tests/registry_app/registered_checks.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "3 passed" in run.stdout


def test_no_floor_names_the_registry_app():
    for floor in FLOORS:
        for path in (ROOT / floor).rglob("*.py"):
            assert "registry_app" not in path.read_text(encoding="utf-8"), path
