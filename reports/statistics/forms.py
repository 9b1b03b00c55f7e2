"""The statistics pages' inputs: the year shown or compiled, the dashboard's service centre.
Validation only; a bad value is an error beside the field, never a 500."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import ServiceCentre

from .services import FIRST_YEAR


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, required=False)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("That year has not begun."))
        return year

    def chosen(self) -> int:
        """The year asked for, or this year when none (or a wrong one) is given."""
        if self.is_bound and self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return timezone.localdate().year


class CentreForm(forms.Form):
    centre = forms.ModelChoiceField(
        ServiceCentre.objects.order_by("code"),
        label=_("Service centre"),
        required=False,
        empty_label=_("Company-wide"),
    )

    def chosen(self):
        if self.is_bound and self.is_valid():
            return self.cleaned_data["centre"]
        return None
