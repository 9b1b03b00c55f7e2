"""``core.history``: what a history row changed, old → new, with the fields' verbose names,
the choices' labels, related objects by name, and personal data masked (R16)."""

import pytest

from core.history import with_changes
from records.models import Renovation
from tests.factories import user_with_role
from tests.records.factories import REQUESTS_NOW, occupied_dossier, waiting_renovation

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(REQUESTS_NOW)]


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def test_a_change_names_the_field_and_shows_labels_names_and_masks__R16():
    dossier, _section = occupied_dossier()
    renovation = waiting_renovation(dossier)
    decider = user_with_role("manager", first_name="建国", last_name="李")
    renovation.status = Renovation.Status.APPROVED
    renovation.contractor_phone = "13912345678"
    renovation.decided_by = decider
    renovation.save()
    rows = with_changes(renovation.history.order_by("-history_date", "-history_id")[:2])
    changes = {c.label: c for c in rows[0].changes}
    status = changes[_label(Renovation, "status")]
    assert (status.old, status.new) == (
        str(Renovation.Status.APPLIED.label),
        str(Renovation.Status.APPROVED.label),
    )
    phone = changes[_label(Renovation, "contractor_phone")]
    assert "13912345678" not in phone.new and phone.new.startswith("139")
    assert changes[_label(Renovation, "decided_by")].new == str(decider)
    assert rows[1].changes == []  # the creation: nothing to compare with
