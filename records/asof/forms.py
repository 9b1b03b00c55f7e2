"""The date picker of the dossier-as-of page (a GET form)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DATE
from core.workflow import is_future_day


class _DayField(forms.DateField):
    """A date field whose error repeats what was typed: a date input cannot show it back."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None


class AsOfForm(forms.Form):
    date = _DayField(
        label=_("As of"),
        widget=DATE,
        error_messages={
            "required": _("Choose a date."),
            "invalid": _("“%(value)s” is not a date: enter one like 2024-03-01."),
        },
    )
    late = forms.BooleanField(
        label=_("Also show records entered after that day"),
        required=False,
        help_text=_("Records dated on or before the day but entered later, as first entered."),
    )

    error_messages = {"future": _("Choose today or a day in the past.")}

    def __init__(self, data=None, **kwargs):
        # no date asked for: today
        if data is not None and not data.get("date"):
            data = data.copy()
            data["date"] = timezone.localdate().isoformat()
        super().__init__(data, **kwargs)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if is_future_day(day):
            raise forms.ValidationError(self.error_messages["future"], code="future")
        return day
