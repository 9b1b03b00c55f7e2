from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.roles import Role, ensure_groups

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - refused outside DEBUG, see handle()

DEMO_USERS = [
    # username, role, family name, given name
    ("frontdesk", Role.FRONT_DESK, "王", "晓梅"),
    ("manager", Role.MANAGER, "李", "建国"),
    ("archivist", Role.ARCHIVIST, "张", "静"),
    ("witness", Role.WITNESS, "赵", "磊"),
    ("admin", Role.ADMIN, "陈", "思远"),
    ("executive", Role.EXECUTIVE, "刘", "志强"),
    ("legal", Role.LEGAL, "孙", "律"),
    ("engineer", Role.ENGINEERING, "周", "工"),
]
# who reports to whom (told of the escalation of their loans, R23), and the archive-room head
REPORTS_TO = {"frontdesk": "manager", "archivist": "manager", "witness": "manager"}
# the archive-room head: told of loan escalations (R23) and the one who destroys (R36)
ARCHIVE_ROOM_HEAD = [
    ("archivist", "lending", "lead_archive_room"),
    ("archivist", "destruction", "execute_batch"),
]


class Command(BaseCommand):
    help = "Create one demo user per role (development only) and print their logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refused: demo users with known passwords are only made when DEBUG is on."
            )
        user_model = get_user_model()
        ensure_groups(Group)
        with transaction.atomic():
            for username, role, last, first in DEMO_USERS:
                user, _created = user_model.objects.get_or_create(username=username)
                user.first_name, user.last_name = first, last
                user.email = f"{username}@example.com"
                user.is_staff = role == Role.ADMIN
                user.is_active = True
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=role.value)])
            for username, boss in REPORTS_TO.items():
                user_model.objects.filter(username=username).update(
                    reports_to=user_model.objects.get(username=boss)
                )
            for head, app_label, codename in ARCHIVE_ROOM_HEAD:
                perm = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
                if perm.exists():
                    user_model.objects.get(username=head).user_permissions.add(perm.get())
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, role, last, first in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label!s:<14} {last}{first}")
