"""The records' work outside requests: the nightly recount of the balances whose charges have
fallen due (``records.finance.balances``)."""

from celery import shared_task


# Idempotent: a stale balance is recomputed from the charges whatever ran before.
@shared_task(name="records.refresh_balances", acks_late=True, reject_on_worker_lost=True)
def refresh_balances():
    """Just after midnight (beat): the balances of the dossiers a charge fell due for."""
    from records.finance.balances import refresh_stale

    return refresh_stale()
