"""Realistic Chinese demo data for development and benchmarks.

``manage.py seed_demo --units N [--if-empty] [--seed S] [--no-history]``

Builds service centres, estates (苑/小区), buildings (栋), entrances (单元) and units (房号),
one dossier per unit (R1) with its archive number (R2), customers (individual households with
valid resident ID numbers, enterprises with valid unified social credit codes), sections
(occupancies: owners, tenants, moved-out owners, move-ins awaiting verification), household
members and contacts (some replaced, R10).

Everything is written with ``bulk_create`` in batches, estate by estate, inside one
transaction: no per-row ``save()``, no signals and none of the services (which check
permissions, notify and audit one move at a time). The fields ``save()`` would derive are
computed here instead (``Customer.name_initials``, normalised numbers), as is the dossier
status that ``dossiers.refresh_dossier_status`` would set.

History (django-simple-history): ``bulk_create`` writes none, so one initial history row per
record is written with ``bulk_history_create`` (change reason "演示数据"), dated the day the
record's story starts (move-in, joining, contact valid from, dossier opened). ``--no-history``
skips them, which is about a third faster for large benchmark databases.

Without ``--if-empty`` every run *appends* new estates; an estate name or code that is taken
gets a suffix (翠湖苑二期 / CH2). With ``--if-empty`` nothing happens once any dossier exists, so
``make run`` can call it every time. The same ``--seed`` on the same database gives the same
data. Like ``create_demo_users``, the command is refused unless ``DEBUG`` is on: it writes
invented personal data.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.validators import resident_id_check_char
from customers.models import Dossier

from ._demo_data import MOBILE_PREFIXES
from ._demo_seeder import _Seeder

# the records' demo data draws its phone numbers and ID numbers alike (seed_demo_records)
__all__ = ["MOBILE_PREFIXES", "resident_id_check_char"]


class Command(BaseCommand):
    help = (
        "Bulk-create realistic Chinese demo data: estates, buildings, units, one dossier per "
        "unit, customers, sections, household members and contacts (development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=60, help="Units to create (default 60).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any dossier exists (so it can run on every start).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (default 2026): same data."
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the initial django-simple-history rows (faster for benchmarks).",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is only made when DEBUG is on.")
        units = options["units"]
        if units < 1:
            raise CommandError("--units must be at least 1.")
        if options["if_empty"] and Dossier.objects.exists():
            self.stdout.write("Dossiers exist already: no demo data added (--if-empty).")
            return
        started = time.perf_counter()
        recorder, verifier = self._demo_users()
        seeder = _Seeder(
            seed=options["seed"],
            batch_size=options["batch_size"],
            history=not options["no_history"],
            recorder=recorder,
            verifier=verifier,
            out=self.stdout.write if options["verbosity"] > 1 else lambda _msg: None,
        )
        with transaction.atomic():
            seeder.run(units)
        counts = seeder.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {counts['estates']} estates, {counts['buildings']} buildings, "
                f"{counts['units']} units, {counts['dossiers']} dossiers, "
                f"{counts['customers']} customers ({counts['enterprises']} enterprises), "
                f"{counts['occupancies']} sections, {counts['members']} household members, "
                f"{counts['contacts']} contacts, {counts['history']} history rows "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

    @staticmethod
    def _demo_users():
        """The demo front desk records, the demo manager verifies (R4: two different people)."""
        user_model = get_user_model()
        recorder = user_model.objects.filter(username="frontdesk").first()
        verifier = user_model.objects.filter(username="manager").first()
        if recorder and verifier:
            return recorder, verifier
        users = []
        for username, last, first in [("seed_recorder", "周", "敏"), ("seed_verifier", "吴", "刚")]:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"last_name": last, "first_name": first}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            users.append(user)
        return users
