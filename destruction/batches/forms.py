"""The batch pages' forms: validation only (what may enter a batch, be decided, approved,
planned and destroyed is the services' business; their refusals are shown on the page with
the input kept)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import DATE
from documents.models import Document

from ..models import Batch, Method


class PersonField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name}（{user.get_username()}）" if name else user.get_username()


class DueFilterForm(forms.Form):
    """The due list's filter (GET)."""

    centre = forms.ModelChoiceField(
        label=_("Service centre"), queryset=None, required=False, empty_label=_("All")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("All")
    )
    before = forms.DateField(label=_("Due before"), required=False, widget=DATE)

    def __init__(self, *args, centres, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["category"].queryset = categories


class BatchOpenForm(forms.Form):
    """A new batch (销毁批次) from the documents ticked on the due list."""

    title = forms.CharField(label=_("Title"), max_length=200)
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=Document.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Tick at least one document.")},
    )
    members = PersonField(
        label=_("Members of the appraisal"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("You are one of them."),
    )
    members_note = forms.CharField(
        label=_("Other members"),
        max_length=300,
        required=False,
        help_text=_("Members of the appraisal who have no account."),
    )
    note = forms.CharField(
        label=_("Appraisal notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, documents, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        self.fields["members"].queryset = staff


KEEP_YEARS, KEEP_PERMANENTLY = "keep_years", "keep_permanently"


class DecisionForm(forms.Form):
    """The appraisal's decision on one item."""

    CHOICES = [
        ("destroy", _("Destroy")),
        (KEEP_YEARS, _("Keep for some years")),
        (KEEP_PERMANENTLY, _("Keep permanently")),
        ("undecided", _("Value undecided: appraise next year")),
    ]
    choice = forms.ChoiceField(label=pgettext_lazy("appraisal", "Decision"), choices=CHOICES)
    keep_years = forms.IntegerField(label=_("Years"), min_value=1, max_value=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == KEEP_YEARS and not cleaned.get("keep_years"):
            self.add_error("keep_years", _("Say for how many years it is kept."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        choice = data["choice"]
        kwargs = {"decision": choice, "note": data["note"]}
        if choice == KEEP_YEARS:
            kwargs.update(decision="keep", keep_years=data["keep_years"])
        elif choice == KEEP_PERMANENTLY:
            kwargs.update(decision="keep", keep_permanently=True)
        return kwargs

    @classmethod
    def initial_for(cls, item) -> dict:
        choice = item.decision
        if choice == "keep":
            choice = KEEP_PERMANENTLY if item.keep_permanently else KEEP_YEARS
        elif choice == "pending":
            choice = "destroy"
        return {"choice": choice, "keep_years": item.keep_years, "note": item.decision_note}


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Engineering opinion"), widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, required=False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        if label:
            self.fields["note"].label = label


class ScheduleForm(forms.Form):
    """The plan of the destruction (R36, R37)."""

    planned_on = forms.DateField(label=_("Day of the destruction"), widget=DATE)
    method = forms.ChoiceField(label=pgettext_lazy("destruction", "Method"), choices=Method.choices)
    place = forms.CharField(label=pgettext_lazy("destruction", "Place"), max_length=200)
    witnesses = PersonField(
        label=_("Witnesses"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two, other than the head who destroys."),
    )

    def __init__(self, *args, witnesses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["witnesses"].queryset = witnesses

    @classmethod
    def initial_for(cls, batch: Batch, named) -> dict:
        return {
            "planned_on": batch.planned_on,
            "method": batch.method,
            "place": batch.place,
            "witnesses": [w.user_id for w in named],
        }


def password_field_name(user) -> str:
    return f"password_{user.pk}"


class ExecuteForm(forms.Form):
    """Each named witness re-enters their password (R37)."""

    def __init__(self, *args, witnesses, **kwargs):
        super().__init__(*args, **kwargs)
        self.witnesses = witnesses
        for witness in witnesses:
            user = witness.user
            self.fields[password_field_name(user)] = forms.CharField(
                label=_("Password of %(who)s") % {"who": user.get_full_name() or user.username},
                widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
                strip=False,
            )

    def passwords(self) -> dict:
        return {w.user_id: self.cleaned_data[password_field_name(w.user)] for w in self.witnesses}
