import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _services_speak_english():
    """Messages are asserted in their English source text."""
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
    """The pages are read in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
