"""Two people acting on the same record at once: exactly one move wins (PostgreSQL)."""

import os
import threading

import pytest
from django.db import connection

from core.roles import Role
from customers import services
from customers.models import ChangeRequest, Dossier, Occupancy

from ..factories import user_with_role
from ..races import race
from .factories import UnitFactory, moved_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_verifiers_at_once_one_verifies__R4():
    occupancy = moved_in(verified=False)
    a, b = user_with_role(Role.MANAGER), user_with_role(Role.FRONT_DESK)
    results = race(
        lambda: services.occupancy_verify(occupancy=occupancy, actor=a),
        lambda: services.occupancy_verify(occupancy=occupancy, actor=b, approve=False),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], services.DomainError)
    occupancy.refresh_from_db()
    assert occupancy.status in (Occupancy.Status.ACTIVE, Occupancy.Status.REJECTED)
    assert occupancy.history.count() == 2  # recorded, then exactly one decision


def test_two_managers_deciding_one_change_request__R9():
    occupancy = moved_in()
    cr = services.customer_update(
        customer=occupancy.customer,
        data={"address": "新址"},
        actor=user_with_role(Role.FRONT_DESK),
        dossier=occupancy.dossier,
        reason="更正",
    )
    a, b = user_with_role(Role.MANAGER), user_with_role(Role.MANAGER)
    results = race(
        lambda: services.change_request_approve(change_request=cr, actor=a),
        lambda: services.change_request_reject(change_request=cr, actor=b, note="不同意"),
    )
    assert sum(isinstance(r, services.DomainError) for r in results) == 1
    cr.refresh_from_db()
    assert cr.status in (ChangeRequest.Status.APPROVED, ChangeRequest.Status.REJECTED)


def test_two_front_desks_opening_the_same_unit_make_one_dossier__R1():
    unit = UnitFactory()
    a, b = user_with_role(Role.FRONT_DESK), user_with_role(Role.FRONT_DESK)
    results = race(
        lambda: services.dossier_open(unit=unit, actor=a),
        lambda: services.dossier_open(unit=unit, actor=b),
    )
    assert all(isinstance(r, Dossier) for r in results), results
    assert results[0].pk == results[1].pk
    assert Dossier.objects.filter(unit=unit).count() == 1


def test_two_move_ins_registering_the_same_new_id_number_give_a_message_not_a_500__R4():
    """One front desk registers a new customer and has not committed yet when a second
    submits the same new ID number: the second waits on the unique index and, when the first
    commits, gets a message beside the form (not an IntegrityError and a 500)."""
    import datetime
    import time

    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from customers.models import Customer

    from .factories import move_in_post

    first_unit, second_unit = UnitFactory(), UnitFactory()
    first, second = user_with_role(Role.FRONT_DESK), user_with_role(Role.FRONT_DESK)
    data = move_in_post(first_unit)
    id_number = data["customer-id_number"]
    registered = threading.Event()
    outcome = {}

    def register_and_hold():
        try:
            with transaction.atomic():
                services.customer_register(
                    data={
                        "kind": "individual",
                        "name": "陈静",
                        "sex": "F",
                        "birth_date": datetime.date(1990, 3, 7),
                        "id_number": id_number,
                        "mobile": "13812345678",
                    },
                    actor=first,
                )
                registered.set()
                time.sleep(1.5)  # the second request runs into the unique index meanwhile
        finally:
            connection.close()

    def submit_the_same():
        try:
            registered.wait(10)
            client = Client()
            client.force_login(second)
            outcome["response"] = client.post(
                reverse("customers:move_in"), move_in_post(second_unit, id_number=id_number)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=register_and_hold), threading.Thread(target=submit_the_same)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    response = outcome["response"]
    assert response.status_code == 200
    errors = response.context["move_form"].non_field_errors()
    assert any(
        "just been registered by someone else" in str(e) or "刚被他人登记" in str(e) for e in errors
    ), errors
    assert Customer.objects.filter(id_number=id_number).count() == 1
    assert not Dossier.objects.filter(unit=second_unit).exists()
