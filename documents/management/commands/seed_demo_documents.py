"""Demo documents, rooms, shelves and boxes for the dossiers made by ``seed_demo``.

Development only (refused unless DEBUG). Most occupied dossiers get their ID copy and move-in
form, filed into a box of their own; every seventh lacks its move-in form, so the gaps view has
something to show.

Then the half-yearly handover (R30) can be walked: the complete dossiers of the first three
service centres also hold two papers of the last half-year at their centre (a letter and a
visit record). Those of the first centre wait to be picked for a new handover; the second
centre's list is checked and signed by the centre, awaiting the archive room's signature; the
third's is submitted, awaiting checking. The lists are made through the handover's services.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.choices import CONFIDENTIAL_LEVELS
from core.management.commands.create_demo_users import DEMO_PASSWORD
from customers.models import Dossier, Occupancy, ServiceCentre
from documents.handover import services as handovers
from documents.handover.selectors import period_end, previous_period
from documents.models import Box, Document, DocumentCategory, Room, Shelf, StorageInspection
from documents.selectors import gaps_for_dossiers

CENTRE_PAPERS = (("correspondence", "物业服务往来函"), ("visit", "年度回访记录"))

# what the papers are called on a dossier's list: a title, as the front desk writes it
TITLES = {
    "id_copy": "{name}身份证复印件",
    "move_in": "{name}入伙登记表",
    "lease": "房屋租赁合同（{unit}）",
    "deposit_receipt": "{name}租赁押金收据",
    "licence": "{name}营业执照副本复印件",
}


def _title(code, category, section):
    name = section.customer.name
    if code == "id_copy" and section.customer.kind == "enterprise":
        return f"{name}法定代表人身份证复印件"
    pattern = TITLES.get(code)
    if pattern is None:
        return category.name
    return pattern.format(name=name, unit=section.dossier.archive_number)


class Command(BaseCommand):
    help = "Create demo storage and documents for the demo dossiers (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")
        parser.add_argument("--limit", type=int, default=200, help="dossiers to fill")

    def handle(self, *args, limit, if_empty, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is only made when DEBUG is on.")
        if if_empty and Document.objects.exists():
            self.stdout.write("Demo documents exist already.")
            return
        users = get_user_model().objects
        clerk = users.filter(username="frontdesk").first() or users.order_by("pk").first()
        archivist = users.filter(username="archivist").first() or clerk
        if clerk is None:
            raise CommandError("Run create_demo_users first.")
        categories = {c.code: c for c in DocumentCategory.objects.all()}
        now = timezone.now()
        with transaction.atomic():
            archive, _ = Room.objects.get_or_create(code="A1", defaults={"name": "公司档案室"})
            for centre in ServiceCentre.objects.all():
                Room.objects.get_or_create(
                    code=f"C{centre.pk}",
                    defaults={"name": f"{centre.name}资料室", "service_centre": centre},
                )
            shelves = [Shelf.objects.get_or_create(room=archive, number=n)[0] for n in (1, 2, 3)]
            sections = (
                Occupancy.objects.filter(status=Occupancy.Status.ACTIVE)
                .select_related("dossier", "customer")
                .order_by("dossier__archive_number")[:limit]
            )
            documents, n_boxes = [], 0
            for i, section in enumerate(sections):
                dossier: Dossier = section.dossier
                # every third dossier's papers are still waiting to be filed: no box for them
                # yet, so that each box holds the papers filed in it
                filed = i % 3 != 0
                box = None
                if filed:
                    shelf = shelves[n_boxes % len(shelves)]
                    number = n_boxes // len(shelves) + 1
                    box = Box.objects.create(shelf=shelf, number=number, dossier=dossier)
                    n_boxes += 1
                codes = ["id_copy", "move_in"] if i % 7 else ["id_copy"]
                if section.role == Occupancy.Role.TENANT:
                    codes = ["id_copy", "lease", "deposit_receipt"]
                if section.customer.kind == "enterprise":
                    codes = ["licence", *codes]
                for item, code in enumerate(codes, start=1):
                    category = categories[code]
                    documents.append(
                        Document(
                            dossier=dossier,
                            section=section,
                            category=category,
                            title=_title(code, category, section),
                            document_date=section.moved_in,
                            pages=2 if code != "lease" else 8,
                            copies=1,
                            secrecy_level=category.default_secrecy,
                            retention=category.default_retention,
                            status=Document.Status.FILED if filed else Document.Status.RECEIVED,
                            custody=Document.Custody.ARCHIVE,
                            box=box if filed else None,
                            item_number=item if filed else None,
                            filed_at=now if filed else None,
                            filed_by=archivist if filed else None,
                            recorded_by=clerk,
                        )
                    )
            Document.objects.bulk_create(documents, batch_size=1000)
            StorageInspection.objects.create(
                room=archive,
                inspected_on=timezone.localdate() - datetime.timedelta(days=30),
                inspector=archivist,
                temperature=21,
                humidity=55,
                findings="温湿度正常，无虫害。",
            )
        self.stdout.write(
            f"Demo documents: {len(documents)} documents in {n_boxes} boxes on "
            f"{len(shelves)} shelves."
        )
        self._handovers(clerk=clerk, archivist=archivist, categories=categories)

    def _handovers(self, *, clerk, archivist, categories):
        manager = get_user_model().objects.filter(username="manager").first()
        if not (manager and archivist.pk != clerk.pk):
            self.stdout.write("No demo handovers: run create_demo_users first.")
            return
        today = timezone.localdate()
        period = previous_period(today)
        dated = period_end(period) - datetime.timedelta(days=30)  # a paper of that half-year
        centres = list(ServiceCentre.objects.order_by("code")[:3])
        made = []
        for n, centre in enumerate(centres):
            dossiers = list(
                Dossier.objects.filter(
                    unit__building__estate__service_centre=centre,
                    occupancies__status=Occupancy.Status.ACTIVE,
                )
                .exclude(secrecy_level__in=CONFIDENTIAL_LEVELS)
                .distinct()
                .order_by("archive_number")
            )
            gaps = gaps_for_dossiers([d.pk for d in dossiers])
            complete = [d for d in dossiers if d.pk not in gaps][:8]
            with transaction.atomic():
                Document.objects.bulk_create(
                    Document(
                        dossier=dossier,
                        section=dossier.occupancies.filter(status=Occupancy.Status.ACTIVE).first(),
                        category=categories[code],
                        title=title,
                        document_date=dated,
                        pages=1,
                        copies=1,
                        secrecy_level=categories[code].default_secrecy,
                        retention=categories[code].default_retention,
                        recorded_by=clerk,
                    )
                    for dossier in complete
                    for code, title in CENTRE_PAPERS
                )
            if n == 0 or not complete:
                continue  # the first centre's wait to be picked from the list
            handover, _refused = handovers.handover_start(
                service_centre=centre, period=period, dossiers=complete[:4], actor=clerk
            )
            handover = handovers.handover_submit(handover=handover, actor=clerk)
            if n == 1:  # checked and signed by the centre: the archive room's signature awaited
                for item in handover.items.all():
                    handovers.handover_check_item(
                        item=item, result="accepted", note="", actor=archivist
                    )
                handover = handovers.handover_mark_checked(handover=handover, actor=archivist)
                handover = handovers.handover_sign(
                    handover=handover, side="centre", actor=clerk, password=DEMO_PASSWORD
                )
            made.append(f"{centre} {period} ({handover.get_status_display()})")
        self.stdout.write("Demo handovers: " + ("；".join(made) or "none"))
