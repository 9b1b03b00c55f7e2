"""Expectations of the security matrix: every URL of the URLconf × every kind of user.

Each app adds its URL names here. A URL of ours without an entry fails the matrix, so a new
page cannot ship without someone deciding who may open it.

Outcomes: an HTTP status (200, 403, 404, 405 …) or LOGIN (a redirect to the log-in page).
Users: "anonymous", each Role value, "norole" (logged in, no role), and for object URLs
"ungranted" (the object's role but no right on that object) and "granted".
"""

from dataclasses import dataclass, field

from core.roles import Role

LOGIN = "login"
ROLES = [r.value for r in Role]
EVERY_USER = ["anonymous", *ROLES, "norole"]


@dataclass
class Expect:
    anonymous: object = LOGIN
    default: object = 200  # for every logged-in user not named in ``users``
    users: dict = field(default_factory=dict)
    method: str = "get"
    kwargs: str = ""  # name of a fixture object whose URL kwargs are used (object URLs)

    def outcome(self, who):
        if who == "anonymous":
            return self.anonymous
        return self.users.get(who, self.default)


def only(*roles, others=403, **extra):
    return Expect(default=others, users={r.value: 200 for r in roles}, **extra)


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
}
