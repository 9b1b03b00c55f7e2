"""The form widgets and date checks every app's forms use, once (docs/core.md, "Forms").

``DATE`` / ``DATETIME``: the browser's own pickers, with the value written back in the form the
picker reads. ``date_not_in_future`` / ``moment_not_in_future``: the error beside the field;
the services refuse the same (``core.workflow.not_in_future``), with the same clock slack.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .workflow import clock_slack, is_future_day

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# what a datetime-local input posts, and what people type without one
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

DATE_IN_FUTURE = _("This date cannot be in the future.")
TIME_IN_FUTURE = _("This time cannot be in the future.")


def date_not_in_future(form, field, message=DATE_IN_FUTURE) -> bool:
    """Put ``message`` beside ``field`` when its date is after today; True when it did."""
    if is_future_day(form.cleaned_data.get(field)):
        form.add_error(field, message)
        return True
    return False


def moment_not_in_future(form, field, message=TIME_IN_FUTURE) -> bool:
    """Put ``message`` beside ``field`` when its time is later than now (beyond the slack)."""
    moment = form.cleaned_data.get(field)
    if moment and moment > timezone.now() + clock_slack():
        form.add_error(field, message)
        return True
    return False
