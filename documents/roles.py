"""The documents app's rows of the role table (core.roles)."""

from core.roles import Role, register

READ = [
    "documents.view_document",
    "documents.view_documentcategory",
    "documents.view_requireddocument",
    "documents.view_room",
    "documents.view_shelf",
    "documents.view_box",
    "documents.view_handover",
    "documents.view_handoveritem",
    "documents.view_storageinspection",
]
FRONT_DESK = [
    "documents.view_document",
    "documents.add_document",
    "documents.change_document",
    "documents.download_document",
    "documents.view_documentcategory",
    "documents.view_requireddocument",
    "documents.view_handover",
    "documents.add_handover",
    "documents.change_handover",
    "documents.view_handoveritem",
]
ARCHIVIST = [
    *READ,
    "documents.add_document",
    "documents.change_document",
    "documents.download_document",
    "documents.file_document",
    "documents.check_handover",  # the archive room's side only: not change_handover
    "documents.add_room",
    "documents.change_room",
    "documents.add_shelf",
    "documents.change_shelf",
    "documents.add_box",
    "documents.change_box",
    "documents.add_storageinspection",
    "documents.change_storageinspection",
]

register(
    {
        Role.FRONT_DESK: FRONT_DESK,
        Role.MANAGER: [*READ, *FRONT_DESK, "documents.override_handover"],
        Role.ARCHIVIST: ARCHIVIST,
        Role.EXECUTIVE: READ,
        Role.ADMIN: [
            "documents.*",
            "!documents.download_document",
            "!documents.add_handover",  # the service centre prepares its handover list (R30)
        ],
    },
    duties={
        # R30: a manager accepts an incomplete dossier; the archive room checks and signs its
        # side; the service centre prepares its list and signs its side (``change_handover``)
        "documents.override_handover": (Role.MANAGER,),
        "documents.check_handover": (Role.ARCHIVIST,),
        "documents.change_handover": (Role.FRONT_DESK, Role.MANAGER),
    },
)
