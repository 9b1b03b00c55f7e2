import pytest

from .factories import front_desk


@pytest.fixture
def desk(client):
    """A front-desk clerk, logged in."""
    user = front_desk()
    client.force_login(user)
    return user
