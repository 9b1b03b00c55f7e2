"""Leases, deposits (押金), charges and payments (欠费)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Customer
from records.base import MONEY, DossierRecord


class Deposit(DossierRecord):
    """押金 of any kind. Refunding or forfeiting it needs a manager's approval."""

    class Kind(models.TextChoices):
        LEASE = "lease", _("Lease deposit")
        RENOVATION = "renovation", _("Renovation deposit")
        KEYS = "keys", _("Key deposit")
        ACCESS_CARD = "access_card", _("Access card deposit")
        PARKING = "parking", _("Parking deposit")
        OTHER = "other", _("Other deposit")

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        REFUND_REQUESTED = "refund_requested", _("Refund awaiting approval")
        FORFEIT_REQUESTED = "forfeit_requested", _("Forfeit awaiting approval")
        REFUNDED = "refunded", _("Refunded")
        FORFEITED = "forfeited", _("Forfeited")

    TRANSITIONS = {
        Status.HELD: {Status.REFUND_REQUESTED, Status.FORFEIT_REQUESTED},
        Status.REFUND_REQUESTED: {Status.REFUNDED, Status.HELD},
        Status.FORFEIT_REQUESTED: {Status.FORFEITED, Status.HELD},
        Status.REFUNDED: set(),
        Status.FORFEITED: set(),
    }
    # statuses in which the company still holds the money (the dossier's balance)
    HELD_STATUSES = (Status.HELD, Status.REFUND_REQUESTED, Status.FORFEIT_REQUESTED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    payer = models.CharField(_("paid by"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    received_on = models.DateField(_("received on"))
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.HELD, db_index=True
    )
    # the settlement asked for and decided
    refund_amount = models.DecimalField(
        _("amount to refund (yuan)"), null=True, blank=True, **MONEY
    )
    settlement_reason = models.CharField(_("reason"), max_length=300, blank=True)
    settlement_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement requested by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    refund_receipt_number = models.CharField(_("refund voucher number"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["dossier", "status"], name="deposit_dossier_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_amount_positive"),
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True)
                | Q(refund_amount__gte=0, refund_amount__lte=F("amount")),
                name="deposit_refund_within_amount",
            ),
        ]
        permissions = [("approve_deposit", _("Can approve refunding or forfeiting a deposit"))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.receipt_number}"

    @property
    def forfeited_amount(self):
        if self.status == self.Status.FORFEITED:
            return self.amount
        if self.status == self.Status.REFUNDED and self.refund_amount is not None:
            return self.amount - self.refund_amount
        return None


class Lease(DossierRecord):
    """租赁合同: the tenant, term, rent and its payment cycle, the deposit (R3, R5)."""

    class Cycle(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        RENEWED = "renewed", _("Renewed")
        TERMINATED = "terminated", _("Terminated")

    TRANSITIONS = {
        Status.ACTIVE: {Status.RENEWED, Status.TERMINATED},
        Status.RENEWED: set(),
        Status.TERMINATED: set(),
    }

    tenant = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="leases", verbose_name=_("tenant")
    )
    landlord = models.CharField(_("landlord"), max_length=100, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    rent = models.DecimalField(_("rent per month (yuan)"), **MONEY)
    payment_cycle = models.CharField(
        _("payment cycle"), max_length=20, choices=Cycle.choices, default=Cycle.MONTHLY
    )
    deposit = models.OneToOneField(
        Deposit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lease",
        verbose_name=_("deposit"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    renewal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("renewal of"),
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.CharField(_("reason for termination"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="lease_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(rent__gte=0), name="lease_rent_not_negative"),
        ]

    def __str__(self):
        return _("Lease %(number)s") % {"number": self.contract_number}


class Charge(DossierRecord):
    """应收: what the unit owes for one billing period and item; payments settle it."""

    class Item(models.TextChoices):
        MANAGEMENT = "management", _("Property management fee")
        WATER = "water", _("Water")
        ELECTRICITY = "electricity", _("Electricity")
        GAS = "gas", _("Gas")
        PARKING = "parking", _("Parking fee")
        RENT = "rent", _("Rent")
        OTHER = "other", _("Other")

    item = models.CharField(pgettext_lazy("charge", "item"), max_length=20, choices=Item.choices)
    period = models.CharField(
        _("billing period"), max_length=7, help_text=_("Year and month, e.g. 2026-10.")
    )
    amount = models.DecimalField(_("amount due (yuan)"), **MONEY)
    due_on = models.DateField(_("due on"))
    paid_amount = models.DecimalField(_("amount paid (yuan)"), default=0, **MONEY)
    # the latest day of its payments, kept by payment_record with paid_amount: the arrears of
    # an earlier day need only the charges paid since then (selectors._owed_charges)
    last_paid_on = models.DateField(_("last paid on"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-period", "item", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "item", "period"], name="charge_one_per_item_and_period"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0), name="charge_paid_not_negative"
            ),
            # payment_record never pays beyond what is owed; the arrears of an earlier day
            # count on it (records.finance.selectors._owed_charges)
            models.CheckConstraint(
                condition=Q(paid_amount__lte=F("amount")), name="charge_paid_within_amount"
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], name="charge_due_idx"),
            models.Index(fields=["last_paid_on", "due_on"], name="charge_paid_since_idx"),
        ]

    def __str__(self):
        return f"{self.period} {self.get_item_display()}"

    @property
    def outstanding(self):
        return max(self.amount - self.paid_amount, 0)


class Payment(DossierRecord):
    """A payment received against a charge, with its receipt."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        CARD = "card", _("Bank card")

    charge = models.ForeignKey(
        Charge, on_delete=models.PROTECT, related_name="payments", verbose_name=_("charge")
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            # what was paid on a charge after a day, read from the index alone: the arrears of
            # an earlier day add it up for every charge paid since (selectors._owed_charges)
            models.Index(
                fields=["charge", "paid_on"], include=["amount"], name="payment_charge_day_idx"
            ),
        ]

    def __str__(self):
        return f"{self.receipt_number} ¥{self.amount}"


class DossierBalance(models.Model):
    """What a dossier owes, kept beside it so that today's arrears page reads one row per
    owing dossier instead of adding up every owing charge (docs/PERFORMANCE.md).

    Written only by ``records.finance.balances`` (``charge_add``, ``payment_record``, a saved
    or deleted charge, the nightly job). A row is right for the days from ``as_of`` up to
    ``next_due``: on the day after it a charge falls due and the row is stale. Today's
    arrears read these rows only when none is stale; otherwise the charges themselves."""

    dossier = models.OneToOneField(
        "customers.Dossier",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="balance",
        verbose_name=_("dossier"),
    )
    as_of = models.DateField(_("as of"))
    # the charges due before as_of and not paid in full
    total = models.DecimalField(_("owed (yuan)"), **MONEY)
    periods = models.PositiveIntegerField(_("billing periods"))
    oldest_period = models.CharField(_("oldest period"), max_length=7, blank=True)
    oldest_due = models.DateField(_("oldest due on"), null=True, blank=True)
    # the first due day of a charge not yet due and not paid, if any
    next_due = models.DateField(_("next due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier balance")
        verbose_name_plural = _("dossier balances")
        indexes = [
            # the arrears' order (records.finance.selectors.ORDER)
            models.Index(
                F("total").desc(),
                "oldest_due",
                "dossier",
                name="balance_owed_idx",
                condition=Q(total__gt=0),
            ),
            # the two ways a balance goes stale (records.finance.balances.stale)
            models.Index(fields=["next_due"], name="balance_next_due_idx"),
            models.Index(fields=["as_of"], name="balance_as_of_idx"),
        ]

    def __str__(self):
        return f"{self.dossier_id} ¥{self.total}"
