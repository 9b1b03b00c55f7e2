"""The records app's rows of the role table (core.roles)."""

from core.roles import Role, register

MODELS = [
    "lease",
    "deposit",
    "charge",
    "payment",
    "renovation",
    "renovationinspection",
    "violation",
    "complaint",
    "complaintstep",
    "repair",
    "visit",
    "correspondence",
    "application",
]
READ = [f"records.view_{m}" for m in MODELS]
# the front desk records everything a dossier holds (R5); managers also decide
FRONT_DESK = [
    *READ,
    *(f"records.add_{m}" for m in MODELS),
    *(f"records.change_{m}" for m in MODELS),
]
APPROVALS = ["records.approve_deposit", "records.approve_renovation", "records.approve_application"]

register(
    {
        Role.FRONT_DESK: FRONT_DESK,
        Role.MANAGER: [*FRONT_DESK, *APPROVALS],
        Role.ARCHIVIST: READ,
        Role.EXECUTIVE: READ,
        Role.ADMIN: ["records.*"],
    },
    # R5: refunds and forfeits of deposits, renovations and their acceptance, applications
    duties=dict.fromkeys(APPROVALS, (Role.MANAGER,)),
)
