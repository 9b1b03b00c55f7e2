"""Demo documents, rooms, shelves and boxes for the dossiers made by ``seed_demo``.

Development only (refused unless DEBUG). Most occupied dossiers get their ID copy and move-in
form, filed into a box of their own; every seventh lacks its move-in form, so the gaps view has
something to show.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from customers.models import Dossier, Occupancy, ServiceCentre
from documents.models import Box, Document, DocumentCategory, Room, Shelf, StorageInspection

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
