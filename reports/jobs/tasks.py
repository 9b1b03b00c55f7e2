"""The watchdog (beat, ``reports-watchdog``, every 5 minutes): runs and backups whose worker
stopped are marked failed and the administrators told. Idempotent: acknowledged late."""

from celery import shared_task


@shared_task(name="reports.watchdog", acks_late=True, reject_on_worker_lost=True)
def watchdog():
    from .services import watchdog as run

    return run()
