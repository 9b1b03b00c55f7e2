"""Personal data and confidential dossiers: R16, R17, R21."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role, group_ids_of
from customers import permissions

from ..factories import UserFactory, user_with_role
from .factories import CustomerFactory, dossier_for, moved_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def occupied():
    customer = CustomerFactory(name="周婷", mobile="13812345678")
    return moved_in(customer=customer)


def test_ids_and_phones_are_masked_in_list_detail_and_search__R16(client, occupied):
    customer, dossier = occupied.customer, occupied.dossier
    client.force_login(user_with_role(Role.MANAGER))
    pages = [
        client.get(reverse("customers:dossier_list")),
        client.get(reverse("customers:dossier_list"), {"q": customer.id_number}),
        client.get(reverse("customers:dossier_list"), {"q": "13812345678"}),
        client.get(reverse("customers:dossier_detail", args=[dossier.pk])),
    ]
    for page in pages:
        html = page.content.decode()
        if "dossier-table" in html:  # the search box repeats what was typed; results must not
            html = html.split('data-testid="dossier-table"')[1]
        assert customer.id_number not in html
        assert "13812345678" not in html
    detail = pages[-1].content.decode()
    assert f"{customer.id_number[:6]}********{customer.id_number[-4:]}" in detail
    assert "138****5678" in detail
    # the searches by ID and phone found the dossier even though they show it masked
    assert list(pages[1].context["page_obj"]) == [dossier]
    assert list(pages[2].context["page_obj"]) == [dossier]


def test_reveal_needs_a_reason_and_is_logged__R16__R21(client, occupied):
    dossier, customer = occupied.dossier, occupied.customer
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    url = reverse("customers:dossier_reveal", args=[dossier.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert customer.id_number not in refused.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()
    shown = client.post(url, {"reason": "核实业主身份办理门禁卡"})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert customer.id_number in html and "13812345678" in html
    entry = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert entry.user == manager
    assert entry.reason == "核实业主身份办理门禁卡"
    assert entry.object_id == str(dossier.pk)


def test_who_may_not_reveal_gets_nothing_and_the_refusal_is_logged__R16__R21(client, occupied):
    front = user_with_role(Role.FRONT_DESK)  # may see the dossier, not reveal it
    client.force_login(front)
    detail = client.get(reverse("customers:dossier_detail", args=[occupied.dossier.pk]))
    assert 'data-testid="reveal-toggle"' not in detail.content.decode()
    response = client.post(
        reverse("customers:dossier_reveal", args=[occupied.dossier.pk]), {"reason": "好奇"}
    )
    assert response.status_code == 403
    assert occupied.customer.id_number not in response.content.decode()
    assert AccessLog.objects.filter(user=front, action=AccessLog.Action.DENIED).exists()
    # granted on this one dossier, the same person may reveal it
    permissions.grant_dossier(front, occupied.dossier, reveal=True)
    response = client.post(
        reverse("customers:dossier_reveal", args=[occupied.dossier.pk]), {"reason": "报修回访"}
    )
    assert response.status_code == 200


def test_confidential_dossier_is_visible_only_to_who_is_granted__R17(client):
    secret = moved_in(dossier_for(secrecy="B"), CustomerFactory(name="保密客户"))
    normal = moved_in(customer=CustomerFactory(name="普通客户"))
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    listed = client.get(reverse("customers:dossier_list"))
    assert list(listed.context["page_obj"]) == [normal.dossier]
    searched = client.get(reverse("customers:dossier_list"), {"q": "保密"})
    assert list(searched.context["page_obj"]) == []
    detail = reverse("customers:dossier_detail", args=[secret.dossier.pk])
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("customers:dossier_history", args=[secret.dossier.pk])).status_code
        == 404
    )
    assert AccessLog.objects.filter(user=manager, action=AccessLog.Action.DENIED).exists()
    # a grant to the manager's group opens it
    group = Group.objects.get(name=Role.MANAGER)
    permissions.grant_dossier(group, secret.dossier)
    client.force_login(user_with_role(Role.MANAGER))
    listed = client.get(reverse("customers:dossier_list"), {"q": "保密"})
    assert list(listed.context["page_obj"]) == [secret.dossier]
    assert client.get(detail).status_code == 200


def test_a_user_granted_on_one_dossier_sees_just_that_one__R17(client):
    a, b = moved_in(), moved_in()
    outsider = UserFactory(username="auditor")  # no role at all
    permissions.grant_dossier(outsider, a.dossier)
    assert list(permissions.dossier_visible_to(outsider)) == [a.dossier]
    client.force_login(outsider)
    assert client.get(reverse("customers:dossier_detail", args=[a.dossier.pk])).status_code == 200
    assert client.get(reverse("customers:dossier_detail", args=[b.dossier.pk])).status_code == 404
    assert list(permissions.customer_visible_to(outsider)) == [a.customer]


def test_visibility_is_one_query_whatever_the_number_of_grants__R17(django_assert_num_queries):
    user = user_with_role(Role.FRONT_DESK)
    for _ in range(5):
        permissions.grant_dossier(user, dossier_for(secrecy="A"))
    user = type(user).objects.get(pk=user.pk)
    user.has_perm("customers.view_dossier")  # warm the permission cache
    group_ids_of(user)  # and the groups, read once per request with the roles
    with django_assert_num_queries(1):
        assert len(list(permissions.dossier_visible_to(user))) == 5


def test_a_grant_counts_at_once_though_the_sight_is_compiled_once__R17():
    """The dossiers hidden from a user are compiled to SQL once per user and set of groups;
    the grants are still read by each query, so giving, withdrawing and a group's grant show
    on the next query, through a fresh copy of the user or the same one."""
    user = user_with_role(Role.MANAGER)
    secret, other = dossier_for(secrecy="B"), dossier_for(secrecy="A")
    open_one = dossier_for()

    def seen():
        return set(permissions.dossier_visible_to(user).values_list("pk", flat=True))

    assert seen() == {open_one.pk}  # compiled here
    permissions.grant_dossier(user, secret)
    assert seen() == {open_one.pk, secret.pk}
    permissions.revoke_dossier(user, secret)
    assert seen() == {open_one.pk}
    group = Group.objects.get(name=Role.MANAGER)
    permissions.grant_dossier(group, other)
    user = type(user).objects.get(pk=user.pk)
    assert seen() == {open_one.pk, other.pk}
    # another user with the same groups compiles their own: the grant is the group's
    colleague = user_with_role(Role.MANAGER)
    assert set(permissions.dossier_visible_to(colleague).values_list("pk", flat=True)) == {
        open_one.pk,
        other.pk,
    }
    permissions.grant_dossier(user, secret)
    assert secret.pk not in set(
        permissions.dossier_visible_to(colleague).values_list("pk", flat=True)
    )
    # joining a group that holds a grant: a new set of groups, compiled anew
    readers = Group.objects.create(name="专项审计组")
    third = dossier_for(secrecy="A")
    permissions.grant_dossier(readers, third)
    user.groups.add(readers)
    user = type(user).objects.get(pk=user.pk)
    assert seen() == {open_one.pk, other.pk, secret.pk, third.pk}


def test_every_view_of_a_confidential_dossier_is_logged__R21(client):
    secret = moved_in(dossier_for(secrecy="A"))
    reader = user_with_role(Role.ARCHIVIST)
    permissions.grant_dossier(reader, secret.dossier)
    client.force_login(reader)
    client.get(reverse("customers:dossier_detail", args=[secret.dossier.pk]))
    client.get(reverse("customers:dossier_detail", args=[secret.dossier.pk]))
    views = AccessLog.objects.filter(user=reader, action=AccessLog.Action.VIEW)
    assert views.count() == 2
    assert views.first().object_repr == secret.dossier.archive_number
    # managers find it in the access log, filtered by user
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    page = client.get(reverse("core:access_log"), {"user": reader.pk, "action": "view"})
    assert secret.dossier.archive_number in page.content.decode()


def test_a_panel_skips_the_sight_check_only_for_the_page_own_gated_copy__R17():
    """``within=``: the page's copy of a dossier, read through the user's own gate, is not
    asked again; any other copy, or one read through someone else's gate, still is."""
    from customers.models import Dossier
    from documents.permissions import document_visible_to
    from lending.permissions import loan_visible_to

    from ..lending.factories import documents_in

    secret = dossier_for()
    documents_in(secret, 2)
    Dossier.objects.filter(pk=secret.pk).update(secrecy_level="B")
    secret.refresh_from_db()
    front = user_with_role(Role.FRONT_DESK)
    manager = user_with_role(Role.MANAGER)
    permissions.grant_dossier(manager, secret)
    assert not permissions.can_view_dossier(front, secret)
    assert not document_visible_to(front, dossier=secret).exists()
    gated = permissions.access_dossier_or_404(manager, secret.pk)  # the manager's page
    assert permissions.can_view_dossier(manager, gated)
    assert document_visible_to(manager, dossier=gated).count() == 2
    # the manager's copy does not open the dossier to the front desk
    assert not permissions.can_view_dossier(front, gated)
    assert not document_visible_to(front, dossier=gated).exists()
    assert not loan_visible_to(front, dossier=gated).exists()
    assert not permissions.with_visible_dossier(front, secret.events.all(), within=gated).exists()
