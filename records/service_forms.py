"""Forms of the repair, letter and application pages: validation only. Every error is said next
to its field; the services (records/service_requests.py) check the same rules again."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .models import Application, Correspondence, Repair
from .service_requests import CLOCK_SLACK, NEEDS_VALIDITY

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


def _not_in_future(form, field):
    day = form.cleaned_data.get(field)
    if day and day > timezone.localdate():
        form.add_error(field, _("This date cannot be in the future."))


def _moment_not_in_future(form, field):
    moment = form.cleaned_data.get(field)
    if moment and moment > timezone.now() + CLOCK_SLACK:
        form.add_error(field, _("This time cannot be in the future."))


class _RecordForm(forms.ModelForm):
    def _post_clean(self):
        # the record is built by the service, which has the dossier; nothing to check here
        pass


# --- Repairs -----------------------------------------------------------------------------------
class RepairForm(_RecordForm):
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
        _moment_not_in_future(self, "reported_at")
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
        _moment_not_in_future(self, "completed_at")
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


# --- Correspondence ----------------------------------------------------------------------------
# "Received" alone already means "awaiting filing" elsewhere in the catalogue
DIRECTIONS = [
    (Correspondence.Direction.INCOMING, pgettext_lazy("letter", "Received")),
    (Correspondence.Direction.OUTGOING, pgettext_lazy("letter", "Sent")),
]


class LetterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, letter):
        direction = dict(DIRECTIONS)[letter.direction]
        text = f"{letter.dated:%Y-%m-%d} {direction} · {letter.subject}"
        if letter.reference:
            text += f"（{letter.reference}）"
        return text


class LetterForm(_RecordForm):
    in_reply_to = LetterChoiceField(
        label=gettext_lazy("In reply to"),
        queryset=Correspondence.objects.none(),
        required=False,
        help_text=gettext_lazy("The letter of this dossier that this one answers, if any."),
    )

    class Meta:
        model = Correspondence
        fields = [
            "direction",
            "dated",
            "reference",
            "counterpart",
            "subject",
            "summary",
            "in_reply_to",
        ]
        widgets = {"dated": DATE, "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "counterpart": gettext_lazy("Who wrote the letter, or whom it is sent to."),
            "summary": gettext_lazy("The gist of the letter; its scan is attached afterwards."),
        }

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dated"].initial = timezone.localdate()
        self.fields["direction"].choices = DIRECTIONS
        self.fields["in_reply_to"].queryset = Correspondence.objects.filter(
            dossier=dossier
        ).order_by("-dated", "-pk")

    def clean(self):
        cleaned = super().clean()
        _not_in_future(self, "dated")
        answered, dated = cleaned.get("in_reply_to"), cleaned.get("dated")
        if answered and dated and dated < answered.dated:
            self.add_error("dated", _("A reply cannot be dated before the letter it answers."))
        return cleaned


# --- Applications ------------------------------------------------------------------------------
VALIDITY_HELP = gettext_lazy("Required for overtime work and for a parking space.")


class ApplicationForm(_RecordForm):
    class Meta:
        model = Application
        fields = ["kind", "applicant", "applied_on", "details", "valid_from", "valid_until"]
        widgets = {
            "applied_on": DATE,
            "valid_from": DATE,
            "valid_until": DATE,
            "details": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "details": gettext_lazy(
                "What is applied for: the lock or line, the space number, the nameplate's "
                "text, the hours and the works …"
            ),
            "valid_from": VALIDITY_HELP,
            "valid_until": VALIDITY_HELP,
        }

    def __init__(self, *args, applicant="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].initial = timezone.localdate()
        if applicant:
            self.fields["applicant"].initial = applicant

    def clean(self):
        cleaned = super().clean()
        _not_in_future(self, "applied_on")
        kind = cleaned.get("kind")
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if kind in NEEDS_VALIDITY:
            message = _("“%(kind)s” needs its period of validity.") % {
                "kind": Application.Kind(kind).label
            }
            for name in ("valid_from", "valid_until"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
        if start and end and end < start:
            self.add_error("valid_until", _("The end of the validity cannot be before its start."))
        return cleaned


class ApplicationDecisionForm(forms.Form):
    """The manager's decision; the buttons send ``decision``."""

    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.HiddenInput,
        error_messages={"required": gettext_lazy("Choose to approve or to reject.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note or reason for rejecting"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason for rejecting the application."))
        return cleaned


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why is it withdrawn?"),
        required=False,
        max_length=300,
        widget=forms.TextInput,
    )
