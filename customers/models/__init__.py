"""Units, customers, occupancy and the one dossier per unit (R1–R4, R7–R12).

A dossier is divided into sections, one per occupancy (R8): ``Occupancy`` *is* the section.
Records carry a direct ``dossier`` key so permission filtering stays one join deep. The models
live by concept in this package; ``from customers.models import X`` names every one of them.
"""

from .dossiers import (
    ArchiveNumber,
    Dossier,
    DossierGroupObjectPermission,
    DossierQuerySet,
    DossierUserObjectPermission,
)
from .events import DossierEvent
from .people import Contact, Customer, HouseholdMember, Sex
from .requests import ChangeRequest, MoveInReferral
from .sections import Occupancy, OccupancyQuerySet
from .structure import Building, Estate, ServiceCentre, Unit

__all__ = [
    "ArchiveNumber",
    "Building",
    "ChangeRequest",
    "Contact",
    "Customer",
    "Dossier",
    "DossierEvent",
    "DossierGroupObjectPermission",
    "DossierQuerySet",
    "DossierUserObjectPermission",
    "Estate",
    "HouseholdMember",
    "MoveInReferral",
    "Occupancy",
    "OccupancyQuerySet",
    "ServiceCentre",
    "Sex",
    "Unit",
]
