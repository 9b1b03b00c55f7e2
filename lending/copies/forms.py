"""The forms of the copies pages (validation only; the rules are in the services)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models import CopyRecord


class CopiesMakeForm(forms.Form):
    """One row per document of the loan: how many copies of which kind (0: none of this one),
    who holds them (empty: the borrower) and what for (the loan's purpose, prefilled). The
    fields of document ``pk`` are ``count_<pk>``, ``kind_<pk>``, ``holder_<pk>``,
    ``purpose_<pk>``."""

    FIELDS = {"count": "count", "kind": "kind", "holder_name": "holder", "purpose": "purpose"}

    def __init__(self, *args, loan, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.loan = loan
        self.documents = list(documents)
        for document in self.documents:
            pk = document.pk
            self.fields[f"count_{pk}"] = forms.IntegerField(
                label=gettext_lazy("Count"),
                min_value=0,
                max_value=999,
                required=False,
                initial=1,
                widget=forms.NumberInput(attrs={"class": "form-control-sm", "min": 0}),
            )
            self.fields[f"kind_{pk}"] = forms.ChoiceField(
                label=gettext_lazy("Kind"),
                choices=CopyRecord.Kind.choices,
                initial=CopyRecord.Kind.COPY,
                widget=forms.Select(attrs={"class": "form-select-sm"}),
            )
            self.fields[f"holder_{pk}"] = forms.CharField(
                label=gettext_lazy("Holder"),
                max_length=100,
                required=loan.borrower_id is None,
                help_text=gettext_lazy("Empty: the borrower."),
                widget=forms.TextInput(attrs={"class": "form-control-sm"}),
            )
            self.fields[f"purpose_{pk}"] = forms.CharField(
                label=pgettext_lazy("copies", "Purpose"),
                max_length=300,
                required=False,
                initial=loan.purpose,
                widget=forms.TextInput(attrs={"class": "form-control-sm"}),
            )

    def rows(self):
        for document in self.documents:
            fields = [self[f"{name}_{document.pk}"] for name in self.FIELDS.values()]
            yield {"document": document, "fields": fields}

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f"count_{d.pk}") for d in self.documents):
            raise forms.ValidationError(_("Register at least one copy."))
        return data

    def copies(self):
        """The service's ``copies``: the rows with a count, in the documents' order."""
        data = self.cleaned_data
        made, self.row_documents = [], []
        for document in self.documents:
            pk = document.pk
            if not data.get(f"count_{pk}"):
                continue
            name = (data.get(f"holder_{pk}") or "").strip()
            made.append(
                {
                    "document": document,
                    "kind": data.get(f"kind_{pk}"),
                    "count": data.get(f"count_{pk}"),
                    "holder": None if name else self.loan.borrower,
                    "holder_name": name,
                    "purpose": data.get(f"purpose_{pk}") or "",
                }
            )
            self.row_documents.append(document)
        return made

    def add_row_errors(self, errors):
        """The service's refusals ([{field: message}], one per row of ``copies()``) beside
        their fields."""
        for document, by_field in zip(self.row_documents, errors, strict=False):
            for name, message in by_field.items():
                field = f"{self.FIELDS.get(name, 'count')}_{document.pk}"
                self.add_error(field if field in self.fields else None, message)


class CopyCloseForm(forms.Form):
    to = forms.ChoiceField(
        label=gettext_lazy("What became of it"),
        choices=[
            ("returned", CopyRecord.Status.RETURNED.label),
            ("destroyed", CopyRecord.Status.DESTROYED.label),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("For a destroyed copy: how, and by whom."),
    )

    def clean(self):
        data = super().clean()
        if data.get("to") == "destroyed" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say how the copy was destroyed (shredded, by whom …)."))
        return data


class CopyFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All statuses")), *CopyRecord.Status.choices],
        required=False,
    )
    mine = forms.BooleanField(label=gettext_lazy("Held by me"), required=False)
