"""The loan pages' forms: validation only (what may be lent, and how, is the services' and
the rules' business; their refusals are shown on the form with the input kept)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import DATE, date_not_in_future
from documents.models import Document, DocumentCategory

from ..models import ON_SITE_MODES, Mode, OutsideParty

NOTICE_CATEGORIES = ("correspondence", "other")


class BorrowerField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name}（{user.get_username()}）" if name else user.get_username()


class LoanRequestForm(forms.Form):
    """A loan request (档案借阅登记表): documents of one dossier, or the whole dossier."""

    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    whole_dossier = forms.BooleanField(
        label=_("The whole dossier"),
        required=False,
        help_text=_("Every document of the dossier; customer dossiers are read in the office."),
    )
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.READ_ARCHIVE)
    purpose = forms.CharField(
        label=pgettext_lazy("loan", "Purpose"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, required=False)
    borrower = BorrowerField(
        label=_("Borrower"),
        queryset=None,
        required=False,
        empty_label=_("Myself"),
        help_text=_(
            "The archive room registers a loan for someone else: an executive borrows directly."
        ),
    )

    error_messages = {"nothing": _("Choose at least one document, or the whole dossier.")}

    def __init__(self, *args, documents, borrowers=None, refresh_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        if borrowers is None:
            del self.fields["borrower"]
        else:
            self.fields["borrower"].queryset = borrowers
        if refresh_url:  # the rules' verdicts follow the mode at once (htmx)
            for name in ("mode", "whole_dossier"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": refresh_url,
                        "hx-trigger": "change",
                        "hx-target": "#request-items",
                        "hx-swap": "outerHTML",
                        "hx-include": "closest form",
                    }
                )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("whole_dossier") and not cleaned.get("documents"):
            self.add_error("documents", self.error_messages["nothing"])
        return cleaned


class OutsideRequestForm(LoanRequestForm):
    """An outside party's reading (R20): on site only, with its credential and the assistance
    notice, which is kept as a document of the dossier."""

    party = forms.ChoiceField(label=_("Outside party"), choices=OutsideParty.choices)
    party_organisation = forms.CharField(label=_("Organisation"), max_length=100)
    party_person = forms.CharField(label=_("Person"), max_length=50)
    party_credential = forms.CharField(
        label=_("Credential number"),
        max_length=50,
        help_text=_("The number of the officer's credential; it is shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    notice = forms.FileField(
        label=_("Assistance notice"),
        help_text=_("The scanned notice (PDF, JPEG, PNG or TIFF), kept in the dossier."),
    )
    notice_category = forms.ModelChoiceField(
        label=_("Filed as"), queryset=DocumentCategory.objects.none(), empty_label=None
    )
    notice_date = forms.DateField(label=_("Date of the notice"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("borrower", None)
        self.fields["mode"].choices = [(m.value, m.label) for m in ON_SITE_MODES]
        self.fields["notice_category"].queryset = DocumentCategory.objects.filter(
            code__in=NOTICE_CATEGORIES
        ).order_by("code")
        self.fields["notice_date"].initial = timezone.localdate()

    def clean_notice(self):
        from documents.uploads import check_upload

        upload = self.cleaned_data.get("notice")
        if upload:
            check_upload(upload)  # by its content: the error beside the field
        return upload

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "notice_date")
        return cleaned


# --- The moves of the loan page -------------------------------------------------------------
class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, required=False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        if label:
            self.fields["note"].label = label


class RenewForm(forms.Form):
    reason = forms.CharField(label=_("Why the items are still needed"), max_length=300)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, required=False)
