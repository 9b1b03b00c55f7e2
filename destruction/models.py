"""Appraisal and destruction (R33–R39): the retention schedule, legal holds, appraisal batches
and their items, the witnesses, and the company's destruction policy.

- ``RetentionRule`` (admin-editable) says how long a category's documents (of a secrecy level)
  are kept and from what (the document's date, the occupant's move-out, the lease's end);
  ``RetentionState`` holds, per document, what that gives: permanent, or the day it falls
  due for appraisal (``destruction.retention``, refreshed nightly and after every decision).
- ``Hold``: a legal hold on a dossier or one document; a held item never enters a batch.
- ``Batch`` (销毁批次): appraised by the archive room with its members, approved by a manager
  (R33), executed after the waiting period by the archive-room head before at least two
  witnesses (R36, R37); ``BatchItem`` is one document with its decision and, once destroyed,
  its tombstone: what the catalog of destroyed files needs (R38), copied at appraisal.
Nothing here is ever deleted: the admin offers no deletion, and the foreign keys protect.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.choices import SecrecyLevel
from customers.models import Dossier
from documents.models import Document, DocumentCategory

USER = settings.AUTH_USER_MODEL


class Policy(models.Model):
    """The company's destruction settings: one row, edited by administrators."""

    customer_files_permanent = models.BooleanField(
        _("keep customer files permanently"),
        default=True,
        help_text=_(
            "Customer files are not destroyed: while this is on, the documents of a dossier "
            "whose retention is permanent are never due, whatever their own schedule."
        ),
    )
    waiting_days = models.PositiveSmallIntegerField(
        _("waiting days before execution"),
        default=7,
        help_text=_("Between a batch's approval and its execution; it can be withdrawn then."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("destruction policy")
        verbose_name_plural = _("destruction policy")

    def __str__(self):
        return str(_("Destruction policy"))

    @classmethod
    def current(cls) -> "Policy":
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls.objects.create()


class Trigger(models.TextChoices):
    DOCUMENT_DATE = "document_date", _("The document's date")
    MOVE_OUT = "move_out", _("The occupant's move-out")
    LEASE_END = "lease_end", _("The lease's end")


class RetentionRule(models.Model):
    """One row of the retention schedule (R39). A rule matches a document when every criterion
    it sets matches (an empty one matches all); of the matching rules the longest keeping wins
    (permanent above every number of years), and any of them asking for the engineering
    department's opinion makes the document technical (R35)."""

    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        DocumentCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document category"),
        help_text=_("Empty: every category."),
    )
    secrecy_level = models.CharField(
        _("secrecy level"),
        max_length=1,
        choices=SecrecyLevel.choices,
        blank=True,
        help_text=_("Empty: every level."),
    )
    permanent = models.BooleanField(_("kept permanently"), default=False)
    years = models.PositiveSmallIntegerField(
        _("years kept"), null=True, blank=True, help_text=_("Empty when kept permanently.")
    )
    trigger = models.CharField(
        _("counted from"), max_length=20, choices=Trigger.choices, default=Trigger.DOCUMENT_DATE
    )
    technical = models.BooleanField(
        _("technical (engineering) records"),
        default=False,
        help_text=_("The engineering department gives its opinion before any decision."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention schedule")
        ordering = ["category__order", "secrecy_level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(permanent=True, years__isnull=True)
                | Q(permanent=False, years__isnull=False, years__gte=1),
                name="retention_rule_permanent_or_years",
            )
        ]

    def __str__(self):
        return self.name

    def describe(self) -> str:
        if self.permanent:
            return str(_("Permanent"))
        return str(_("%(n)s years from %(trigger)s")) % {
            "n": self.years,
            "trigger": self.get_trigger_display(),
        }


class RetentionState(models.Model):
    """What the schedule, the policy and the last appraisal give one document: permanent, or
    the day it is due for appraisal. Computed by ``destruction.retention.refresh``."""

    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="retention_state", primary_key=True
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    permanent = models.BooleanField(_("permanent"), default=True)
    due_on = models.DateField(_("due for appraisal on"), null=True, blank=True)
    technical = models.BooleanField(_("technical"), default=False)
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    # set by an appraisal decision (keep for N years, undecided: next year, R34); wins over the
    # schedule while it lasts
    review_on = models.DateField(_("next appraisal on"), null=True, blank=True)
    review_batch = models.ForeignKey(
        "Batch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("retention state")
        verbose_name_plural = _("retention states")
        indexes = [
            models.Index(
                fields=["due_on", "document"],
                condition=Q(permanent=False),
                name="retention_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.document_id}: {self.due_on or '—'}"


class Hold(models.Model):
    """A legal hold (R33: nothing under it is destroyed) on a whole dossier or one document.
    Lifting it destroys nothing: the items go back to the schedule."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="holds", verbose_name=_("dossier")
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holds",
        verbose_name=_("document"),
        help_text=_("Empty: the whole dossier."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.CharField(_("reason for lifting"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["-placed_at", "-id"], name="hold_newest_idx"),
            models.Index(
                fields=["dossier", "document"],
                condition=Q(lifted_at__isnull=True),
                name="hold_active_idx",
            ),
        ]
        permissions = [("place_hold", _("Can place and lift legal holds"))]

    def __str__(self):
        return f"{self.dossier.archive_number} {self.document or _('whole dossier')}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class Method(models.TextChoices):
    # R36: shredded when confidential; never sold or reused as waste paper
    SHRED = "shred", _("Shredding")
    PULP = "pulp", _("Pulping by a contracted destruction company")
    INCINERATE = "incinerate", _("Incineration")
    ERASE = "erase", _("Erasure of the electronic file only")


class Batch(models.Model):
    """One appraisal and the destruction it decides (销毁批次)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being appraised")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved, waiting")
        EXECUTING = "executing", _("Being destroyed")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.DRAFT, Status.APPROVED, Status.WITHDRAWN},
        # a batch with nothing left to destroy is completed at approval
        Status.APPROVED: {Status.EXECUTING, Status.WITHDRAWN, Status.COMPLETED},
        Status.EXECUTING: {Status.COMPLETED},
        Status.COMPLETED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.EXECUTING)

    number = models.CharField(_("batch number"), max_length=20, unique=True, null=True)  # noqa: DJ001
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    members = models.ManyToManyField(
        USER, related_name="+", blank=True, verbose_name=_("members of the appraisal")
    )
    members_note = models.CharField(
        _("other members"),
        max_length=300,
        blank=True,
        help_text=_("Members of the appraisal who have no account."),
    )
    appraisal_note = models.TextField(_("appraisal notes"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.CharField(_("approval note"), max_length=300, blank=True)
    executable_from = models.DateTimeField(_("executable from"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # the execution (R36, R37)
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    executed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("executed by"),
    )
    execution_started_at = models.DateTimeField(_("destruction started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    register_file = models.FileField(
        _("destruction register"), upload_to="destruction/registers/", blank=True, max_length=200
    )
    register_sha256 = models.CharField(_("register SHA-256"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("destruction batch")
        verbose_name_plural = _("destruction batches")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="batch_newest_idx")]
        permissions = [
            ("appraise_batch", _("Can appraise and open destruction batches")),
            ("approve_batch", _("Can approve destruction batches")),
            ("execute_batch", _("Can destroy approved batches")),
            ("witness_destruction", _("Can witness a destruction")),
            ("give_engineering_opinion", _("Can give the engineering opinion")),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Decision(models.TextChoices):
    PENDING = "pending", _("Not yet decided")
    DESTROY = "destroy", _("Destroy")
    KEEP = "keep", _("Keep")
    UNDECIDED = "undecided", _("Value undecided: appraise next year")


class BatchItem(models.Model):
    """One document of a batch: its decision, why it left the batch, and once destroyed, its
    tombstone (the catalog's line, copied at appraisal so later edits do not change it)."""

    class State(models.TextChoices):
        IN = "in", pgettext_lazy("batch item", "In the batch")
        BLOCKED = "blocked", _("Left the batch")
        DESTROYED = "destroyed", _("Destroyed")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="items")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="destruction_items"
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    keep_years = models.PositiveSmallIntegerField(_("kept for (years)"), null=True, blank=True)
    keep_permanently = models.BooleanField(_("kept permanently"), default=False)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    technical = models.BooleanField(_("technical"), default=False)
    engineering_opinion = models.TextField(_("engineering opinion"), blank=True)
    engineering_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    engineering_at = models.DateTimeField(_("opinion given at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.IN)
    # in a batch that is still open (a document sits in one open batch at a time)
    open = models.BooleanField(default=True)
    blocked_reason = models.CharField(_("why it left"), max_length=300, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    # the tombstone (R38): what the catalog of destroyed files shows, copied at appraisal
    reference = models.CharField(_("archive reference"), max_length=60, blank=True)
    archive_number = models.CharField(_("archive number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    category_name = models.CharField(_("category"), max_length=100)
    document_date = models.DateField(_("document date"))
    carrier = models.CharField(_("carrier"), max_length=20)
    secrecy_level = models.CharField(_("secrecy level"), max_length=1, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("batch item")
        verbose_name_plural = _("batch items")
        ordering = ["batch", "archive_number", "document_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "document"], name="batch_item_once"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(open=True), name="batch_item_one_open_batch"
            ),
        ]
        indexes = [
            models.Index(
                fields=["-destroyed_at", "-id"],
                condition=Q(state="destroyed"),
                name="batch_item_catalog_idx",
            )
        ]

    def __str__(self):
        return f"{self.reference or self.archive_number} {self.title}"


class Witness(models.Model):
    """A witness (监销人) named for a batch's destruction, and their confirmation (R37)."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="witnesses")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # no longer named (the plan changed); kept, as everything here
    released = models.BooleanField(_("no longer a witness"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "user"], name="witness_once_per_batch")
        ]

    def __str__(self):
        return str(self.user)
