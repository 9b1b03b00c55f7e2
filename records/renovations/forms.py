"""Forms of the secondary renovation and violation pages: validation only. Every error is said
next to its field; the services check the same rules again."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.widgets import DATE, date_not_in_future
from records.models import Deposit, Renovation, RenovationInspection, Violation

MONEY = {"max_digits": 12, "decimal_places": 2}


class RenovationForm(forms.ModelForm):
    """The application: who applies, what is done, by which contractor, when; and the
    renovation deposit if one is paid with it."""

    deposit_amount = forms.DecimalField(
        label=gettext_lazy("Renovation deposit (yuan)"),
        required=False,
        min_value=Decimal("0.01"),
        **MONEY,
        help_text=gettext_lazy("Leave empty when no deposit is paid with the application."),
    )
    deposit_receipt = forms.CharField(
        label=gettext_lazy("Deposit receipt number"), required=False, max_length=40
    )

    class Meta:
        model = Renovation
        fields = [
            "applicant",
            "applied_on",
            "scope",
            "contractor",
            "contractor_licence",
            "contractor_contact",
            "contractor_phone",
            "planned_start",
            "planned_end",
        ]
        widgets = {
            "applied_on": DATE,
            "planned_start": DATE,
            "planned_end": DATE,
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, applicant="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].initial = timezone.localdate()
        if applicant:
            self.fields["applicant"].initial = applicant

    def clean_deposit_receipt(self):
        receipt = self.cleaned_data["deposit_receipt"].strip()
        if receipt and Deposit.objects.filter(receipt_number=receipt).exists():
            raise forms.ValidationError(_("This receipt number is already used by a deposit."))
        return receipt

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "applied_on")
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the start."))
        amount, receipt = cleaned.get("deposit_amount"), cleaned.get("deposit_receipt")
        if amount is not None and not receipt and "deposit_receipt" not in self.errors:
            self.add_error("deposit_receipt", _("Give the receipt number of the deposit."))
        if receipt and amount is None and "deposit_amount" not in self.errors:
            self.add_error("deposit_amount", _("Give the amount of the deposit."))
        return cleaned

    def _post_clean(self):
        # the model's own checks need the dossier; the service does the rest
        pass


class DecisionForm(forms.Form):
    """The manager's decision; the buttons send ``decision``."""

    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.HiddenInput,
    )
    permit_number = forms.CharField(
        label=gettext_lazy("Permit number"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Leave empty to issue the next number of the year."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note or reason for rejecting"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_permit_number(self):
        number = self.cleaned_data["permit_number"].strip().upper()
        if number and Renovation.objects.filter(permit_number=number).exists():
            raise forms.ValidationError(_("This permit number has already been issued."))
        return number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason for rejecting the application."))
        return cleaned


class StartForm(forms.Form):
    started_on = forms.DateField(label=gettext_lazy("Works started on"), widget=DATE)

    def __init__(self, *args, renovation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.renovation = renovation
        self.fields["started_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "started_on")
        day = cleaned.get("started_on")
        if day and self.renovation and day < self.renovation.applied_on:
            self.add_error("started_on", _("The works cannot start before the application."))
        return cleaned


class InspectionForm(forms.ModelForm):
    """A site inspection; problems found may be recorded as a violation at once."""

    record_violation = forms.BooleanField(
        label=gettext_lazy("Record a violation for the problems found"), required=False
    )
    violation_category = forms.ChoiceField(
        label=gettext_lazy("Kind of violation"),
        choices=Violation.Category.choices,
        initial=Violation.Category.RENOVATION,
        required=False,
    )
    violation_description = forms.CharField(
        label=gettext_lazy("What the violation is"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notice_number = forms.CharField(
        label=gettext_lazy("Rectification notice number"), required=False, max_length=40
    )
    rectify_by = forms.DateField(label=gettext_lazy("Rectify by"), required=False, widget=DATE)

    VIOLATION_FIELDS = (
        "violation_category",
        "violation_description",
        "notice_number",
        "rectify_by",
    )

    class Meta:
        model = RenovationInspection
        fields = ["inspected_on", "inspector", "result", "findings"]
        widgets = {
            "inspected_on": DATE,
            "result": forms.RadioSelect,
            "findings": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, renovation=None, inspector="", **kwargs):
        super().__init__(*args, **kwargs)
        self.renovation = renovation
        self.fields["inspected_on"].initial = timezone.localdate()
        self.fields["result"].choices = RenovationInspection.Result.choices  # no empty radio
        if inspector:
            self.fields["inspector"].initial = inspector

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "inspected_on")
        day = cleaned.get("inspected_on")
        started = self.renovation.started_on if self.renovation else None
        if day and started and day < started:
            self.add_error("inspected_on", _("The inspection cannot be before the works started."))
        issues = cleaned.get("result") == RenovationInspection.Result.ISSUES
        if issues and not cleaned.get("findings", "").strip():
            self.add_error("findings", _("Describe the problems found."))
        if cleaned.get("record_violation"):
            if not issues:
                self.add_error(
                    "record_violation", _("A violation is recorded only when problems are found.")
                )
            if not cleaned.get("violation_category"):
                self.add_error("violation_category", _("Choose the kind of violation."))
            if not cleaned.get("violation_description", "").strip():
                self.add_error("violation_description", _("Describe the violation."))
            rectify_by = cleaned.get("rectify_by")
            if rectify_by and day and rectify_by < day:
                self.add_error(
                    "rectify_by", _("The rectify-by date cannot be before the inspection.")
                )
        return cleaned

    def _post_clean(self):
        pass

    def violation_data(self):
        """The violation to record with the inspection, or None."""
        cleaned = self.cleaned_data
        if not cleaned.get("record_violation"):
            return None
        return {
            "category": cleaned["violation_category"],
            "description": cleaned["violation_description"].strip(),
            "notice_number": cleaned.get("notice_number", ""),
            "rectify_by": cleaned.get("rectify_by"),
        }


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=gettext_lazy("Accepted on"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("Remarks"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, renovation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.renovation = renovation
        self.fields["accepted_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "accepted_on")
        day = cleaned.get("accepted_on")
        started = self.renovation.started_on if self.renovation else None
        if day and started and day < started:
            self.add_error("accepted_on", _("The works cannot be accepted before they started."))
        return cleaned


class ViolationForm(forms.ModelForm):
    """A violation of any kind found in the unit; it may concern one of its renovations."""

    class Meta:
        model = Violation
        fields = [
            "renovation",
            "category",
            "occurred_on",
            "description",
            "notice_number",
            "rectify_by",
        ]
        widgets = {
            "occurred_on": DATE,
            "rectify_by": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, renovations=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["renovation"]
        field.queryset = renovations if renovations is not None else Renovation.objects.none()
        field.required = False
        field.empty_label = _("— not about a renovation —")
        field.label_from_instance = lambda r: (
            f"{r.permit_number or r.get_status_display()} · {date_format(r.applied_on)} · "
            f"{r.contractor}"
        )
        if not field.queryset.exists():
            del self.fields["renovation"]
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "occurred_on")
        found, rectify_by = cleaned.get("occurred_on"), cleaned.get("rectify_by")
        if found and rectify_by and rectify_by < found:
            self.add_error("rectify_by", _("The rectify-by date cannot be before it was found."))
        return cleaned

    def _post_clean(self):
        pass


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=gettext_lazy("Rectified on"), widget=DATE)
    rectification = forms.CharField(
        label=gettext_lazy("What was done"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, violation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.violation = violation
        self.fields["rectified_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "rectified_on")
        day = cleaned.get("rectified_on")
        if day and self.violation and day < self.violation.occurred_on:
            self.add_error("rectified_on", _("It cannot be rectified before it was found."))
        return cleaned
