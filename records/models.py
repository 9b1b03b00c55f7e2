"""The models of the records app, one module per concept (records/<concept>/models.py), all
registered here under the one app label ``records`` (their tables keep their names).

What a dossier holds besides its people and papers (R5): leases, deposits, charges and
payments, secondary renovations, complaints, repairs, violations, visits, correspondence and
applications.

Every record carries a direct ``dossier`` key (and its section), a date, who recorded it, a
``locked`` flag once it is closed, and history. Permissions come from the dossier
(``records.permissions``); the timeline line of every move is written by the services.
"""

from records.applications.models import Application
from records.base import MONEY, DossierRecord
from records.complaints.models import Complaint, ComplaintStep, Visit
from records.finance.models import Charge, Deposit, DossierBalance, Lease, Payment
from records.letters.models import Correspondence
from records.renovations.models import Renovation, RenovationInspection, Violation
from records.repairs.models import Repair

__all__ = [
    "MONEY",
    "DossierRecord",
    "Deposit",
    "Lease",
    "Charge",
    "Payment",
    "DossierBalance",
    "Renovation",
    "RenovationInspection",
    "Violation",
    "Complaint",
    "ComplaintStep",
    "Repair",
    "Visit",
    "Correspondence",
    "Application",
]
