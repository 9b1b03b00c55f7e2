"""The security matrix (see matrix.py): generated from the URLconf, so no page escapes it."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import EVERY_USER, EXPECTATIONS, LOGIN

# Django admin pages are checked by one rule of their own (below), not one entry each.
ADMIN_NAMESPACE = "admin"
STATIC_PREFIXES = ("static/", "media/")


def walk(patterns=None, prefix="", namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if entry.namespace and namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, route, entry


def our_urls():
    for name, route, _entry in walk():
        if route.startswith(STATIC_PREFIXES) or route.startswith(ADMIN_NAMESPACE + "/"):
            continue
        yield name, route


def admin_urls():
    for name, route, _entry in walk():
        if (
            (name or "").startswith(ADMIN_NAMESPACE + ":")
            and "<" not in route
            and "(?P" not in route
        ):
            yield name


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
def matrix_objects(role_users, settings, tmp_path):
    """One level-C dossier (asked of the roles) and one confidential dossier (asked of
    "ungranted" and "granted"), each with a section, a contact, a member, a change request and
    a document with a file; and one box."""
    settings.MEDIA_ROOT = tmp_path
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.roles import Role
    from customers import permissions, services
    from documents.models import Box, DocumentCategory, Room, Shelf
    from documents.services import document_record
    from tests.customers.factories import dossier_for, moved_in

    from ..factories import user_with_role

    room = Room.objects.create(code="A1", name="档案室一")
    shelf = Shelf.objects.create(room=room, number=1)
    box = Box.objects.create(shelf=shelf, number=1)

    def build(secrecy):
        dossier = dossier_for(secrecy=secrecy)
        occupancy = moved_in(dossier)
        customer = occupancy.customer
        actor = user_with_role(Role.FRONT_DESK)
        if dossier.is_confidential:  # services write only where the actor may see (R17)
            permissions.grant_dossier(actor, dossier)
        contact = services.contact_add(
            customer=customer,
            data={"kind": "emergency", "name": "李娜", "mobile": "13912345678"},
            actor=actor,
        )
        member = services.household_member_add(
            customer=customer, data={"name": "张小明", "relation": "子"}, actor=actor
        )
        change = services.customer_update(
            customer=customer,
            data={"address": "新地址"},
            actor=actor,
            dossier=dossier,
            reason="业主来电更正",
        )
        return {
            "dossier": dossier,
            "occupancy": occupancy,
            "customer": customer,
            "contact": contact,
            "member": member,
            "change_request": change,
            "document": document_record(
                dossier=dossier,
                data={
                    "category": DocumentCategory.objects.get(code="id_copy"),
                    "title": "身份证复印件",
                    "document_date": datetime.date(2024, 3, 1),
                    "pages": 1,
                    "copies": 1,
                },
                actor=actor,
                upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%matrix\n"),
            ),
            "box": box,
        }

    objects = {"open": build("C"), "confidential": build("B")}
    role_users["ungranted"] = user_with_role(Role.FRONT_DESK)
    role_users["granted"] = user_with_role(Role.FRONT_DESK)
    permissions.grant_dossier(role_users["granted"], objects["confidential"]["dossier"])
    return objects


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
