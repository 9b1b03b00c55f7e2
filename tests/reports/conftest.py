import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _services_speak_english():
    """The services' refusals and messages are asserted in their English source text; pages
    are still rendered in the language each request asks for."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    """The pages of these tests are read in English (see tests/destruction/conftest.py)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
