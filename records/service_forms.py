"""Forms of the letter and application pages: validation only. Every error is said next
to its field; the services (records/service_requests.py) check the same rules again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .models import Application, Correspondence
from .service_requests import NEEDS_VALIDITY

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(form, field):
    day = form.cleaned_data.get(field)
    if day and day > timezone.localdate():
        form.add_error(field, _("This date cannot be in the future."))


class _RecordForm(forms.ModelForm):
    def _post_clean(self):
        # the record is built by the service, which has the dossier; nothing to check here
        pass


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
