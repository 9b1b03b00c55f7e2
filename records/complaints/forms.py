"""Forms of the complaint and visit pages: validation only (the rules are in services.py)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.widgets import DATE, DATETIME, DATETIME_FORMATS, date_not_in_future, moment_not_in_future
from customers.models import Estate, HouseholdMember, Occupancy
from customers.permissions import dossier_visible_to
from records.complaints import selectors
from records.complaints import services as complaints
from records.models import Complaint, ComplaintStep, Repair, Visit
from records.permissions import record_visible_to

SOMEONE_ELSE = "__someone_else__"


def occupant_choices(dossier):
    """The people living in the dossier's unit now, as (name, label): each current occupant
    and the household members who have not left. Two queries."""
    sections = list(
        Occupancy.objects.current()
        .filter(dossier=dossier)
        .select_related("customer")
        .order_by("moved_in", "pk")
    )
    members = HouseholdMember.objects.filter(
        customer__in=[s.customer_id for s in sections], left_on__isnull=True
    ).order_by("customer_id", "pk")
    choices = {}
    for section in sections:
        choices.setdefault(
            section.customer.name, f"{section.customer.name}（{section.get_role_display()}）"
        )
    for member in members:
        choices.setdefault(member.name, f"{member.name}（{member.relation}）")
    return list(choices.items())


class ComplaintForm(forms.ModelForm):
    complainant_choice = forms.ChoiceField(label=_("Complainant"), required=False)
    other_dossiers = forms.CharField(
        label=_("Other dossiers concerned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_(
            "Archive numbers, separated by commas, spaces or new lines. A collective complaint "
            "(three households or more) names the dossier of every other household."
        ),
    )

    class Meta:
        model = Complaint
        fields = [
            "complainant",
            "channel",
            "category",
            "received_at",
            "subject",
            "heard",
            "is_written",
            "households",
        ]
        widgets = {"received_at": DATETIME, "heard": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "heard": _("What the complainant said, in their words. Required."),
            "is_written": _("Needs a written reply. Always on for a letter."),
            "households": _("Three households or more make a collective, hence major, complaint."),
            "category": _(
                "Fire, lift entrapment, explosion, power cut, flooding, theft, crime, "
                "main plant failure and structural damage are major complaints."
            ),
        }

    error_messages = {
        "someone_else": _("Write the name of the person who complains."),
        "unknown": _("Not found among the dossiers you may see: %(numbers)s."),
        "own": _("%(number)s is this complaint's own dossier."),
        "future": _("A complaint cannot be received in the future."),
        "collective": _(
            "A complaint by %(households)s households is collective and is filed in each "
            "household's dossier: name %(missing)s more dossier(s)."
        ),
    }

    def __init__(self, *args, dossier, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier, self.user = dossier, user
        # the complainant is picked from the unit's occupants; someone else's name is typed
        occupants = occupant_choices(dossier)
        pick = self.fields["complainant_choice"]
        pick.choices = [*occupants, (SOMEONE_ELSE, _("Someone else (type the name below)"))]
        pick.initial = occupants[0][0] if occupants else SOMEONE_ELSE
        typed = self.fields["complainant"]
        typed.required = False
        typed.label = _("Someone else's name")
        typed.help_text = _("Only when the complainant is not one of the occupants.")
        self.order_fields(["complainant_choice", "complainant"])
        self.fields["heard"].required = True
        self.fields["households"].min_value = 1
        self.fields["households"].widget.attrs.update({"min": 1, "max": 999})
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["received_at"].input_formats = DATETIME_FORMATS

    def clean_households(self):
        households = self.cleaned_data["households"]
        if households is not None and households < 1:
            raise forms.ValidationError(_("At least one household complains."), code="min")
        return households

    def clean_other_dossiers(self):
        text = self.cleaned_data["other_dossiers"]
        numbers = list(
            dict.fromkeys(n for n in complaints.ARCHIVE_NUMBER_SEPARATORS.split(text) if n)
        )
        if self.dossier.archive_number in numbers:
            raise forms.ValidationError(
                self.error_messages["own"] % {"number": self.dossier.archive_number}, code="own"
            )
        found = {
            d.archive_number: d
            for d in dossier_visible_to(self.user).filter(archive_number__in=numbers)
        }
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                self.error_messages["unknown"] % {"numbers": "、".join(unknown)}, code="unknown"
            )
        return [found[n] for n in numbers]

    def clean(self):
        cleaned = super().clean()
        picked = cleaned.get("complainant_choice")
        if picked and picked != SOMEONE_ELSE:
            cleaned["complainant"] = picked
        elif not (cleaned.get("complainant") or "").strip():
            self.add_error("complainant", self.error_messages["someone_else"])
        # a complaint may be taken down a few minutes "early" on a clock that runs fast
        moment_not_in_future(self, "received_at", self.error_messages["future"])
        if cleaned.get("channel") == Complaint.Channel.LETTER:
            cleaned["is_written"] = True  # R42: a letter is a written complaint
        households, others = cleaned.get("households"), cleaned.get("other_dossiers")
        if households and others is not None:
            missing = complaints.collective_shortfall(households, len(others))
            if missing:
                self.add_error(
                    "other_dossiers",
                    forms.ValidationError(
                        self.error_messages["collective"],
                        code="collective",
                        params={"households": households, "missing": missing},
                    ),
                )
        return cleaned


def next_open_step(complaint):
    """The first of the five clears not recorded yet (the last one when all are)."""
    for name in Complaint.STEPS:
        if not getattr(complaint, name).strip():
            return name
    return Complaint.STEPS[-1]


class ComplaintStepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=ComplaintStep.Step.choices)
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None:
            # after a step is saved the form proposes the next one still open
            self.fields["step"].initial = next_open_step(complaint)


class ComplaintReplyForm(forms.Form):
    written_reply = forms.CharField(
        label=_("Written reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    replied_on = forms.DateField(label=_("Replied on"), widget=DATE)
    reply_reference = forms.CharField(label=_("Reply letter number"), required=False, max_length=40)

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.fields["replied_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if date_not_in_future(self, "replied_on", _("The reply date cannot be in the future.")):
            return cleaned
        replied_on = cleaned.get("replied_on")
        if replied_on and replied_on < timezone.localdate(self.complaint.received_at):
            self.add_error(
                "replied_on", _("The reply cannot be dated before the complaint was received.")
            )
        return cleaned


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *Complaint.Status.choices],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("All channels")), *Complaint.Channel.choices],
        required=False,
    )
    month = forms.CharField(
        label=_("Month received"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Write the month as 2026-03."))],
    )
    major = forms.BooleanField(label=_("Major complaints only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


def _staff():
    """Who may be named as the visitor: the front desk and the managers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.FRONT_DESK, Role.MANAGER])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = [
            "kind",
            "method",
            "visited_on",
            "visitor",
            "visited_person",
            "purpose",
            "notes",
            "satisfaction",
            "complaint",
            "repair",
        ]
        widgets = {"visited_on": DATE, "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "complaint": _("A return visit answers a complaint."),
            "repair": _("…or a repair of this unit."),
        }

    def __init__(self, *args, dossier, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["visited_on"].initial = timezone.localdate()
        visitor = self.fields["visitor"]
        visitor.queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=_staff().values("pk")) | Q(pk=user.pk))
            .order_by("last_name", "first_name", "username")
        )
        visitor.initial = user.pk
        visitor.label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["complaint"].queryset = record_visible_to(
            user, Complaint, selectors.complaints_concerning(dossier)
        ).order_by("-received_at", "-pk")
        self.fields["complaint"].label_from_instance = lambda c: (
            f"{date_format(timezone.localtime(c.received_at))} {c.subject}"
            f"（{c.get_status_display()}）"
        )
        self.fields["repair"].queryset = Repair.objects.filter(dossier=dossier).order_by(
            "-reported_at", "-pk"
        )

    def clean(self):
        cleaned = super().clean()
        date_not_in_future(self, "visited_on", _("A visit cannot be recorded before it happens."))
        if cleaned.get("kind") == Visit.Kind.VISIT:
            for name in ("complaint", "repair"):
                if cleaned.get(name):
                    self.add_error(name, _("Only a return visit answers a complaint or a repair."))
        return cleaned


def _year_choices(today):
    return [(y, str(y)) for y in range(today.year, today.year - 6, -1)]


class VisitScheduleForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))],
    )
    estate = forms.ModelChoiceField(
        Estate.objects.order_by("code"),
        label=_("Estate"),
        required=False,
        empty_label=_("All estates"),
    )

    def __init__(self, data=None, *, today, **kwargs):
        quarter = (today.month - 1) // 3 + 1
        data = {"year": today.year, "quarter": quarter, **(data.dict() if data else {})}
        super().__init__(data, **kwargs)
        self.fields["year"].choices = _year_choices(today)

    def values(self, today):
        """(year, quarter, estate), the defaults when the query string is wrong."""
        if self.is_valid():
            data = self.cleaned_data
            return data["year"], data["quarter"], data["estate"]
        return today.year, (today.month - 1) // 3 + 1, None
