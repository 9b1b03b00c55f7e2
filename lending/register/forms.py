"""The period of the loan register: errors beside the fields, the input kept."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DATE

# a register covers at most a year: a longer one is printed year by year
MAX_DAYS = 366


class RegisterPeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("To"), widget=DATE)

    error_messages = {
        "order": _("The end of the period cannot be before its start."),
        "long": _("A register covers at most %(days)s days: print it year by year."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date_from"].initial = today.replace(day=1)
        self.fields["date_to"].initial = today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                error = forms.ValidationError(self.error_messages["order"], code="order")
                self.add_error("date_to", error)
            elif end - start >= datetime.timedelta(days=MAX_DAYS):
                error = forms.ValidationError(
                    self.error_messages["long"], code="long", params={"days": MAX_DAYS}
                )
                self.add_error("date_to", error)
        return cleaned
