"""The complaint summary's input: the month shown or compiled ("2026-05"). Validation only."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..statistics.services import FIRST_YEAR
from .selectors import previous_month


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Give the month as year and month, such as 2026-05.")},
    )

    def clean_month(self):
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        try:
            month = datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(self.fields["month"].error_messages["invalid"]) from None
        if month.year < FIRST_YEAR:
            raise forms.ValidationError(self.fields["month"].error_messages["invalid"])
        if month > timezone.localdate():
            raise forms.ValidationError(_("That month has not begun."))
        return month

    def chosen(self) -> datetime.date:
        """The month asked for, or the month before this one (the schedule's) by default."""
        if self.is_bound and self.is_valid() and self.cleaned_data["month"]:
            return self.cleaned_data["month"]
        return previous_month(timezone.localdate())
