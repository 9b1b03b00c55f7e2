"""The work of destruction that runs outside requests: a batch's execution (queued by
``batch_execute``), the sweep that resumes an execution whose task was lost, and the nightly
refresh of what is due for appraisal."""

from celery import shared_task

from core.tasks import enqueue


# Idempotent (each chunk holds the batch's row and takes only the items still in it): run
# again when its worker is lost, and resumed by the sweep after a broker outage.
@shared_task(name="destruction.execute_batch", acks_late=True, reject_on_worker_lost=True)
def execute_batch(batch_id):
    from .execution.services import execution_run

    return execution_run(batch_id=batch_id)


@shared_task(name="destruction.resume_executions", acks_late=True, reject_on_worker_lost=True)
def resume_executions():
    """Every 15 minutes (beat): queue again every batch still being destroyed."""
    from .execution.services import executions_unfinished

    ids = list(executions_unfinished().values_list("pk", flat=True))
    for pk in ids:
        enqueue(execute_batch, pk)
    return ids


@shared_task(name="destruction.refresh_retention", acks_late=True, reject_on_worker_lost=True)
def refresh_retention():
    """Nightly (beat): recompute when every document falls due (the days pass, occupants move
    out, leases end)."""
    from .retention import refresh

    return refresh()
