"""The security matrix (see matrix.py): generated from the URLconf, so no page escapes it."""

import re

import pytest
from django.urls import reverse

from .matrix import EVERY_USER, EXPECTATIONS, LOGIN
from .url_walk import STATIC_PREFIXES, admin_urls, our_urls, walk


def test_every_url_has_an_expectation():
    missing = sorted(
        {f"{name or '(unnamed)'} {route}" for name, route in our_urls() if name not in EXPECTATIONS}
    )
    assert not missing, "URLs without a security expectation: " + ", ".join(missing)
    assert not [route for _name, route, _e in walk() if route.startswith(STATIC_PREFIXES)]
    unknown = set(EXPECTATIONS) - {name for name, _route, _entry in walk()}
    assert not unknown, f"expectations for URLs that no longer exist: {unknown}"


def _outcome(response):
    if response.status_code in (301, 302):
        location = response.url
        if re.match(r"^/(accounts|admin)/login/", location):
            return LOGIN
    return response.status_code


def _client_for(who, client, role_users):
    if who != "anonymous":
        client.force_login(role_users[who])
    return client


CASES = [(name, who) for name in sorted(EXPECTATIONS) for who in EVERY_USER]


@pytest.fixture
def role_users(world_users):
    """The module's users and objects (conftest.matrix_world): made once, each test in a
    savepoint of the module's transaction."""
    return world_users


@pytest.fixture
def matrix_objects(world_objects):
    return world_objects


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "who"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_url_answers_each_user_as_expected(name, who, client, role_users, matrix_objects):
    expect = EXPECTATIONS[name]
    kwargs = {}
    if expect.kwargs:
        which = "confidential" if who in ("ungranted", "granted") else "open"
        kwargs = expect.kwargs(matrix_objects[which])
    url = reverse(name, kwargs=kwargs)
    client = _client_for(who, client, role_users)
    response = getattr(client, expect.method)(url)
    assert _outcome(response) == expect.outcome(who), (url, who, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(admin_urls())))
def test_admin_pages_need_staff(name, client, role_users):
    url = reverse(name)
    anonymous = client.get(url)
    if name in ("admin:login",):
        return
    assert _outcome(anonymous) in (LOGIN, 405), (name, anonymous.status_code)
    client.force_login(role_users["front_desk"])
    response = client.get(url)
    assert response.status_code in (302, 405), (name, response.status_code)
    if response.status_code == 302:  # ends on the admin's log-in page, never on content
        final = client.get(url, follow=True)
        assert final.redirect_chain[-1][0].startswith(reverse("admin:login")), name
    client.force_login(role_users["admin"])
    assert client.get(url).status_code < 500
