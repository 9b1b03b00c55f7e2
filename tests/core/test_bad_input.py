"""Bad input gives a message, never a 500: the notifications."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import Notification
from core.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    client.raise_request_exception = False
    notify([user], "第一条")
    notify([user], "第二条")
    return user


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "ids",
    [["abc"], ["1.5"], ["-1"], ["99999999999999999999999"], ["١"], [""], ["abc", "VALID"]],
)
def test_marking_read_with_an_id_that_is_no_number_is_refused_with_a_message(client, person, ids):
    valid = str(Notification.objects.first().pk)
    response = client.post(
        reverse("core:notifications_read"), {"id": [valid if i == "VALID" else i for i in ids]}
    )
    assert response.status_code == 302
    assert response.url == reverse("core:notifications")
    assert Notification.objects.filter(recipient=person, read_at__isnull=False).count() == 0
    assert len(_messages(response)) == 1


def test_marking_read_by_id_and_all_still_work(client, person):
    first, second = Notification.objects.order_by("pk")
    client.post(reverse("core:notifications_read"), {"id": [str(first.pk)]})
    assert list(Notification.objects.filter(read_at__isnull=False)) == [first]
    client.post(reverse("core:notifications_read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


@pytest.mark.parametrize("value", ["²", "١", "9" * 30, "abc"])
def test_an_id_that_is_not_ascii_digits_in_a_query_is_a_message_not_a_500(client, value):
    from django.urls import reverse

    from core.roles import Role
    from tests.factories import user_with_role

    client.force_login(user_with_role(Role.FRONT_DESK))
    assert client.get(reverse("customers:move_in"), {"unit": value}).status_code == 200
    assert (
        client.get(reverse("customers:unit_options"), {"move-building": value}).status_code == 200
    )
    assert client.get(reverse("customers:unit_options"), {"move-estate": value}).status_code == 200
    response = client.post(
        reverse("customers:move_in"), {"move-estate": value, "move-building": value}
    )
    assert response.status_code == 200
    assert "estate" in response.context["move_form"].errors
