"""Factories shared by every app's tests (apps add their own in tests/<app>/factories.py)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "小明"
    last_name = "王"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            self.groups.add(*[Group.objects.get(name=Role(r).value) for r in extracted])
        self.save()


def user_with_role(role, **kwargs):
    kwargs.setdefault("username", f"{Role(role).value}-{UserFactory._meta.next_sequence()}")
    kwargs.setdefault("is_staff", Role(role) == Role.ADMIN)
    return UserFactory(roles=[role], **kwargs)


def notified(text, **lookup):
    """The notifications (of ``lookup``) whose message says ``text`` as a reader in the active
    language reads it: their message is a line (core.lines), said in the reader's language."""
    from core.models import Notification

    return [n for n in Notification.objects.filter(**lookup) if text in n.display_message]


def told(text, **lookup):
    """The ids of the people told ``text`` (see ``notified``)."""
    return {n.recipient_id for n in notified(text, **lookup)}


def said(reason):
    """A history row's reason as its reader sees it in the active language."""
    from core.lines import from_text

    return from_text(reason)
