from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import navigation, roles, speed

        speed.install()  # get_FOO_display without translating every label (core.speed)

        navigation.register(
            navigation.NavItem(_("Home"), "core:home", icon="house", order=0),
            navigation.NavItem(
                _("Access log"),
                "core:access_log",
                icon="shield-check",
                order=900,
                perm="core.view_accesslog",
            ),
            navigation.NavItem(
                _("Administration"),
                "admin:index",
                icon="gear",
                order=1000,
                roles=(roles.Role.ADMIN,),
            ),
        )

        # Each app's model permissions exist only after its own post_migrate has run
        # create_permissions (connected earlier, by django.contrib.auth), so the roles are
        # given their permissions app by app, every time migrate runs: idempotent.
        # every app's ``roles.py`` adds its rows to the role table (core.roles.register)
        roles.discover()
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="core.sync_roles")
        post_migrate.connect(roles.refresh_permission_names, dispatch_uid="core.permission_names")

        # Every log-in starts the session clock (core.auth), whichever page logged the user in
        # (ours, the admin's, a test's force_login): the first request then finds it set.
        from django.contrib.auth.signals import user_logged_in

        from .auth import session_clock_start

        user_logged_in.connect(session_clock_start, dispatch_uid="core.session_clock")
