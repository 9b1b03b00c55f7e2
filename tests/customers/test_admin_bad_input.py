"""Bad input in the admin gives a message, never a 500.

Django's autocomplete widget looks the selected value up to show its label, without checking
that it can be a key at all: ``?unit=abc`` on an add page, or ``unit=abc`` posted, answered
500 ("Field 'id' expected a number but got 'abc'") on every admin page with an autocomplete
field. The test walks every registered admin that has one, so a new admin is covered too."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.roles import Role
from tests.factories import UserFactory, user_with_role

from .factories import UnitFactory, dossier_for

pytestmark = pytest.mark.django_db

BAD_KEYS = ["abc", "1.5", "-", "1 OR 1=1", "99999999999999999999999999"]


def _autocomplete_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model_admin.autocomplete_fields
    ]


@pytest.fixture
def root(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    return client


def test_some_admins_have_autocomplete_fields():
    names = {model._meta.model_name for model, _admin in _autocomplete_admins()}
    assert {"dossier", "unit", "building", "estate"} <= names


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_add_pages_with_a_bad_autocomplete_value_show_the_form(root, bad):
    UnitFactory()  # something to choose from
    for model, model_admin in _autocomplete_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        before = model.objects.count()
        for field in model_admin.autocomplete_fields:
            page = root.get(url, {field: bad})
            assert page.status_code == 200, (url, field)
            posted = root.post(url, {field: bad})
            assert posted.status_code == 200, (url, field)  # the form again, not saved
            errors = posted.context["adminform"].form.errors
            assert field in errors, (url, field, errors)  # beside the field
            assert model.objects.count() == before


def test_a_change_page_posted_with_a_bad_autocomplete_value_says_so_beside_the_field(root):
    unit = UnitFactory()
    url = reverse("admin:customers_unit_change", args=[unit.pk])
    response = root.post(
        url, {"building": "abc", "entrance": "1", "floor": "3", "room": "301", "usage": "office"}
    )
    assert response.status_code == 200
    assert "building" in response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.room != "301"


@pytest.mark.parametrize(
    "params",
    [
        {"app_label": "customers", "model_name": "dossier", "field_name": "unit", "page": "abc"},
        {"app_label": "customers", "model_name": "dossier", "field_name": "abc"},
        {"app_label": "abc", "model_name": "abc", "field_name": "abc"},
        {},
    ],
)
def test_the_autocomplete_view_answers_bad_parameters_without_a_500(root, params):
    response = root.get(reverse("admin:autocomplete"), {"term": "1", **params})
    assert response.status_code < 500


@pytest.mark.parametrize(
    "suffix", ["permissions/", "permissions/user-manage/1/", "permissions/group-manage/1/"]
)
def test_the_dossier_permission_pages_answer_a_bad_key_with_404(root, suffix):
    dossier_for()
    response = root.get(f"/admin/customers/dossier/abc/{suffix}")
    assert response.status_code == 404


def test_a_non_superuser_is_refused_the_dossier_permission_pages(client):
    dossier = dossier_for()
    client.force_login(user_with_role(Role.ADMIN))
    response = client.get(f"/admin/customers/dossier/{dossier.pk}/permissions/")
    assert response.status_code in (403, 404)
