"""The papers and files of a dossier, where each one is, and how they move (R12–R15, R30–R32).

Every document has a direct ``dossier`` key: it is visible exactly when its dossier is (and,
when its own secrecy level is stricter, only to those granted on the dossier).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import CONFIDENTIAL_LEVELS, Retention, SecrecyLevel
from customers.models import Customer, Dossier, Occupancy, ServiceCentre


class Carrier(models.TextChoices):
    # R14: the carriers of the regulations
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    PHOTO = "photo", _("Photograph")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    OBJECT = "object", _("Physical object")


class DocumentCategory(models.Model):
    """A kind of document of R5, with the secrecy and retention its documents get by default
    (R12, R39: editable by administrators)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    default_secrecy = models.CharField(
        _("default secrecy level"),
        max_length=1,
        choices=SecrecyLevel.choices,
        default=SecrecyLevel.C,
    )
    default_retention = models.CharField(
        _("default retention"),
        max_length=20,
        choices=Retention.choices,
        default=Retention.PERMANENT,
    )
    needs_paper = models.BooleanField(
        _("needs a paper counterpart"),
        default=False,
        help_text=_("An electronic document of this kind must also exist on paper."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


# --- Storage (R31) ---------------------------------------------------------------------
class Room(models.Model):
    """An archive room (库房), at the company or at a service centre."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    service_centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("service centre"),
        help_text=_("Empty for the company archive room."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("storage room")
        verbose_name_plural = _("storage rooms")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Shelf(models.Model):
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="shelves", verbose_name=_("room")
    )
    number = models.PositiveSmallIntegerField(_("shelf number"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shelf")
        verbose_name_plural = _("shelves")
        ordering = ["room__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["room", "number"], name="shelf_unique_number")
        ]

    def __str__(self):
        return f"{self.room.code}-{self.number:02d}"

    @property
    def code(self):
        return str(self)


class Box(models.Model):
    """A box (档案盒) on a shelf; usually it holds one dossier's papers."""

    shelf = models.ForeignKey(
        Shelf, on_delete=models.PROTECT, related_name="boxes", verbose_name=_("shelf")
    )
    number = models.PositiveSmallIntegerField(_("box number"))
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="boxes",
        verbose_name=_("dossier"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("box")
        verbose_name_plural = _("boxes")
        ordering = ["shelf__room__code", "shelf__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shelf", "number"], name="box_unique_number")
        ]

    def __str__(self):
        return f"{self.shelf}-{self.number:03d}"

    @property
    def code(self):
        return str(self)


# --- Documents -------------------------------------------------------------------------
class DocumentQuerySet(models.QuerySet):
    def for_catalog(self):
        """R6: newest first."""
        return self.order_by("-document_date", "-pk")


class Document(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        FILED = "filed", _("Filed")
        IN_HANDOVER = "in_handover", _("In handover")
        ON_LOAN = "on_loan", _("On loan")
        DESTROYED = "destroyed", _("Destroyed")
        LOST = "lost", _("Lost")

    # Every status change goes through ``documents.common.documents_move``. A document in a
    # handover goes back to where it was (filed when still boxed) or, accepted, to the archive
    # room (received there, to be filed again); one on loan comes back the same way; a
    # destroyed one never moves again.
    TRANSITIONS = {
        Status.RECEIVED: {Status.FILED, Status.IN_HANDOVER, Status.ON_LOAN, Status.DESTROYED},
        Status.FILED: {Status.IN_HANDOVER, Status.ON_LOAN, Status.DESTROYED},
        Status.IN_HANDOVER: {Status.RECEIVED, Status.FILED},
        Status.ON_LOAN: {Status.RECEIVED, Status.FILED, Status.LOST},
        Status.DESTROYED: set(),
        # lost on a loan (R24): off the shelf index, kept in the catalog with its history
        Status.LOST: set(),
    }

    class Custody(models.TextChoices):
        SERVICE_CENTRE = "centre", _("Service centre")
        ARCHIVE = "archive", _("Company archive room")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="documents", verbose_name=_("dossier")
    )
    section = models.ForeignKey(
        Occupancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("section"),
    )
    # the record it belongs to (a lease, a complaint …), when it belongs to one
    record_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("record_type", "record_id")

    category = models.ForeignKey(
        DocumentCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    document_date = models.DateField(_("document date"), db_index=True)
    carrier = models.CharField(
        _("carrier"), max_length=20, choices=Carrier.choices, default=Carrier.PAPER
    )
    has_paper_counterpart = models.BooleanField(_("paper counterpart exists"), default=False)
    is_original = models.BooleanField(_("original"), default=True)
    original_location = models.CharField(
        _("where the original is"),
        max_length=200,
        blank=True,
        help_text=_("Required for a copy."),
    )
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    expected_pages = models.PositiveIntegerField(
        _("pages expected"), null=True, blank=True, help_text=_("As listed on the cover or form.")
    )
    expected_copies = models.PositiveIntegerField(_("copies expected"), null=True, blank=True)
    secrecy_level = models.CharField(
        _("secrecy level"), max_length=1, choices=SecrecyLevel.choices, blank=True
    )
    retention = models.CharField(
        _("retention period"), max_length=20, choices=Retention.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    custody = models.CharField(
        _("custody"), max_length=10, choices=Custody.choices, default=Custody.SERVICE_CENTRE
    )
    box = models.ForeignKey(
        Box,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("box"),
    )
    item_number = models.PositiveIntegerField(_("item number"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    # the electronic file, if any (R45): stored under a generated name, never served directly
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True, max_length=200)
    file_name = models.CharField(_("original file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=50, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_checked_at = models.DateTimeField(_("integrity checked at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["dossier", "-document_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["box", "item_number"],
                condition=Q(box__isnull=False, item_number__isnull=False),
                name="document_unique_item_in_box",
            ),
            # R13: a copy says where the original is
            models.CheckConstraint(
                condition=Q(is_original=True) | ~Q(original_location=""),
                name="document_copy_names_original",
            ),
        ]
        indexes = [
            models.Index(fields=["dossier", "category"], name="document_category_idx"),
            # the filing page: the documents still to be filed, read from this index alone
            # (no table page each) with what its order and the visibility check need; 19 -> 13
            # ms of its page's query at 100,000 units (docs/PERFORMANCE.md, "Sixth pass")
            models.Index(
                fields=["dossier", "document_date", "id"],
                include=["secrecy_level"],
                condition=Q(status="received"),
                name="document_waiting_idx",
            ),
        ]
        permissions = [
            ("file_document", _("Can file documents into boxes")),
            ("download_document", _("Can download document files")),
        ]

    def __str__(self):
        return f"{self.dossier.archive_number} {self.title}"

    @property
    def is_confidential(self):
        return self.secrecy_level in CONFIDENTIAL_LEVELS

    @property
    def reference(self):
        """The archive number stamped on a filed item (R15)."""
        if self.item_number is None:
            return ""
        return f"{self.dossier.archive_number}-{self.item_number:03d}"

    @property
    def location(self):
        return str(self.box) if self.box_id else ""


class RequiredDocument(models.Model):
    """The checklist: what a dossier must hold for a customer kind and occupancy role."""

    customer_kind = models.CharField(
        _("customer kind"),
        max_length=20,
        choices=Customer.Kind.choices,
        blank=True,
        help_text=_("Empty: every kind."),
    )
    role = models.CharField(
        _("as"),
        max_length=10,
        choices=Occupancy.Role.choices,
        blank=True,
        help_text=_("Empty: owners and tenants."),
    )
    category = models.ForeignKey(
        DocumentCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["customer_kind", "role", "category__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_kind", "role", "category"], name="required_document_unique"
            )
        ]

    def __str__(self):
        return str(self.category)


class StorageInspection(models.Model):
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("room")
    )
    inspected_on = models.DateField(_("date"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspector"),
    )
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    humidity = models.PositiveSmallIntegerField(_("relative humidity (%)"), null=True, blank=True)
    damp = models.BooleanField(_("damp"), default=False)
    pests = models.BooleanField(_("pests"), default=False)
    damage = models.BooleanField(_("damage"), default=False)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("storage inspection")
        verbose_name_plural = _("storage inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.room} {self.inspected_on}"

    @property
    def has_problems(self):
        return self.damp or self.pests or self.damage


# the handover's models live with the handover (documents/handover/models.py)
from documents.handover.models import Handover, HandoverItem  # noqa: E402, F401
