"""Forms of leases, deposits, charges and payments: validation only, every error beside its
field. Amounts may be typed the way people write them (¥5,000、５０００元); dates and periods
too (2026年10月). The services check everything again."""

import unicodedata
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import DATE, date_not_in_future
from customers.models import Customer, Estate, Occupancy
from records.finance.selectors import linkable_lease_deposits, tenant_choices
from records.finance.services import FORFEIT, REFUND, parse_period
from records.models import Charge, Deposit, Lease, Payment


def _plain(value):
    """Full-width characters to ordinary ones (Chinese input methods), spaces trimmed."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


class MoneyField(forms.DecimalField):
    """Yuan with two decimals; accepts ¥5,000.00, ５０００, 5000元."""

    def __init__(self, *, allow_zero=False, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0") if allow_zero else Decimal("0.01"))
        error_messages = {
            "min_value": _("The amount cannot be negative.")
            if allow_zero
            else _("The amount must be more than zero."),
            "invalid": _("Enter an amount in yuan, for example 1280.50."),
            "max_decimal_places": _("At most two decimals (fen)."),
            **kwargs.pop("error_messages", {}),
        }
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(error_messages=error_messages, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _plain(value)
            for mark in ("¥", "元", ",", " "):
                value = value.replace(mark, "")
        return super().to_python(value)


class ReceiptField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("Receipt number"))
        super().__init__(**kwargs)

    def to_python(self, value):
        return _plain(super().to_python(value))


def _receipt_taken(model, number):
    return bool(number) and model.objects.filter(receipt_number=number).exists()


# --- Leases -----------------------------------------------------------------------------------
class LeaseTermForm(forms.Form):
    """The term, rent and deposit of a lease (new or renewal)."""

    contract_number = forms.CharField(label=_("Contract number"), max_length=50)
    landlord = forms.CharField(label=_("Landlord"), max_length=100, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    rent = MoneyField(label=_("Rent per month (yuan)"), allow_zero=True)
    payment_cycle = forms.ChoiceField(
        label=_("Payment cycle"), choices=Lease.Cycle.choices, initial=Lease.Cycle.MONTHLY
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    deposit = forms.ModelChoiceField(
        Deposit.objects.none(),
        label=_("Deposit on file"),
        required=False,
        empty_label=_("— none, or record it below —"),
    )
    deposit_amount = MoneyField(label=_("New deposit: amount (yuan)"), required=False)
    deposit_receipt_number = ReceiptField(label=_("New deposit: receipt number"), required=False)
    deposit_received_on = forms.DateField(
        label=_("New deposit: received on"),
        widget=DATE,
        required=False,
        help_text=_("The signing date when left empty."),
    )
    deposit_payer = forms.CharField(
        label=_("New deposit: paid by"),
        max_length=100,
        required=False,
        help_text=_("The tenant when left empty."),
    )

    DEPOSIT_FIELDS = (
        "deposit",
        "deposit_amount",
        "deposit_receipt_number",
        "deposit_received_on",
        "deposit_payer",
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["deposit"].queryset = linkable_lease_deposits(dossier)
        self.fields["deposit"].label_from_instance = lambda d: (
            _("%(number)s · %(amount)s · received %(date)s")
            % {"number": d.receipt_number, "amount": f"¥{d.amount:,.2f}", "date": d.received_on}
        )

    @property
    def term_fields(self):
        return [self[name] for name in self.fields if name not in self.DEPOSIT_FIELDS]

    @property
    def deposit_fields(self):
        return [self[name] for name in self.DEPOSIT_FIELDS]

    def clean_contract_number(self):
        return _plain(self.cleaned_data["contract_number"])

    def clean(self):
        cleaned = super().clean()
        starts, ends, signed = (cleaned.get(k) for k in ("starts_on", "ends_on", "signed_on"))
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The lease must end after it starts."))
        if signed and ends and signed > ends:
            self.add_error("signed_on", _("The lease cannot be signed after its term has ended."))
        date_not_in_future(self, "signed_on", _("The signing date is in the future."))
        existing, amount = cleaned.get("deposit"), cleaned.get("deposit_amount")
        number = cleaned.get("deposit_receipt_number")
        if existing and (amount or number):
            self.add_error("deposit", _("Choose a deposit on file or record a new one, not both."))
        if amount and not number:
            self.add_error("deposit_receipt_number", _("Enter the receipt number of the deposit."))
        if number and not amount and not existing:
            self.add_error("deposit_amount", _("Enter the amount of the deposit."))
        if _receipt_taken(Deposit, number):
            self.add_error(
                "deposit_receipt_number",
                _("Receipt number %(number)s is already on file.") % {"number": number},
            )
        date_not_in_future(self, "deposit_received_on", _("The receipt date is in the future."))
        return cleaned


class LeaseForm(LeaseTermForm):
    tenant = forms.ModelChoiceField(Customer.objects.none(), label=_("Tenant"))

    field_order = ["tenant"]

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["tenant"].queryset = tenant_choices(dossier)
        self.fields["tenant"].label_from_instance = lambda c: (
            f"{c.name}（{Occupancy.Role.TENANT.label}）" if c.is_tenant else c.name
        )
        owners = Occupancy.objects.current().filter(dossier=dossier, role=Occupancy.Role.OWNER)
        self.fields["landlord"].initial = "、".join(
            owners.order_by("section_number").values_list("customer__name", flat=True)
        )
        self.fields["tenant"].help_text = _("A customer holding a current section of this dossier.")
        self.fields["signed_on"].initial = timezone.localdate()


class LeaseRenewForm(LeaseTermForm):
    """The new term of a lease in force; it must start after the old one started and end after
    it ends. Without a new deposit the renewal keeps the old lease's."""

    def __init__(self, *args, lease, **kwargs):
        self.lease = lease
        super().__init__(*args, dossier=lease.dossier, **kwargs)
        day = timezone.timedelta(days=1)
        length = lease.ends_on - lease.starts_on
        self.initial = {
            "landlord": lease.landlord,
            "signed_on": timezone.localdate(),
            "starts_on": lease.ends_on + day,
            "ends_on": lease.ends_on + length + day,
            "rent": lease.rent,
            "payment_cycle": lease.payment_cycle,
            **self.initial,
        }
        self.fields["deposit"].empty_label = _("— keep the deposit of the renewed lease —")

    def clean(self):
        cleaned = super().clean()
        if (starts := cleaned.get("starts_on")) and starts <= self.lease.starts_on:
            self.add_error(
                "starts_on",
                _("The new term must start after the current one started (%(date)s).")
                % {"date": date_format(self.lease.starts_on)},
            )
        if (ends := cleaned.get("ends_on")) and ends <= self.lease.ends_on:
            self.add_error(
                "ends_on",
                _("The new term must end after the current one ends (%(date)s).")
                % {"date": date_format(self.lease.ends_on)},
            )
        return cleaned


class LeaseTerminateForm(forms.Form):
    terminated_on = forms.DateField(label=_("Terminated on"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lease, **kwargs):
        super().__init__(*args, **kwargs)
        self.lease = lease
        self.fields["terminated_on"].initial = timezone.localdate()

    def clean_terminated_on(self):
        day = self.cleaned_data["terminated_on"]
        if day < self.lease.signed_on:
            raise forms.ValidationError(
                _("A lease cannot end before it was signed (%(date)s).")
                % {"date": date_format(self.lease.signed_on)}
            )
        return day


# --- Deposits ---------------------------------------------------------------------------------
class DepositForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Deposit.Kind.choices)
    payer = forms.CharField(label=_("Paid by"), max_length=100)
    amount = MoneyField(label=_("Amount (yuan)"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    receipt_number = ReceiptField()
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["received_on"].initial = timezone.localdate()

    def clean_receipt_number(self):
        number = self.cleaned_data["receipt_number"]
        if _receipt_taken(Deposit, number):
            raise forms.ValidationError(
                _("Receipt number %(number)s is already on file.") % {"number": number}
            )
        return number

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "received_on", _("The receipt date is in the future."))
        return cleaned


class DepositSettleForm(forms.Form):
    """Ask for a refund (all or part: the rest is deducted) or a forfeit."""

    settlement = forms.ChoiceField(
        label=_("Settlement"),
        choices=[(REFUND, _("Refund")), (FORFEIT, _("Forfeit"))],
        widget=forms.RadioSelect,
        initial=REFUND,
    )
    refund_amount = MoneyField(
        label=_("Amount to refund (yuan)"),
        required=False,
        help_text=_("What is not refunded is deducted. Left empty for a forfeit."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, deposit, **kwargs):
        super().__init__(*args, **kwargs)
        self.deposit = deposit
        self.fields["refund_amount"].initial = deposit.amount

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("settlement") == REFUND:
            amount = cleaned.get("refund_amount")
            if amount is None and "refund_amount" not in self.errors:
                self.add_error(
                    "refund_amount", _("Enter the amount to refund; to keep it all, forfeit.")
                )
            elif amount is not None and amount > self.deposit.amount:
                self.add_error(
                    "refund_amount",
                    _("At most the deposit, %(amount)s, can be refunded.")
                    % {"amount": f"¥{self.deposit.amount:,.2f}"},
                )
        else:
            cleaned["refund_amount"] = None
            self.errors.pop("refund_amount", None)
        return cleaned


class DepositDecideForm(forms.Form):
    """A manager's decision on a requested refund or forfeit."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose approve or reject.")},
    )
    settled_on = forms.DateField(label=_("Settled on"), widget=DATE, required=False)
    refund_receipt_number = ReceiptField(label=_("Refund voucher number"), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Required when rejecting."),
    )

    def __init__(self, *args, deposit, **kwargs):
        super().__init__(*args, **kwargs)
        self.deposit = deposit
        self.fields["settled_on"].initial = timezone.localdate()
        if deposit.status != Deposit.Status.REFUND_REQUESTED:
            del self.fields["refund_receipt_number"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == "reject" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the request is rejected."))
        if decision == "approve":
            if "refund_receipt_number" in self.fields and not cleaned.get("refund_receipt_number"):
                self.add_error(
                    "refund_receipt_number", _("Enter the number of the refund voucher.")
                )
            day = cleaned.get("settled_on")
            if day and day < self.deposit.received_on:
                self.add_error(
                    "settled_on",
                    _("A deposit cannot be settled before it was received (%(date)s).")
                    % {"date": date_format(self.deposit.received_on)},
                )
            date_not_in_future(self, "settled_on", _("The settlement date is in the future."))
        return cleaned


# --- Charges and payments ---------------------------------------------------------------------
class ChargeForm(forms.Form):
    item = forms.ChoiceField(label=pgettext_lazy("charge", "Item"), choices=Charge.Item.choices)
    period = forms.CharField(
        label=_("Billing period"),
        max_length=20,
        help_text=_("Year and month, e.g. 2026-10."),
        widget=forms.TextInput(attrs={"placeholder": "2026-10"}),
    )
    amount = MoneyField(label=_("Amount due (yuan)"))
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        today = timezone.localdate()
        self.fields["period"].initial = f"{today:%Y-%m}"

    def clean_period(self):
        return parse_period(_plain(self.cleaned_data["period"]))

    def clean(self):
        cleaned = super().clean()
        item, period = cleaned.get("item"), cleaned.get("period")
        if (
            item
            and period
            and Charge.objects.filter(dossier=self.dossier, item=item, period=period).exists()
        ):
            self.add_error(
                "period",
                _("%(item)s for %(period)s is already charged to this dossier.")
                % {"item": Charge.Item(item).label, "period": period},
            )
        return cleaned


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    amount = MoneyField(label=_("Amount (yuan)"))
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    receipt_number = ReceiptField()

    def __init__(self, *args, charge, **kwargs):
        super().__init__(*args, **kwargs)
        self.charge = charge
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount"].initial = charge.outstanding

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.charge.outstanding:
            raise forms.ValidationError(
                _("Only %(amount)s is outstanding on this charge.")
                % {"amount": f"¥{self.charge.outstanding:,.2f}"}
            )
        return amount

    def clean_receipt_number(self):
        number = self.cleaned_data["receipt_number"]
        if _receipt_taken(Payment, number):
            raise forms.ValidationError(
                _("Receipt number %(number)s is already on file.") % {"number": number}
            )
        return number

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "paid_on", _("The payment date is in the future."))
        return cleaned


class ArrearsFilterForm(forms.Form):
    estate = forms.ModelChoiceField(
        Estate.objects.all(), label=_("Estate"), required=False, empty_label=_("All estates")
    )
    on = forms.DateField(label=_("As of"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
