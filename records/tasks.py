"""The records' work outside requests: the nightly recount of the dossiers' balances
(``records.finance.balances``)."""

from celery import shared_task


# Idempotent: every balance is recounted from the charges whatever ran before.
@shared_task(name="records.refresh_balances", acks_late=True, reject_on_worker_lost=True)
def refresh_balances():
    """Just after midnight (beat): every balance, those a charge fell due for among them."""
    from records.finance.balances import refresh_all

    return refresh_all()
