"""The letter form: validation only, every error beside its field; the service
(records/letters/services.py) checks the same rules again."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.widgets import DATE, date_not_in_future
from records.letters.selectors import letters_of
from records.models import Correspondence
from records.views_common import RecordForm

# "Received" alone already means "awaiting filing" elsewhere in the catalogue
DIRECTIONS = [
    (Correspondence.Direction.INCOMING, pgettext_lazy("letter", "Received")),
    (Correspondence.Direction.OUTGOING, pgettext_lazy("letter", "Sent")),
]


class LetterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, letter):
        direction = dict(DIRECTIONS)[letter.direction]
        text = f"{date_format(letter.dated)} {direction} · {letter.subject}"
        if letter.reference:
            text += f"（{letter.reference}）"
        return text


class LetterForm(RecordForm):
    in_reply_to = LetterChoiceField(
        label=gettext_lazy("In reply to"),
        queryset=Correspondence.objects.none(),
        required=False,
        help_text=gettext_lazy("The letter of this dossier that this one answers, if any."),
    )

    class Meta:
        model = Correspondence
        fields = [
            "direction",
            "dated",
            "reference",
            "counterpart",
            "subject",
            "summary",
            "in_reply_to",
        ]
        widgets = {"dated": DATE, "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "counterpart": gettext_lazy("Who wrote the letter, or whom it is sent to."),
            "summary": gettext_lazy("The gist of the letter; its scan is attached afterwards."),
        }

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dated"].initial = timezone.localdate()
        self.fields["direction"].choices = DIRECTIONS
        self.fields["in_reply_to"].queryset = letters_of(dossier)

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "dated")
        answered, dated = cleaned.get("in_reply_to"), cleaned.get("dated")
        if answered and dated and dated < answered.dated:
            self.add_error("dated", _("A reply cannot be dated before the letter it answers."))
        return cleaned
