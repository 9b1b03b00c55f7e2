import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _services_speak_english():
    """The services' refusals and messages are asserted in their English source text; pages
    are still rendered in the language each request asks for."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _folders_of_its_own(settings, tmp_path):
    """Each test keeps its stored files and its backups in folders of its own, unencrypted
    unless it says otherwise."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_ROOT = tmp_path / "backups"
    settings.BACKUP_AGE_RECIPIENTS = []
    settings.BACKUP_AGE_IDENTITY_FILE = ""


@pytest.fixture
def client(client, settings):
    """The pages of these tests are read in English (see tests/destruction/conftest.py)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
