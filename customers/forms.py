"""Front-desk forms: validation only (checksums live in core.validators)."""

from django import forms
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.choices import SecrecyLevel
from core.masked_forms import PersonalFieldsMixin
from core.validators import is_pk
from core.widgets import DATE, date_not_in_future

from .models import Building, Contact, Customer, Dossier, Estate, HouseholdMember, Occupancy, Unit
from .permissions import units_open_to


class DossierSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Archive number, room, name, phone, ID number or credit code"),
                "type": "search",
            }
        ),
    )
    estate = forms.ModelChoiceField(Estate.objects.all(), label=_("Estate"), required=False)
    building = forms.ModelChoiceField(Building.objects.none(), label=_("Building"), required=False)
    floor = forms.IntegerField(label=_("Floor"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "---------"), *Dossier.Status.choices]
    )
    secrecy = forms.ChoiceField(
        label=_("Secrecy level"), required=False, choices=[("", "---------"), *SecrecyLevel.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        estate = self.data.get("estate")
        if estate and is_pk(estate):
            self.fields["building"].queryset = Building.objects.filter(estate_id=estate)
        self.fields["estate"].widget.attrs["data-autosubmit"] = ""
        self.fields["building"].widget.attrs["data-autosubmit"] = ""


class CustomerForm(forms.ModelForm):
    """The customer's own data (R3); the model's clean() checks ID, birth date and sex (R4)."""

    class Meta:
        model = Customer
        fields = [
            "kind",
            "name",
            "sex",
            "birth_date",
            "id_number",
            "credit_code",
            "tax_number",
            "legal_representative",
            "licence_valid_until",
            "annual_review_date",
            "mobile",
            "landline",
            "email",
            "address",
            "notes",
        ]
        widgets = {
            "birth_date": DATE,
            "licence_valid_until": DATE,
            "annual_review_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = Customer.Kind.choices  # no empty radio
            self.fields["kind"].initial = Customer.Kind.INDIVIDUAL


class CustomerEditForm(PersonalFieldsMixin, CustomerForm):
    """Edit a customer: personal fields start out masked unless the user has revealed the
    dossier's data (``reveal=True``, R16); see core.masked_forms."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Required once the record is confirmed: a manager approves the change (R9)."),
    )

    class Meta(CustomerForm.Meta):
        fields = [f for f in CustomerForm.Meta.fields if f != "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.locked:
            self.fields["reason"].required = True


# The move-in's unit picker: the same labels whether the options came with the page, through
# htmx (``customers:unit_options``) or with a form re-rendered after an error.
def building_choice_label(building):
    return f"{building.number} {building.name}".strip()


def unit_choice_label(unit):
    """Entrance-room (floor), and whether the unit is vacant before the form is filled
    (``units_for_picker`` annotates ``occupancy``: the dossier's status, vacant without one)."""
    room = f"{unit.entrance}-{unit.room}" if unit.entrance else unit.room
    label = "{}（{}）".format(room, _("floor %(n)s") % {"n": unit.floor})
    status = getattr(unit, "occupancy", None)
    if status:
        label = f"{label}· {Dossier.Status(status).label}"
    return label


def buildings_for_picker(estate_id):
    return Building.objects.filter(estate_id=estate_id).order_by("number")


def units_for_picker(user, building_id):
    """The units of a building ``user`` may move someone into (R17), each with its vacancy."""
    return (
        units_open_to(user, Unit.objects.filter(building_id=building_id))
        .annotate(occupancy=Coalesce(F("dossier__status"), Value(Dossier.Status.VACANT)))
        .order_by("floor", "entrance", "room")
    )


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return building_choice_label(obj)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return unit_choice_label(obj)


class MoveInForm(forms.Form):
    estate = forms.ModelChoiceField(Estate.objects.all(), label=_("Estate"))
    building = BuildingChoiceField(Building.objects.none(), label=_("Building"))
    unit = UnitChoiceField(Unit.objects.none(), label=_("Unit"))
    role = forms.ChoiceField(label=_("As"), choices=Occupancy.Role.choices)
    moved_in = forms.DateField(label=_("Move-in date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            estate = self.data.get(self.add_prefix("estate"))
            building = self.data.get(self.add_prefix("building"))
        else:
            estate, building = self.initial.get("estate"), self.initial.get("building")
        if estate and is_pk(estate):
            self.fields["building"].queryset = buildings_for_picker(estate)
        if building and is_pk(building):
            # R17: a unit whose dossier the user may not see is not offered (nor accepted)
            self.fields["unit"].queryset = units_for_picker(user, building)
        self.fields["moved_in"].initial = timezone.localdate()
        # cascading choices reload through htmx (customers/partials/unit_options.html)
        options = reverse("customers:unit_options")
        self.fields["estate"].widget.attrs.update(
            {"hx-get": options, "hx-target": f"#id_{self.add_prefix('building')}"}
        )
        self.fields["building"].widget.attrs.update(
            {"hx-get": options, "hx-target": f"#id_{self.add_prefix('unit')}"}
        )

    def clean(self):
        cleaned = super().clean()
        building, unit = cleaned.get("building"), cleaned.get("unit")
        if building and unit and unit.building_id != building.pk:
            self.add_error("unit", _("This unit is not in the chosen building."))
        moved_in = cleaned.get("moved_in")
        if moved_in and moved_in > timezone.localdate() + timezone.timedelta(days=90):
            self.add_error("moved_in", _("The move-in date is more than 90 days ahead."))
        return cleaned


class MoveOutForm(forms.Form):
    moved_out = forms.DateField(label=_("Move-out date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, occupancy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.occupancy = occupancy
        self.fields["moved_out"].initial = timezone.localdate()

    def clean_moved_out(self):
        day = self.cleaned_data["moved_out"]
        if self.occupancy and day < self.occupancy.moved_in:
            raise forms.ValidationError(
                _("The move-out date is before the move-in date (%(date)s)."),
                params={"date": date_format(self.occupancy.moved_in)},
            )
        return day

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "moved_out", _("The move-out date is in the future."))
        return cleaned


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "name", "relation", "mobile", "landline", "valid_from"]
        widgets = {"valid_from": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].required = False
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("mobile") or cleaned.get("landline")):
            self.add_error("mobile", _("Enter a mobile or a landline number."))
        return cleaned


class ContactReplaceForm(ContactForm):
    class Meta(ContactForm.Meta):
        fields = ["name", "relation", "mobile", "landline", "valid_from"]


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "sex", "birth_date", "id_number", "mobile", "joined_on"]
        widgets = {"birth_date": DATE, "joined_on": DATE}


class ReasonForm(forms.Form):
    """The reason for revealing personal data (R16): it must say something."""

    reason = forms.CharField(label=_("Reason"), max_length=500)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_reason(self):
        from .reveal import reason_problem

        reason = self.cleaned_data["reason"].strip()
        if problem := reason_problem(reason):
            raise forms.ValidationError(problem)
        return reason


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the change is rejected."))
        return cleaned


class SecrecyForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)

    class Meta:
        model = Dossier
        fields = ["secrecy_level", "retention"]
