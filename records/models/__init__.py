"""What a dossier holds besides its people and papers (R5): leases, deposits, charges and
payments, secondary renovations, complaints, repairs, violations, visits, correspondence and
applications.

Every record carries a direct ``dossier`` key (and its section), a date, who recorded it, a
``locked`` flag once it is closed, and history. Permissions come from the dossier
(``records.permissions``); the timeline line of every move is written by the services.
"""

from .base import MONEY, DossierRecord
from .finance import Charge, Deposit, Lease, Payment
from .letters import Application, Correspondence
from .renovation import Renovation, RenovationInspection, Violation
from .service import Complaint, ComplaintStep, Repair, Visit

__all__ = [
    "MONEY",
    "DossierRecord",
    "Deposit",
    "Lease",
    "Charge",
    "Payment",
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
