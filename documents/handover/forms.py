"""The small forms of the handover pages (validation only; the rules are in the services)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.widgets import DATE
from customers.models import ServiceCentre

from ..models import Handover, HandoverItem
from .selectors import PERIOD_PATTERN, current_period

Result = HandoverItem.Result
CHECK_RESULTS = [(r.value, r.label) for r in (Result.ACCEPTED, Result.MISSING, Result.DIFFERS)]


class HandoverFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All statuses")), *Handover.Status.choices],
        required=False,
    )
    centre = forms.ModelChoiceField(
        ServiceCentre.objects.order_by("code"),
        label=gettext_lazy("Service centre"),
        required=False,
        empty_label=gettext_lazy("All service centres"),
    )


class HandoverForm(forms.Form):
    service_centre = forms.ModelChoiceField(
        ServiceCentre.objects.order_by("code"), label=gettext_lazy("Service centre")
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=6,
        help_text=gettext_lazy(
            "The year and the half: 2026H1 (January–June), 2026H2 (July–December)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = current_period(timezone.localdate())

    def clean_period(self):
        period = self.cleaned_data["period"].strip().upper()
        if not PERIOD_PATTERN.match(period):
            raise forms.ValidationError(_("Write the period as 2026H1 or 2026H2."))
        return period


class AddDossierForm(forms.Form):
    archive_number = forms.CharField(label=gettext_lazy("Archive number"), max_length=60)
    override_reason = forms.CharField(
        label=gettext_lazy("Reason for accepting it incomplete"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Managers only: fill in to hand over a dossier that lacks required documents. "
            "The reason is printed on the handover list."
        ),
    )

    def __init__(self, *args, can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]


class CheckItemForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=CHECK_RESULTS)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


class SignForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Re-enter your password to sign."),
    )


class HandoverStartForm(forms.Form):
    """The list a handover is started from: a service centre's dossiers, filtered; on POST the
    period and the dossiers picked."""

    READY, REFUSED = "ready", "refused"
    centre = forms.ModelChoiceField(
        ServiceCentre.objects.order_by("code"),
        label=gettext_lazy("Service centre"),
        empty_label=None,
    )
    eligibility = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All dossiers")),
            (READY, gettext_lazy("Can be handed over")),
            (REFUSED, gettext_lazy("Cannot be handed over")),
        ],
    )
    until = forms.DateField(
        label=gettext_lazy("Documents dated up to"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Empty: every document the centre holds."),
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=6,
        required=False,
        help_text=gettext_lazy("The year and the half: 2026H1 or 2026H2."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = current_period(timezone.localdate())

    def clean_period(self):
        period = (self.cleaned_data.get("period") or "").strip().upper()
        if period and not PERIOD_PATTERN.match(period):
            raise forms.ValidationError(_("Write the period as 2026H1 or 2026H2."))
        return period
