"""The application forms: validation only, every error beside its field; the services
(records/applications/services.py) check the same rules again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.widgets import DATE, date_not_in_future
from records.applications.services import NEEDS_VALIDITY
from records.models import Application
from records.views_common import RecordForm

VALIDITY_HELP = gettext_lazy("Required for overtime work and for a parking space.")


class ApplicationForm(RecordForm):
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
        date_not_in_future(self, "applied_on")
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
