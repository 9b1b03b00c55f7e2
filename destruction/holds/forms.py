"""The legal holds' forms: validation only (whether a hold may be placed or lifted is the
services' business; their refusals are shown on the form with the input kept)."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from documents.models import Document


class DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, document):
        reference = document.reference or "—"
        return f"{reference} {document.title}（{date_format(document.document_date)}）"


class HoldPlaceForm(forms.Form):
    document = DocumentChoice(
        label=_("Document"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("The whole dossier"),
        help_text=_("Empty: every document of the dossier, and those filed later."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The case, the authority or the dispute the papers are kept for."),
    )

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class HoldLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HoldFilterForm(forms.Form):
    ACTIVE, LIFTED, ALL = "active", "lifted", "all"
    state = forms.ChoiceField(
        label=_("Holds"),
        choices=[(ACTIVE, _("In force")), (LIFTED, _("Lifted")), (ALL, _("All holds"))],
        required=False,
    )
