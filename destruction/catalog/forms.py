"""The catalog's search (R38): errors beside the fields, the input kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DATE
from documents.models import DocumentCategory


class CatalogSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Title, reference or archive number"), required=False, max_length=100
    )
    batch = forms.CharField(label=_("Batch number"), required=False, max_length=20)
    category = forms.ChoiceField(label=_("Category"), required=False)
    date_from = forms.DateField(label=_("Destroyed from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Destroyed until"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = DocumentCategory.objects.order_by("order", "name").values_list("name", flat=True)
        self.fields["category"].choices = [("", _("Every category"))] + [(n, n) for n in names]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned

    def filters(self) -> dict:
        """The search's criteria (none when the form is invalid: the whole catalog is shown)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
