"""Security-matrix expectations of the destruction batch pages (merged in matrix.py).

Batches are the archive room's register: whoever holds ``destruction.view_batch`` sees them all
(the archive room, managers, witnesses, the engineering department, executives and
administrators); what an item shows follows the document's own sight. Opening a batch is the
archive room's (APPRAISE), approving the manager's (R33), witnessing the witnesses' and
managers' (R37), the opinion the engineering department's (R35)."""

from core.roles import Role

from .matrix import Expect, only

VIEWERS = (
    Role.MANAGER,
    Role.ARCHIVIST,
    Role.WITNESS,
    Role.ENGINEERING,
    Role.EXECUTIVE,
    Role.ADMIN,
)


def _batch(o):
    """A batch being appraised, opened by the dossier's opener (none of the matrix's users)."""
    from destruction.models import Batch

    opener = o["dossier"].opened_by
    batch = Batch.objects.create(title="鉴定", created_by=opener)
    Batch.objects.filter(pk=batch.pk).update(number=f"XH-M{batch.pk:04d}")
    return {"pk": batch.pk}


def _item(o):
    return {"pk": 0, "item": 0}  # POST only: answered before any lookup


def _post_only(kwargs=None):
    return Expect(default=405, kwargs=kwargs)


EXPECTATIONS: dict[str, Expect] = {
    "destruction:due_list": only(Role.ARCHIVIST),
    "destruction:batch_open": _post_only(),
    "destruction:batch_list": only(*VIEWERS),
    "destruction:batch_detail": only(*VIEWERS, kwargs=_batch),
    "destruction:approval_queue": only(Role.MANAGER),
    "destruction:witness_queue": only(Role.WITNESS, Role.MANAGER),
    "destruction:engineering_queue": only(Role.ENGINEERING),
    **{
        f"destruction:batch_{move}": _post_only(lambda o: {"pk": 0})
        for move in ("submit", "approve", "send_back", "withdraw", "schedule", "execute", "resume")
    },
    **{f"destruction:item_{move}": _post_only(_item) for move in ("decide", "opinion", "remove")},
}
