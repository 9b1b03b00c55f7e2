"""Forms of the repair pages: validation only. Every error is said next to its field; the
services (records/repairs/services.py) check the same rules again."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.widgets import DATETIME, DATETIME_FORMATS, moment_not_in_future
from records.models import Repair
from records.views_common import RecordForm


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class RepairForm(RecordForm):
    class Meta:
        model = Repair
        fields = ["reported_by_name", "reported_at", "location", "description"]
        widgets = {"reported_at": DATETIME, "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "location": gettext_lazy("Where in the unit, e.g. kitchen, bathroom, balcony."),
            "description": gettext_lazy("What is wrong, in the customer's words."),
        }

    def __init__(self, *args, reported_by="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_at"].initial = _now()
        self.fields["reported_at"].input_formats = DATETIME_FORMATS
        if reported_by:
            self.fields["reported_by_name"].initial = reported_by

    def clean(self):
        cleaned = super().clean()
        moment_not_in_future(self, "reported_at")
        return cleaned


class WorkOrderForm(forms.Form):
    assigned_to = forms.CharField(
        label=gettext_lazy("Assigned to"),
        max_length=100,
        help_text=gettext_lazy("The engineer or contractor who does the work."),
    )
    work_order_number = forms.CharField(
        label=gettext_lazy("Work order number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Leave empty to issue the next number (WX, the date, a sequence: WX20260520-001); "
            "type it when a paper work order was written."
        ),
    )

    def clean_assigned_to(self):
        name = self.cleaned_data["assigned_to"].strip()
        if not name:
            raise forms.ValidationError(_("Say who the work order is assigned to."))
        return name

    def clean_work_order_number(self):
        number = self.cleaned_data["work_order_number"].strip().upper()
        if number and Repair.objects.filter(work_order_number=number).exists():
            raise forms.ValidationError(_("This work order number is already used."))
        return number


class CompletionForm(forms.Form):
    completed_at = forms.DateTimeField(
        label=gettext_lazy("Completed at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    work_done = forms.CharField(
        label=gettext_lazy("Work done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    cost = forms.DecimalField(
        label=gettext_lazy("Cost charged (yuan)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("Leave empty when the customer is not charged."),
    )

    def __init__(self, *args, repair=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.repair = repair
        self.fields["completed_at"].initial = _now()

    def clean_work_done(self):
        text = self.cleaned_data["work_done"].strip()
        if not text:
            raise forms.ValidationError(_("Say what work was done."))
        return text

    def clean(self):
        cleaned = super().clean()
        moment_not_in_future(self, "completed_at")
        moment = cleaned.get("completed_at")
        if (
            moment
            and self.repair
            and moment < self.repair.reported_at.replace(second=0, microsecond=0)
        ):
            self.add_error(
                "completed_at", _("The repair cannot be completed before it was reported.")
            )
        return cleaned


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("Customer's satisfaction"),
        choices=[("", "---------"), *Repair.Satisfaction.choices],
        coerce=int,
    )
    feedback = forms.CharField(
        label=gettext_lazy("Customer feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the customer said about the repair."),
    )
