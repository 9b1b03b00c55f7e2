"""The project's settings plus the registry app (tests/core/test_registries.py)."""

from archive_project.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.registry_app"]  # noqa: F405
