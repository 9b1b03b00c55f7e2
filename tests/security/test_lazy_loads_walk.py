"""Every page of ours that answers a GET, read by the first role the matrix lets in, with lazy
loads forbidden: no template reads a related object the view did not fetch
(docs/PERFORMANCE.md, "Query counts"). The lists are held at 10 and 100 rows in each app's
test_list_queries.py; this walk reaches the pages of one object too."""

import pytest
from django.urls import reverse

from ..lazy_loads import forbid_lazy_loads
from .matrix import EXPECTATIONS, ROLES

PAGES = sorted(
    name
    for name, expect in EXPECTATIONS.items()
    if expect.method == "get" and any(expect.outcome(role) == 200 for role in ROLES)
)


@pytest.fixture
def role_users(world_users):
    return world_users


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_the_page_loads_nothing_lazily(name, client, role_users, world_objects):
    expect = EXPECTATIONS[name]
    role = next(role for role in ROLES if expect.outcome(role) == 200)
    kwargs = expect.kwargs(world_objects["open"]) if expect.kwargs else {}
    client.force_login(role_users[role])
    with forbid_lazy_loads():
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, (name, role)
