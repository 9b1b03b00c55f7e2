"""Two people acting on the same record at once: exactly one move wins (PostgreSQL)."""

import os
import threading

import pytest
from django.db import connection

from core.roles import Role
from customers import services
from customers.models import ChangeRequest, Dossier, Occupancy

from ..factories import user_with_role
from .factories import UnitFactory, moved_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def race(*moves):
    """Run the moves in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(moves))
    results = [None] * len(moves)

    def run(i, move):
        try:
            barrier.wait()
            results[i] = move()
        except Exception as exc:  # the loser's refusal is the point of the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, m)) for i, m in enumerate(moves)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


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
