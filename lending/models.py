"""Lending (R18–R29): the rules, the loans and their items, renewals, the escalation ledger,
return incidents, copies, and the holiday table of working-day counting.

A loan takes items of one dossier: documents (a whole-dossier loan lists every document the
dossier holds on the shelf, ``whole_dossier``). What may be lent, how and for how long comes
from ``LendingRule`` (every rule that matches an item applies; the strictest wins,
``lending.rules``). The database holds "one loan out per document" (a partial unique index on
``LoanItem``), so two archivists handing out one item at the same moment cannot both succeed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import masking
from core.choices import SecrecyLevel
from customers.models import Dossier
from documents.models import Carrier, Document, DocumentCategory

USER = settings.AUTH_USER_MODEL


class Mode(models.TextChoices):
    READ_ARCHIVE = "read_archive", _("Read in the archive room")
    READ_OFFICE = "read_office", _("Read in the customer-service office")
    TAKE_OUT = "take_out", _("Take out")
    COPY = "copy", _("Copy, excerpt or photograph")


ON_SITE_MODES = (Mode.READ_ARCHIVE, Mode.READ_OFFICE)


class Access(models.TextChoices):
    """How a rule lets an item be used in one mode; the strictest of the matching rules wins."""

    REGISTRATION = "registration", _("On registration")
    APPROVAL = "approval", _("With a manager's approval")
    REFUSED = "refused", pgettext_lazy("lending access", "Not allowed")


ACCESS_ORDER = {Access.REGISTRATION: 0, Access.APPROVAL: 1, Access.REFUSED: 2}


class ItemKind(models.TextChoices):
    DOSSIER = "dossier", _("Whole dossier")
    DOCUMENT = "document", _("Document")


class LendingRule(models.Model):
    """One rule of the archive room, edited by administrators. A rule matches an item when
    every criterion it sets matches (an empty one matches all); each matching rule applies and
    the strictest answer wins: the strictest access per mode, the fewest days, renewals and
    items, and any consent one of them asks for."""

    name = models.CharField(_("name"), max_length=100)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=ItemKind.choices, default=ItemKind.DOCUMENT
    )
    category = models.ForeignKey(
        DocumentCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document category"),
        help_text=_("Empty: every category."),
    )
    carrier = models.CharField(
        _("carrier"),
        max_length=20,
        choices=Carrier.choices,
        blank=True,
        help_text=_("Empty: every carrier."),
    )
    secrecy_level = models.CharField(
        _("secrecy level"),
        max_length=1,
        choices=SecrecyLevel.choices,
        blank=True,
        help_text=_("Empty: every level."),
    )
    read_archive = models.CharField(
        Mode.READ_ARCHIVE.label, max_length=12, choices=Access.choices, default=Access.REGISTRATION
    )
    read_office = models.CharField(
        Mode.READ_OFFICE.label, max_length=12, choices=Access.choices, default=Access.REGISTRATION
    )
    take_out = models.CharField(
        Mode.TAKE_OUT.label, max_length=12, choices=Access.choices, default=Access.APPROVAL
    )
    copy = models.CharField(
        Mode.COPY.label, max_length=12, choices=Access.choices, default=Access.APPROVAL
    )
    loan_days = models.PositiveSmallIntegerField(
        _("loan days"), null=True, blank=True, help_text=_("Empty: the default (7 days).")
    )
    renewals = models.PositiveSmallIntegerField(
        _("renewals allowed"), null=True, blank=True, help_text=_("Empty: no limit of its own.")
    )
    renewal_days = models.PositiveSmallIntegerField(_("days per renewal"), null=True, blank=True)
    renewal_needs_approval = models.BooleanField(_("renewal needs approval"), default=False)
    max_items = models.PositiveSmallIntegerField(
        _("most items a borrower may hold"), null=True, blank=True
    )
    personal_data = models.BooleanField(
        _("holds personal data"),
        default=False,
        help_text=_(
            "R19: every use needs the service-centre head's consent, and copies are followed "
            "until they are returned or destroyed."
        ),
    )
    owner_consent = models.BooleanField(
        _("owner's consent needed"),
        default=False,
        help_text=_("R19: the owner's consent is recorded before the loan is approved."),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lending rule")
        verbose_name_plural = _("lending rules")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name

    def access(self, mode) -> str:
        return getattr(self, str(mode))


class Holiday(models.Model):
    """A day off (or a make-up working day, 调休) of the working-day count, kept by
    administrators year by year: no library's calendar is trusted past the years it knows."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("A weekend day worked in exchange for a holiday."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name}"


class BorrowerKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    EXECUTIVE = "executive", _("Executive (direct)")
    OUTSIDE = "outside", _("Outside party")


class OutsideParty(models.TextChoices):
    POLICE = "police", _("Police")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")
    OTHER = "other", _("Other authority")


class LoanQuerySet(models.QuerySet):
    def out(self):
        return self.filter(status__in=Loan.OUT_STATUSES)


class Loan(models.Model):
    """A loan request (档案借阅登记表 / 出借单) and, once approved and handed out, the loan."""

    # R16: an outside party's credential number is shown masked (admin, history, register)
    PERSONAL_FIELDS = {"party_credential": masking.ID}

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        OUT = "out", _("Out")
        RENEWED = "renewed", pgettext_lazy("loan status", "Renewed")
        RETURN_CHECKED = "return_checked", _("Return checked")
        RETURNED = "returned", _("Returned")
        LOST = "lost", _("Closed with items lost")
        COPIED = "copied", _("Copies made")

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REJECTED, Status.CANCELLED},
        Status.APPROVED: {Status.OUT, Status.COPIED, Status.CANCELLED},
        Status.OUT: {Status.RENEWED, Status.RETURN_CHECKED},
        Status.RENEWED: {Status.RENEWED, Status.RETURN_CHECKED},
        # the borrower does not confirm the check: it is done again
        Status.RETURN_CHECKED: {Status.RETURNED, Status.LOST, Status.OUT, Status.RENEWED},
        Status.REJECTED: set(),
        Status.CANCELLED: set(),
        Status.RETURNED: set(),
        Status.LOST: set(),
        Status.COPIED: set(),
    }
    # items are out of the shelf (the ledger, clearance, the desk's "out")
    OUT_STATUSES = (Status.OUT, Status.RENEWED, Status.RETURN_CHECKED)
    WAITING_STATUSES = (Status.REQUESTED, Status.APPROVED)

    # drawn from the primary key once the row exists (JY2026-000123): null until then
    number = models.CharField(_("loan number"), max_length=20, unique=True, null=True)  # noqa: DJ001
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="loans", verbose_name=_("dossier")
    )
    whole_dossier = models.BooleanField(_("whole dossier"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    days = models.PositiveSmallIntegerField(_("days"))

    borrower_kind = models.CharField(
        _("borrower"), max_length=10, choices=BorrowerKind.choices, default=BorrowerKind.STAFF
    )
    borrower = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("borrower"),
        help_text=_("Empty for an outside party."),
    )
    # R20: an outside party reads with its credential and an assistance notice
    party = models.CharField(
        _("outside party"), max_length=20, choices=OutsideParty.choices, blank=True
    )
    party_organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    party_person = models.CharField(_("person"), max_length=50, blank=True)
    party_credential = models.CharField(_("credential number"), max_length=50, blank=True)
    party_notice = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assistance notice"),
    )

    # what the rules asked for, fixed when the request was made (lending.rules)
    needs_approval = models.BooleanField(_("needs a manager's approval"), default=True)
    needs_legal = models.BooleanField(_("needs the legal department's approval"), default=False)
    needs_owner_consent = models.BooleanField(_("needs the owner's consent"), default=False)
    personal_data = models.BooleanField(_("holds personal data"), default=False)
    renewals_allowed = models.PositiveSmallIntegerField(
        _("renewals allowed"), null=True, blank=True
    )
    renewal_days = models.PositiveSmallIntegerField(_("days per renewal"), default=7)
    renewal_needs_approval = models.BooleanField(_("renewal needs approval"), default=False)

    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    owner_consent_at = models.DateTimeField(_("owner's consent recorded at"), null=True, blank=True)
    owner_consent_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_consent_note = models.CharField(_("owner's consent"), max_length=200, blank=True)
    legal_approved_at = models.DateTimeField(_("legal approval at"), null=True, blank=True)
    legal_approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    handed_out_at = models.DateTimeField(_("handed out at"), null=True, blank=True)
    handed_out_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed out by"),
    )
    # the current period: from the checkout, then from each renewal (the ledger re-arms)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    escalate_on = models.DateField(_("escalated on"), null=True, blank=True)
    renewal_count = models.PositiveSmallIntegerField(_("renewals"), default=0)
    escalated = models.BooleanField(_("escalated"), default=False)

    return_checked_at = models.DateTimeField(_("return checked at"), null=True, blank=True)
    return_checked_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return checked by"),
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_confirmed_at_desk = models.BooleanField(_("confirmed at the desk"), default=False)

    history = HistoricalRecords()
    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # the desk and the ledger: what is out, by due day
            models.Index(fields=["status", "due_on", "id"], name="loan_status_due_idx"),
            # the approval queue and the lists, newest first
            models.Index(
                fields=["status", "-requested_at", "-id"], name="loan_status_requested_idx"
            ),
            models.Index(fields=["borrower", "status"], name="loan_borrower_status_idx"),
            # the desk's loans out by due day (out, due today, overdue, escalated, to check
            # back): one ordered scan, whichever of the three statuses a tab lists
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=["out", "renewed", "return_checked"]),
                name="loan_out_due_idx",
            ),
            models.Index(fields=["dossier", "-requested_at"], name="loan_dossier_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(borrower__isnull=False) | Q(borrower_kind="outside"),
                name="loan_borrower_or_outside_party",
            ),
        ]
        permissions = [
            ("approve_loan", _("Can approve loans, renewals and copies")),
            ("approve_outside_loan", _("Can approve outside parties' reading (legal)")),
            ("hand_out_loan", _("Can hand out loans, check returns and make copies")),
            ("borrow_directly", _("Borrows without separate approval (executive)")),
            ("handle_incident", _("Can handle loss and damage")),
            ("view_all_loans", _("Can see every loan and the staff holding items")),
            ("lead_archive_room", _("Is the archive-room head (told of escalations)")),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_out(self):
        return self.status in self.OUT_STATUSES

    @property
    def borrower_label(self):
        if self.borrower_kind == BorrowerKind.OUTSIDE:
            return (
                f"{self.get_party_display()} {self.party_organisation} {self.party_person}".strip()
            )
        return str(self.borrower) if self.borrower_id else ""


class LoanItem(models.Model):
    """One document of a loan, and how it came back (R25)."""

    class Condition(models.TextChoices):
        INTACT = "intact", _("Intact")
        DAMAGED = "damaged", _("Damaged")
        MISSING = "missing", _("Missing")

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="loan_items", verbose_name=_("document")
    )
    # the document's status before it went out, to which it returns
    status_before = models.CharField(max_length=20, choices=Document.Status.choices, blank=True)
    out = models.BooleanField(_("out"), default=False)
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, blank=True
    )
    pages_back = models.PositiveIntegerField(_("pages back"), null=True, blank=True)
    copies_back = models.PositiveIntegerField(_("copies back"), null=True, blank=True)
    check_note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan item")
        verbose_name_plural = _("loan items")
        ordering = ["loan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "document"], name="loan_item_once_per_loan"),
            # R22/R25: a document is out on one loan at a time, whatever two desks do at once
            models.UniqueConstraint(
                fields=["document"], condition=Q(out=True), name="loan_item_one_out_per_document"
            ),
        ]

    def __str__(self):
        return f"{self.loan} {self.document.title}"


class Renewal(models.Model):
    """A renewal (续借) asked by the borrower; approved where the rules say (R23)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", pgettext_lazy("renewal status", "Refused")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REFUSED, Status.CANCELLED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
        Status.CANCELLED: set(),
    }

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="renewals")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        ordering = ["loan", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=Q(status="requested"), name="renewal_one_waiting"
            )
        ]

    def __str__(self):
        return f"{self.loan} +{self.days}"


class Notice(models.Model):
    """The escalation ledger (R23): one row per loan, period and level, sent once. A renewal
    opens a new period (the ledger re-arms); a missed day catches up with the highest level
    due, not every level."""

    class Level(models.IntegerChoices):
        REMINDER = 1, _("Due today")
        OVERDUE = 2, _("Overdue: renew or return")
        ESCALATION = 3, pgettext_lazy("loan", "Escalation")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="notices")
    period = models.PositiveSmallIntegerField(_("period"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    day = models.DateField(_("day"))
    borrower = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loan_notices",
        verbose_name=_("recorded against"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.CharField(_("told"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("loan notice")
        verbose_name_plural = _("loan notices")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "period", "level"], name="notice_once_per_loan_period_level"
            )
        ]
        indexes = [models.Index(fields=["level", "-day"], name="notice_level_day_idx")]

    def __str__(self):
        return f"{self.loan} {self.get_level_display()} {self.day}"


class Incident(models.Model):
    """Loss or damage found at a return (R24), graded by the item's importance and handled by a
    manager."""

    class Kind(models.TextChoices):
        DAMAGED = "damaged", _("Damaged")
        MISSING = "missing", _("Missing")

    class Grade(models.TextChoices):
        MAJOR = "major", _("Major (an original, or confidential)")
        MINOR = "minor", _("Minor (a copy of general material)")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incident status", "Open")
        HANDLED = "handled", _("Handled")

    TRANSITIONS = {Status.OPEN: {Status.HANDLED}, Status.HANDLED: set()}

    item = models.OneToOneField(LoanItem, on_delete=models.PROTECT, related_name="incident")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    description = models.CharField(_("description"), max_length=500)
    responsible = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan incident")
        verbose_name_plural = _("loan incidents")
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["status", "-reported_at"], name="incident_status_idx")]

    def __str__(self):
        return f"{self.loan} {self.get_kind_display()}"


class CopyRecord(models.Model):
    """Copies, excerpts and photographs made for a loan (R26), registered with their count,
    holder and purpose; copies of personal data are followed until they come back or are
    destroyed (R19)."""

    class Kind(models.TextChoices):
        COPY = "copy", _("Copy")
        EXCERPT = "excerpt", _("Excerpt")
        PHOTO = "photo", _("Photograph")

    class Status(models.TextChoices):
        HELD = "held", pgettext_lazy("copy status", "Held")
        RELEASED = "released", _("Given out (not followed)")
        RETURNED = "returned", _("Returned")
        DESTROYED = "destroyed", _("Destroyed")

    TRANSITIONS = {
        Status.HELD: {Status.RETURNED, Status.DESTROYED},
        Status.RELEASED: set(),
        Status.RETURNED: set(),
        Status.DESTROYED: set(),
    }

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="copies")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="copy_records")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COPY)
    count = models.PositiveSmallIntegerField(_("count"))
    holder = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies_held",
        verbose_name=_("holder"),
    )
    holder_name = models.CharField(_("holder"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    personal_data = models.BooleanField(_("holds personal data"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("copy record")
        verbose_name_plural = _("copy records")
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["holder", "status"], name="copy_holder_status_idx")]

    def __str__(self):
        return f"{self.loan} {self.document.title} ×{self.count}"
