"""The objects the security matrix, the masking walk and the confidential reads ask about."""

import pytest
from django.db import transaction
from django.test import override_settings


@pytest.fixture
def matrix_objects(role_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_matrix_objects(role_users)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The role users and the matrix objects made once for a whole module, inside a transaction
    that is rolled back when the module ends; each test runs in a savepoint of it (the ``db``
    fixture), so what a test writes is undone before the next one, as with fresh objects.

    A module of hundreds of cases that only read pages saves the making of two dossiers per
    case. Use it with ``db`` (not ``transactional_db``, which would commit and flush)."""
    from tests.conftest import make_role_users

    media = tmp_path_factory.mktemp("matrix-media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        users = make_role_users()
        objects = build_matrix_objects(users)
        yield users, objects
        transaction.set_rollback(True)


@pytest.fixture
def world_users(matrix_world, db):
    """``matrix_world``'s users, for a module that overrides ``role_users`` with them."""
    return matrix_world[0]


@pytest.fixture
def world_objects(matrix_world, db):
    return matrix_world[1]


def build_matrix_objects(role_users):
    """One level-C dossier (asked of the roles) and one confidential dossier (asked of
    "ungranted" and "granted"), each with a section, a contact, a member, a change request and
    a document with a file; and one box. Adds the users "ungranted" and "granted" to
    ``role_users``."""
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
    # a loan requested in each dossier: in the open one by a front-desk user none of the
    # matrix's users is, in the confidential one by "granted" (lending_loans.py)
    from lending.models import Loan
    from tests.lending.factories import loan_in

    for which, borrower in (("open", None), ("confidential", role_users["granted"])):
        document = objects[which]["document"]
        objects[which]["loan"] = loan_in(
            Loan.Status.REQUESTED, documents=[document], borrower=borrower, needs_approval=True
        )
    return objects
