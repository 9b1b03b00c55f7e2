import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _services_speak_english():
    """The services' refusals are asserted in their English source text; pages are still
    rendered in the language each request asks for (LocaleMiddleware)."""
    with translation.override("en"):
        yield
