"""The lending app's rows of the role table (core.roles): the front desk requests, the manager
approves, the archivist hands out and checks back, the executive borrows directly (R22), the
legal department approves outside parties (R20), administrators keep the rules."""

from core.roles import Role, register

VIEW = [
    "lending.view_loan",
    "lending.view_loanitem",
    "lending.view_renewal",
    "lending.view_notice",
    "lending.view_incident",
    "lending.view_copyrecord",
    "lending.view_lendingrule",
    "lending.view_holiday",
]
REQUEST = ["lending.add_loan", "lending.add_renewal"]

register(
    {
        Role.FRONT_DESK: [*VIEW, *REQUEST],
        Role.MANAGER: [
            *VIEW,
            *REQUEST,
            "lending.approve_loan",
            "lending.handle_incident",
            "lending.view_all_loans",
        ],
        Role.ARCHIVIST: [*VIEW, *REQUEST, "lending.hand_out_loan", "lending.view_all_loans"],
        Role.EXECUTIVE: [*VIEW, *REQUEST, "lending.borrow_directly", "lending.view_all_loans"],
        # the legal department sees only the dossiers an outside party asked to read: the
        # request grants it that dossier (lending.loans.services, R17, R20)
        Role.LEGAL: [*VIEW, "lending.approve_outside_loan", "lending.view_all_loans"],
        Role.ADMIN: [
            "lending.view_loan",
            "lending.view_loanitem",
            "lending.view_renewal",
            "lending.view_notice",
            "lending.view_incident",
            "lending.view_copyrecord",
            "lending.view_lendingrule",
            "lending.add_lendingrule",
            "lending.change_lendingrule",
            "lending.delete_lendingrule",
            "lending.view_holiday",
            "lending.add_holiday",
            "lending.change_holiday",
            "lending.delete_holiday",
        ],
    },
    duties={
        "lending.approve_loan": (Role.MANAGER,),
        "lending.approve_outside_loan": (Role.LEGAL,),
        "lending.hand_out_loan": (Role.ARCHIVIST,),
        "lending.borrow_directly": (Role.EXECUTIVE,),
        "lending.handle_incident": (Role.MANAGER,),
    },
)
