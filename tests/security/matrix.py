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
    "customers:dossier_secrecy": dossier_page(Role.MANAGER, Role.ADMIN, kwargs=_dossier),
    "customers:move_in": only(*FRONT, users={"ungranted": 200, "granted": 200}),
    "customers:unit_options": only(*VIEWERS, users={"ungranted": 200, "granted": 200}),
    "customers:verification_list": only(*FRONT, users={"ungranted": 200, "granted": 200}),
    "customers:occupancy_verify": Expect(default=405, kwargs=_occupancy),  # POST only
    "customers:occupancy_move_out": dossier_page(*FRONT, kwargs=_occupancy),
    "customers:customer_edit": dossier_page(*FRONT, kwargs=_customer),
    "customers:contact_add": dossier_page(*FRONT, kwargs=_customer),
    "customers:contact_replace": dossier_page(*FRONT, kwargs=_contact),
    "customers:member_add": dossier_page(*FRONT, kwargs=_customer),
    "customers:member_leave": Expect(default=405, kwargs=_member),  # POST only
    "customers:change_request_list": only(*VIEWERS, users={"ungranted": 200, "granted": 200}),
    "customers:change_request_detail": Expect(
        default=403,
        users={**{r.value: 200 for r in VIEWERS}, "ungranted": 404, "granted": 200},
        kwargs=_change,
    ),
}
