"""The destruction app's rows of the role table (core.roles): the archive room appraises, the
manager approves (R33), the engineering department gives its opinion on technical records
(R35), witnesses witness (R37), the manager and the legal department place holds,
administrators keep the retention schedule and the policy. Destroying is given to one person,
the archive-room head (``destruction.execute_batch``, R36), not to a role."""

from core.roles import Role, register

VIEW = [
    "destruction.view_batch",
    "destruction.view_batchitem",
    "destruction.view_witness",
    "destruction.view_hold",
    "destruction.view_retentionrule",
    "destruction.view_policy",
]

register(
    {
        Role.FRONT_DESK: ["destruction.view_hold"],
        Role.MANAGER: [
            *VIEW,
            "destruction.approve_batch",
            "destruction.place_hold",
            "destruction.witness_destruction",
        ],
        Role.ARCHIVIST: [*VIEW, "destruction.appraise_batch"],
        Role.WITNESS: [*VIEW, "destruction.witness_destruction"],
        Role.ENGINEERING: [*VIEW, "destruction.give_engineering_opinion"],
        Role.EXECUTIVE: [*VIEW],
        Role.LEGAL: ["destruction.view_hold", "destruction.place_hold"],
        Role.ADMIN: [
            *VIEW,
            "destruction.view_retentionstate",
            "destruction.add_retentionrule",
            "destruction.change_retentionrule",
            "destruction.change_policy",
        ],
    },
    duties={
        "destruction.approve_batch": (Role.MANAGER,),
        "destruction.appraise_batch": (Role.ARCHIVIST,),
        "destruction.witness_destruction": (Role.WITNESS, Role.MANAGER),
        "destruction.give_engineering_opinion": (Role.ENGINEERING,),
        "destruction.place_hold": (Role.MANAGER, Role.LEGAL),
    },
)
