from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DATE

from .models import Box, Document, DocumentCategory, Shelf, StorageInspection


class DocumentForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Electronic file"),
        required=False,
        help_text=_("PDF, JPEG, PNG or TIFF; checked by its content."),
    )

    class Meta:
        model = Document
        fields = [
            "category",
            "title",
            "document_date",
            "carrier",
            "has_paper_counterpart",
            "is_original",
            "original_location",
            "pages",
            "copies",
            "expected_pages",
            "expected_copies",
            "secrecy_level",
            "retention",
        ]
        widgets = {"document_date": DATE}
        help_texts = {
            "secrecy_level": _("Empty: the category's default (R12)."),
            "retention": _("Empty: the category's default (R12)."),
        }

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["category"].queryset = DocumentCategory.objects.all()
        self.fields["document_date"].initial = timezone.localdate()

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            from .uploads import check_upload

            self.checked_upload = check_upload(upload)  # ValidationError beside the field
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_original") is False and not cleaned.get("original_location"):
            self.add_error("original_location", _("A copy must say where the original is."))
        category, carrier = cleaned.get("category"), cleaned.get("carrier")
        if (
            category
            and carrier == "electronic"
            and category.needs_paper
            and not cleaned.get("has_paper_counterpart")
        ):
            self.add_error(
                "has_paper_counterpart",
                _("This kind of document must also exist on paper (R14)."),
            )
        return cleaned


class FilingForm(forms.Form):
    box = forms.ModelChoiceField(
        Box.objects.select_related("shelf__room", "dossier"), label=_("Box")
    )
    documents = forms.ModelMultipleChoiceField(
        Document.objects.none(), label=_("Documents"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, documents=None, boxes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if documents is not None:
            self.fields["documents"].queryset = documents
        if boxes is not None:  # the dossier's own boxes first, or a shelf's: never all
            self.fields["box"].queryset = boxes
            self.fields["box"].empty_label = _("Choose a box")


class NewBoxForm(forms.Form):
    """A box for the dossier being filed, made from the filing page."""

    shelf = forms.ModelChoiceField(
        Shelf.objects.none(), label=_("Shelf of the new box"), empty_label=_("Choose a shelf")
    )

    def __init__(self, *args, shelves=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shelves is not None:
            self.fields["shelf"].queryset = shelves


class BoxForm(forms.Form):
    shelf = forms.ModelChoiceField(Shelf.objects.select_related("room"), label=_("Shelf"))
    archive_number = forms.CharField(
        label=_("For the dossier"),
        required=False,
        max_length=60,
        help_text=_("Archive number, if the box holds one dossier."),
    )


class InspectionForm(forms.ModelForm):
    class Meta:
        model = StorageInspection
        fields = [
            "room",
            "inspected_on",
            "temperature",
            "humidity",
            "damp",
            "pests",
            "damage",
            "findings",
            "follow_up",
            "follow_up_done_on",
        ]
        widgets = {
            "inspected_on": DATE,
            "follow_up_done_on": DATE,
            "findings": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        problems = cleaned.get("damp") or cleaned.get("pests") or cleaned.get("damage")
        if problems and not cleaned.get("findings"):
            self.add_error("findings", _("Describe what was found."))
        if problems and not cleaned.get("follow_up"):
            self.add_error("follow_up", _("Say what will be done about it."))
        return cleaned


class MovedOutCatalogForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
