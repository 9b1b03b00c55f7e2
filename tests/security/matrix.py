"""Expectations of the security matrix: every URL of the URLconf × every kind of user.

Each app adds its URL names here. A URL of ours without an entry fails the matrix, so a new
page cannot ship without someone deciding who may open it.

Outcomes: an HTTP status (200, 403, 404, 405 …) or LOGIN (a redirect to the log-in page).
Users: "anonymous", each Role value, "norole" (logged in, no role), "ungranted" (front desk,
not granted on a confidential dossier) and "granted" (front desk, granted on it). Object URLs
name a function of the fixture objects (``kwargs``); roles are asked about a level-C dossier,
"ungranted" and "granted" about a confidential one.
"""

from dataclasses import dataclass, field

from core.roles import Role

LOGIN = "login"
ROLES = [r.value for r in Role]
EVERY_USER = ["anonymous", *ROLES, "norole", "ungranted", "granted"]


@dataclass
class Expect:
    anonymous: object = LOGIN
    default: object = 200  # for every logged-in user not named in ``users``
    users: dict = field(default_factory=dict)
    method: str = "get"
    kwargs: object = None  # objects -> URL kwargs, for URLs of one object

    def outcome(self, who):
        if who == "anonymous":
            return self.anonymous
        return self.users.get(who, self.default)


def only(*roles, others=403, **extra):
    users = {r.value: 200 for r in roles}
    extra_users = extra.pop("users", {})
    return Expect(default=others, users={**users, **extra_users}, **extra)


VIEWERS = (Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE, Role.ADMIN)
FRONT = (Role.FRONT_DESK, Role.MANAGER, Role.ADMIN)  # who records move-ins and edits
# Segregation of duties: verifications, approvals and signatures are the named
# roles' and never the administrator's (core.roles.DUTIES), so the admin is refused those pages.
VERIFIERS = (Role.FRONT_DESK, Role.MANAGER)  # R4: a second front-desk user or a manager
CENTRE = (Role.FRONT_DESK, Role.MANAGER)  # R30: the service centre prepares and signs its list


def dossier_page(*roles, kwargs, forbidden=403):
    """A page of one dossier: 404 to whoever may not see the dossier (witness, no role,
    ungranted); ``forbidden`` to viewers who lack the page's own permission."""
    users = {r: 200 if Role(r) in roles else forbidden for r in (v.value for v in VIEWERS)}
    granted = 200 if Role.FRONT_DESK in roles else forbidden  # "granted" is a front-desk user
    users.update({Role.WITNESS.value: 404, "norole": 404, "ungranted": 404, "granted": granted})
    return Expect(default=404, users=users, kwargs=kwargs)


def _dossier(o):
    return {"pk": o["dossier"].pk}


def _occupancy(o):
    return {"pk": o["occupancy"].pk}


def _customer(o):
    return {"dossier_pk": o["dossier"].pk, "pk": o["customer"].pk}


def _contact(o):
    return {"dossier_pk": o["dossier"].pk, "pk": o["contact"].pk}


def _member(o):
    return {"dossier_pk": o["dossier"].pk, "pk": o["member"].pk}


def _change(o):
    return {"pk": o["change_request"].pk}


def _referral(o):
    """A move-in of the fixture's customer into another unit, referred by the dossier's
    opener (a front-desk user none of the matrix's users is)."""
    from customers.models import MoveInReferral
    from tests.customers.factories import UnitFactory

    referral = MoveInReferral.objects.create(
        unit=UnitFactory(),
        role="tenant",
        moved_in=o["occupancy"].moved_in,
        customer=o["customer"],
        typed={"name": o["customer"].name},
        requested_by=o["dossier"].opened_by,
    )
    return {"pk": referral.pk}


def _dossier_docs(o):
    return {"dossier_pk": o["dossier"].pk}


def _document(o):
    return {"pk": o["document"].pk}


def _box(o):
    return {"pk": o["box"].pk}


def _shelf(o):
    return {"pk": o["box"].shelf_id}


def _handover(status="draft"):
    """A handover of the dossier's service centre, made on demand."""

    def kwargs(o):
        from documents.models import Handover

        dossier = o["dossier"]
        handover = Handover.objects.create(
            service_centre=dossier.unit.building.estate.service_centre,
            period="2026H1",
            status=status,
            prepared_by=dossier.opened_by,
        )
        return {"pk": handover.pk}

    return kwargs


def _handover_item(o):
    return {**_handover()(o), "item_pk": 0}  # POST only: answered before any lookup


def _handover_sign(o):
    return {**_handover("checked")(o), "side": "archive"}


ANY_VIEWER = {"ungranted": 200, "granted": 200}

DOC_READERS = (Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE, Role.ADMIN)
STORAGE_READERS = (Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE, Role.ADMIN)
ARCHIVE_STAFF = (Role.ARCHIVIST, Role.ADMIN)


def document_page(*roles, kwargs):
    """A page of one document or dossier behind a model permission checked first: 403 without
    the permission, 404 when the object is not visible (ungranted), 200 otherwise."""
    users = {r.value: 200 for r in roles}
    users.update(
        {
            "ungranted": 404 if Role.FRONT_DESK in roles else 403,
            "granted": 200 if Role.FRONT_DESK in roles else 403,
        }
    )
    return Expect(default=403, users=users, kwargs=kwargs)


EXPECTATIONS: dict[str, Expect] = {
    # public
    "login": Expect(anonymous=200, default=302),  # a logged-in user is sent home
    "healthz": Expect(anonymous=200),
    "set_language": Expect(anonymous=302, default=302),  # GET without next: back home
    "admin:login": Expect(anonymous=200, default=200, users={Role.ADMIN.value: 302}),
    # everyone logged in
    "logout": Expect(default=405),  # POST only
    "password_change": Expect(),
    "password_change_done": Expect(),
    "core:home": Expect(),
    "core:notifications": Expect(),
    "core:notifications_read": Expect(default=405),  # POST only
    # managers and executives (and administrators, who hold every core permission)
    "core:access_log": only(Role.MANAGER, Role.EXECUTIVE, Role.ADMIN),
    # customers: lists need the role's permission; one dossier needs to be visible (R17)
    "customers:dossier_list": only(*VIEWERS, users={"ungranted": 200, "granted": 200}),
    "customers:dossier_detail": dossier_page(*VIEWERS, kwargs=_dossier),
    "customers:dossier_history": dossier_page(*VIEWERS, kwargs=_dossier),
    "customers:dossier_reveal": Expect(default=405, kwargs=_dossier),  # POST only
    # secrecy and retention: a manager's decision; the administrator lost it (segregation)
    "customers:dossier_secrecy": dossier_page(Role.MANAGER, kwargs=_dossier),
    "customers:move_in": only(*FRONT, users={"ungranted": 200, "granted": 200}),
    "customers:unit_options": only(*VIEWERS, users={"ungranted": 200, "granted": 200}),
    "customers:verification_list": only(*VERIFIERS, users={"ungranted": 200, "granted": 200}),
    "customers:occupancy_verify": Expect(default=405, kwargs=_occupancy),  # POST only
    "customers:occupancy_move_out": dossier_page(*FRONT, kwargs=_occupancy),
    "customers:customer_edit": dossier_page(*FRONT, kwargs=_customer),
    "customers:contact_add": dossier_page(*FRONT, kwargs=_customer),
    "customers:contact_replace": dossier_page(*FRONT, kwargs=_contact),
    "customers:member_add": dossier_page(*FRONT, kwargs=_customer),
    "customers:member_leave": Expect(default=405, kwargs=_member),  # POST only
    # referred move-ins (R17): who records move-ins sees their own, a manager who may see the
    # customer on file decides; the admin records move-ins but decides none
    "customers:referral_list": only(*FRONT, users={"ungranted": 200, "granted": 200}),
    "customers:referral_detail": Expect(
        default=403,
        users={
            Role.FRONT_DESK.value: 404,  # not theirs
            Role.ADMIN.value: 404,
            Role.MANAGER.value: 200,
            "ungranted": 404,
            "granted": 404,
        },
        kwargs=_referral,
    ),
    "customers:change_request_list": only(*VIEWERS, users={"ungranted": 200, "granted": 200}),
    "customers:change_request_detail": Expect(
        default=403,
        users={**{r.value: 200 for r in VIEWERS}, "ungranted": 404, "granted": 200},
        kwargs=_change,
    ),
    # documents
    "documents:document_add": document_page(
        Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST, Role.ADMIN, kwargs=_dossier_docs
    ),
    "documents:dossier_cover_pdf": document_page(*DOC_READERS, kwargs=_dossier_docs),
    "documents:document_detail": document_page(*DOC_READERS, kwargs=_document),
    "documents:document_download": document_page(
        Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST, kwargs=_document
    ),
    "documents:moved_out_catalog": only(*DOC_READERS, users={"ungranted": 200, "granted": 200}),
    "documents:gaps": only(*DOC_READERS, users={"ungranted": 200, "granted": 200}),
    "documents:filing": only(*ARCHIVE_STAFF),
    "documents:location_index": only(*STORAGE_READERS),
    "documents:box_create": only(*ARCHIVE_STAFF),
    "documents:box_detail": only(*STORAGE_READERS, kwargs=_box),
    "documents:box_label_pdf": only(*STORAGE_READERS, kwargs=_box),
    "documents:shelf_label_pdf": only(*STORAGE_READERS, kwargs=_shelf),
    "documents:inspection_list": only(*STORAGE_READERS),
    "documents:inspection_add": only(*ARCHIVE_STAFF),
    # handovers (R30): the service centre prepares and signs, the archive room checks and signs
    "documents:handover_list": only(*VIEWERS, users=ANY_VIEWER),
    "documents:handover_create": only(*CENTRE, users=ANY_VIEWER),
    "documents:handover_detail": only(*VIEWERS, users=ANY_VIEWER, kwargs=_handover()),
    "documents:handover_add_dossier": only(*CENTRE, users=ANY_VIEWER, kwargs=_handover()),
    "documents:handover_remove_item": Expect(default=405, kwargs=_handover_item),
    "documents:handover_check_item": Expect(default=405, kwargs=_handover_item),
    "documents:handover_submit": Expect(default=405, kwargs=_handover()),
    "documents:handover_mark_checked": Expect(default=405, kwargs=_handover()),
    "documents:handover_sign": only(Role.ARCHIVIST, kwargs=_handover_sign),  # archive side
    "documents:handover_send_back": Expect(default=405, kwargs=_handover()),
    "documents:handover_cancel": Expect(default=405, kwargs=_handover()),
    "documents:handover_pdf": only(*VIEWERS, users=ANY_VIEWER, kwargs=_handover()),
}


def _merge_records():
    """The records, the documents' newer pages, lending, destruction and reports keep their
    expectations in one module per concept."""
    from . import (
        destruction_batches,
        destruction_holds,
        destruction_register,
        documents_handover,
        documents_locations,
        lending_loans,
        lending_register,
        lending_returns,
        records_asof,
        records_complaint,
        records_finance,
        records_renovation,
        records_service,
        reports_backups,
        reports_jobs,
        reports_statistics,
    )

    for module in (
        records_finance,
        records_renovation,
        records_complaint,
        records_service,
        records_asof,
        documents_handover,
        documents_locations,
        lending_loans,
        lending_register,
        lending_returns,
        destruction_batches,
        destruction_holds,
        destruction_register,
        reports_statistics,
        reports_jobs,
        reports_backups,
    ):
        overlap = EXPECTATIONS.keys() & module.EXPECTATIONS.keys()
        assert not overlap, overlap
        EXPECTATIONS.update(module.EXPECTATIONS)


_merge_records()
