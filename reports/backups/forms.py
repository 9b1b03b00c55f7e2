"""The backups list's filter on the jobs page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Backup


class BackupFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Backups"),
        required=False,
        choices=[("", _("All")), *Backup.Status.choices],
    )

    def chosen_status(self) -> str:
        """The status asked for ("" for all, and for a mangled query)."""
        return self.cleaned_data.get("status", "") if self.is_valid() else ""
