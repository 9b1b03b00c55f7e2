"""A dossier with a verified occupant, and the people who work on it."""

import datetime

from core.roles import Role
from tests.customers.factories import dossier_for, moved_in
from tests.factories import user_with_role


def occupied_dossier(*, secrecy="C", day=datetime.date(2024, 3, 1)):
    """(dossier, section): a dossier whose owner has moved in and been verified."""
    dossier = dossier_for(secrecy=secrecy)
    section = moved_in(dossier, day=day)
    return dossier, section


def front_desk():
    return user_with_role(Role.FRONT_DESK)


def manager():
    return user_with_role(Role.MANAGER)
