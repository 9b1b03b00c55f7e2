"""The customers app's rows of the role table (core.roles)."""

from core.roles import Role, register

FRONT_DESK = [
    "customers.view_estate",
    "customers.view_building",
    "customers.view_unit",
    "customers.view_dossier",
    "customers.add_dossier",
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "customers.view_occupancy",
    "customers.add_occupancy",
    "customers.change_occupancy",
    "customers.verify_occupancy",
    "customers.view_contact",
    "customers.add_contact",
    "customers.view_householdmember",
    "customers.add_householdmember",
    "customers.change_householdmember",
    "customers.view_changerequest",
    "customers.add_changerequest",
]
READ = [
    "customers.view_servicecentre",
    "customers.view_estate",
    "customers.view_building",
    "customers.view_unit",
    "customers.view_dossier",
    "customers.view_customer",
    "customers.view_occupancy",
    "customers.view_contact",
    "customers.view_householdmember",
    "customers.view_changerequest",
]

register(
    {
        Role.FRONT_DESK: FRONT_DESK,
        Role.MANAGER: [
            *FRONT_DESK,
            *READ,
            "customers.change_dossier",
            "customers.reveal_dossier",
            "customers.approve_changerequest",
            "customers.decide_moveinreferral",
        ],
        Role.ARCHIVIST: READ,
        Role.EXECUTIVE: READ,
        # administrators keep the system; reading personal data is not part of that (R16)
        Role.ADMIN: ["customers.*", "!customers.reveal_dossier", "!customers.reveal_customer"],
    },
    duties={
        # R4: 信息核实 by a second person (never the recorder): a front-desk colleague or a manager
        "customers.verify_occupancy": (Role.FRONT_DESK, Role.MANAGER),
        # R9: edits of locked records need a manager's consent
        "customers.approve_changerequest": (Role.MANAGER,),
        # R12, R17: a dossier's secrecy level decides who reads it; a manager sets it
        "customers.change_dossier": (Role.MANAGER,),
        # R17: a move-in of a customer on file in a dossier the recorder may not see
        "customers.decide_moveinreferral": (Role.MANAGER,),
    },
)
