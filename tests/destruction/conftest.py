import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _services_speak_english():
    """The services' refusals are asserted in their English source text; pages are still
    rendered in the language each request asks for (LocaleMiddleware)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_of_its_own(settings, tmp_path):
    """Each test stores (and destroys) its files in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(client, settings):
    """The pages of these tests are read in English (their texts are asserted in English);
    a test that reads the Chinese page sets the language cookie itself."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
