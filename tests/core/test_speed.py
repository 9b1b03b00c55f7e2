"""The cheap paths of core.speed, core.navigation and core.lookups say what Django's would."""

import pytest
from django.contrib.auth.models import Permission
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from core import navigation
from core.lookups import IdsIn
from core.roles import Role
from customers.models import Dossier, Occupancy
from tests.customers.factories import dossier_for, moved_in
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_choice_label_is_the_one_django_gives_in_the_reader_language():
    occupancy = moved_in()
    dossier = occupancy.dossier
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert dossier.get_status_display() == str(Dossier.Status(dossier.status).label)
            assert occupancy.get_role_display() == str(Occupancy.Role(occupancy.role).label)
    with translation.override("en"):
        english = dossier.get_secrecy_level_display()
    with translation.override("zh-hans"):
        assert dossier.get_secrecy_level_display() != english
    dossier.status = "no-such-status"  # a value outside the choices shows as it is
    assert dossier.get_status_display() == "no-such-status"


def test_the_menu_follows_a_changed_permission_at_once():
    user = user_with_role(Role.FRONT_DESK)

    def labels(someone):
        with translation.override("en"):
            return {str(item["label"]) for item in navigation.items_for(someone)}

    assert "Access log" not in labels(user)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="core", codename="view_accesslog")
    )
    fresh = type(user).objects.get(pk=user.pk)  # the next request's copy of the user
    assert "Access log" in labels(fresh)
    url = reverse("core:access_log")
    with translation.override("en"):
        html = str(navigation.menu_html(fresh, url))
    assert html.count('aria-current="page"') == 1
    assert f'<a class="nav-link active" href="{url}" aria-current="page">' in html
    assert "Access log" in html.split(f'href="{url}"')[1].split("</a>")[0]
    with translation.override("zh-hans"):  # the same rights in the other language
        assert "Access log" not in str(navigation.menu_html(fresh, url))


def test_ids_in_finds_exactly_the_ids_given():
    dossiers = [dossier_for() for _ in range(4)]
    wanted = [dossiers[0].pk, dossiers[2].pk]
    assert set(Dossier.objects.filter(IdsIn(F("pk"), wanted))) == {dossiers[0], dossiers[2]}
    assert not Dossier.objects.filter(IdsIn(F("pk"), [])).exists()
