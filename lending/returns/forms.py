"""The forms of the return pages (validation only; the rules are in the services): the check,
one row of fields per item; the confirmation; a dispute; an incident's handling."""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import Incident, LoanItem


class ReturnCheckForm(forms.Form):
    """One row per item still out: condition, pages and copies back (prefilled with what was
    lent), a note. The fields of item ``pk`` are ``condition_<pk>``, ``pages_<pk>``,
    ``copies_<pk>``, ``note_<pk>``; ``rows`` gives them item by item to the template."""

    FIELDS = {
        "condition": "condition",
        "pages_back": "pages",
        "copies_back": "copies",
        "check_note": "note",
    }

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            document = item.document
            self.fields[f"condition_{item.pk}"] = forms.ChoiceField(
                label=gettext_lazy("Condition"),
                choices=LoanItem.Condition.choices,
                initial=item.condition or LoanItem.Condition.INTACT,
            )
            self.fields[f"pages_{item.pk}"] = forms.IntegerField(
                label=gettext_lazy("Pages back"),
                min_value=0,
                required=False,
                initial=document.pages,
                widget=forms.NumberInput(attrs={"class": "form-control-sm", "min": 0}),
            )
            self.fields[f"copies_{item.pk}"] = forms.IntegerField(
                label=gettext_lazy("Copies back"),
                min_value=0,
                required=False,
                initial=document.copies,
                widget=forms.NumberInput(attrs={"class": "form-control-sm", "min": 0}),
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=gettext_lazy("Note"),
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control-sm"}),
            )

    def rows(self):
        for item in self.items:
            fields = [self[f"{name}_{item.pk}"] for name in self.FIELDS.values()]
            yield {
                "item": item,
                "document": item.document,
                "fields": fields,
                "invalid": any(f.errors for f in fields),
            }

    def results(self):
        """The service's ``results`` from the cleaned data."""
        data = self.cleaned_data
        return {
            item.pk: {
                "condition": data.get(f"condition_{item.pk}"),
                "pages_back": data.get(f"pages_{item.pk}"),
                "copies_back": data.get(f"copies_{item.pk}"),
                "note": data.get(f"note_{item.pk}", ""),
            }
            for item in self.items
        }

    def add_item_errors(self, errors):
        """The service's refusals ({item pk: {field: message}}) beside their fields."""
        for pk, by_field in errors.items():
            for name, message in by_field.items():
                field = f"{self.FIELDS.get(name, 'condition')}_{pk}"
                if field in self.fields:
                    self.add_error(field, message)
                else:
                    self.add_error(None, message)


class ReturnConfirmForm(forms.Form):
    """The borrower's own password; at the desk the borrower's, typed by them on the
    archivist's screen; for an outside party, the archivist's word that the paper form is
    signed."""

    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    signed = forms.BooleanField(
        label=gettext_lazy("The party has signed the paper return form."),
        required=False,
    )

    def __init__(self, *args, mode, **kwargs):
        """``mode``: "own" (the borrower on their screen), "desk" (the borrower's password on
        the archivist's screen) or "paper" (an outside party's signature)."""
        super().__init__(*args, **kwargs)
        self.mode = mode
        if mode == "paper":
            del self.fields["password"]
            self.fields["signed"].required = True
        else:
            del self.fields["signed"]
            self.fields["password"].required = True
            if mode == "desk":
                self.fields["password"].label = gettext_lazy("The borrower's password")
                self.fields["password"].help_text = gettext_lazy(
                    "The borrower types their own password to confirm the check."
                )
            else:
                self.fields["password"].label = gettext_lazy("Your password")
                self.fields["password"].widget.attrs["autocomplete"] = "current-password"
                self.fields["password"].help_text = gettext_lazy(
                    "Re-enter your password to confirm what came back."
                )


class CheckAgainForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What the borrower disputes"),
        max_length=300,
        widget=forms.TextInput(),
    )


class IncidentHandleForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("How it was handled"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Repaired, compensated, replaced by a certified copy, reported …"),
    )


class IncidentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All statuses")), *Incident.Status.choices],
        required=False,
    )
