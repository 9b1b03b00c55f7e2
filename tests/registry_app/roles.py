"""Found by core.roles.discover like every app's roles.py."""

from core.roles import Role, register

register(
    {Role.ARCHIVIST: ["registry_app.put_stamp"]},
    duties={"registry_app.put_stamp": (Role.ARCHIVIST,)},
)
