"""Units, customers, occupancy and the one dossier per unit (R1–R4, R7–R12).

A dossier is divided into sections, one per occupancy (R8): ``Occupancy`` *is* the section.
Records carry a direct ``dossier`` key so permission filtering stays one join deep.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core import masking
from core.choices import CONFIDENTIAL_LEVELS, Retention, SecrecyLevel
from core.fields import CreditCodeField, LandlineField, MobileField, ResidentIdField
from core.validators import resident_id_birth_date, resident_id_sex, validate_resident_id

from . import event_kinds

# --- Property structure ----------------------------------------------------------------


class ServiceCentre(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Estate(models.Model):
    """苑/小区: the estate and the service centre that looks after it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Used in archive numbers.")
    )
    service_centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        related_name="estates",
        verbose_name=_("service centre"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Building(models.Model):
    """栋."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("estate")
    )
    number = models.CharField(_("building number"), max_length=20)
    name = models.CharField(_("name"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number")
        ]

    def __str__(self):
        return _("%(estate)s building %(number)s") % {"estate": self.estate, "number": self.number}


class Unit(models.Model):
    """房号: one unit of a building, on a floor, in an entrance (单元)."""

    class Usage(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        COMMERCIAL = "commercial", _("Shop")
        OFFICE = "office", _("Office")

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    entrance = models.CharField(_("entrance"), max_length=20, blank=True)
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room number"), max_length=20)
    usage = models.CharField(
        _("usage"), max_length=20, choices=Usage.choices, default=Usage.RESIDENTIAL
    )
    area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building__estate__code", "building__number", "floor", "entrance", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "entrance", "room"], name="unit_unique_in_building"
            )
        ]
        indexes = [models.Index(fields=["building", "floor"], name="unit_floor_idx")]

    def __str__(self):
        return self.label

    @property
    def label(self):
        building = self.building
        parts = [building.estate.name, _("Building %(n)s") % {"n": building.number}]
        if self.entrance:
            parts.append(_("Entrance %(n)s") % {"n": self.entrance})
        parts.append(self.room)
        return " ".join(str(p) for p in parts)


# --- Customers ------------------------------------------------------------------------


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Customer(models.Model):
    """A household (individual) or an enterprise; independent of units (R3)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual household")
        ENTERPRISE = "enterprise", _("Enterprise or institution")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=100, blank=True, db_index=True, editable=False
    )
    # individual
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # ID, credit code and phones are stored in one canonical form (core.fields, R4)
    id_number = ResidentIdField(_("resident ID number"), blank=True, db_index=True)
    # enterprise
    credit_code = CreditCodeField(_("unified social credit code"), blank=True, db_index=True)
    tax_number = models.CharField(_("tax registration number"), max_length=30, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    licence_valid_until = models.DateField(_("business licence valid until"), null=True, blank=True)
    annual_review_date = models.DateField(_("last annual review"), null=True, blank=True)
    # both
    mobile = MobileField(_("mobile"), blank=True, db_index=True)
    landline = LandlineField(_("landline"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Confirmed: changes need a change request (R9).")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    # R16: shown masked everywhere (core.masking), revealed only with a logged reason.
    PERSONAL_FIELDS = {
        "id_number": masking.ID,
        "credit_code": masking.ID,
        "mobile": masking.PHONE,
        "landline": masking.PHONE,
        "address": masking.ADDRESS,
    }

    # Fields of a confirmed record that a change request may change (R9).
    EDITABLE_FIELDS = [
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
        "address",
        "email",
        "notes",
    ]

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        constraints = [
            # code "unique" on one field: model validation reports it beside that field
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="customer_unique_id_number",
                violation_error_code="unique",
                violation_error_message=_(
                    "A customer with this resident ID number is already on file."
                ),
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="customer_unique_credit_code",
                violation_error_code="unique",
                violation_error_message=_(
                    "A customer with this unified social credit code is already on file."
                ),
            ),
        ]
        permissions = [("reveal_customer", _("Can reveal personal data"))]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from pypinyin import Style, lazy_pinyin

        self.name_initials = "".join(lazy_pinyin(self.name, style=Style.FIRST_LETTER)).lower()[:100]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.kind == self.Kind.INDIVIDUAL:
            for field in ("sex", "birth_date", "id_number"):
                if not getattr(self, field):
                    errors[field] = _("Required for an individual household.")
            if self.id_number and not errors.get("id_number"):
                try:
                    validate_resident_id(self.id_number)
                except ValidationError:
                    pass  # reported by the field validator
                else:
                    # R4: the ID number's birth date and sex agree with what was entered.
                    if (
                        self.birth_date
                        and resident_id_birth_date(self.id_number) != self.birth_date
                    ):
                        errors["birth_date"] = _(
                            "The date of birth does not match the ID number (%(date)s)."
                        ) % {"date": date_format(resident_id_birth_date(self.id_number))}
                    if self.sex and resident_id_sex(self.id_number) != self.sex:
                        errors["sex"] = _("The sex does not match the ID number.")
            if not (self.mobile or self.landline):
                errors["mobile"] = _("Enter a mobile or a landline number.")
        elif self.kind == self.Kind.ENTERPRISE:
            if not self.credit_code:
                errors["credit_code"] = _("Required for an enterprise.")
            if not (self.mobile or self.landline):
                errors["landline"] = _("Enter a mobile or a landline number.")
        if errors:
            raise ValidationError(errors)


class HouseholdMember(models.Model):
    """A member of an individual household (R3); joining and leaving are kept (R10)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="members", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=30)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_number = ResidentIdField(_("resident ID number"), blank=True)
    mobile = MobileField(_("mobile"), blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    PERSONAL_FIELDS = {"id_number": masking.ID, "mobile": masking.PHONE}  # R16

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["customer", "pk"]

    def __str__(self):
        return f"{self.name}（{self.relation}）"


class Contact(models.Model):
    """A contact person of a customer. A change adds a new row and closes the old one (R10)."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency contact")
        DAILY = "daily", _("Day-to-day contact")
        LICENCE = "licence", _("Licence contact")
        ANNUAL_REVIEW = "annual_review", _("Annual review contact")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    relation = models.CharField(_("relation"), max_length=30, blank=True)
    mobile = MobileField(_("mobile"), blank=True, db_index=True)
    landline = LandlineField(_("landline"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    PERSONAL_FIELDS = {"mobile": masking.PHONE, "landline": masking.PHONE}  # R16

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "kind", "-valid_from", "-pk"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def is_current(self):
        return self.valid_until is None


# --- Dossiers -------------------------------------------------------------------------


class DossierQuerySet(models.QuerySet):
    def with_current_occupants(self):
        """Prefetch the open sections and their customers: the label (R7) in one query."""
        return self.prefetch_related(
            models.Prefetch(
                "occupancies",
                queryset=Occupancy.objects.current().select_related("customer"),
                to_attr="current_occupancies",
            )
        )

    def confidential(self):
        return self.filter(secrecy_level__in=CONFIDENTIAL_LEVELS)


class Dossier(models.Model):
    """一户一档: exactly one dossier per unit (R1), with a permanent archive number (R2)."""

    class Status(models.TextChoices):
        VACANT = "vacant", _("Vacant")
        PENDING = "pending", _("Awaiting verification")
        OCCUPIED = "occupied", _("Occupied")

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="dossier", verbose_name=_("unit")
    )
    archive_number = models.CharField(
        _("archive number"), max_length=60, unique=True, editable=False
    )
    secrecy_level = models.CharField(
        _("secrecy level"),
        max_length=1,
        choices=SecrecyLevel.choices,
        default=SecrecyLevel.C,
        db_index=True,
    )
    retention = models.CharField(
        _("retention period"), max_length=20, choices=Retention.choices, default=Retention.PERMANENT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VACANT, db_index=True
    )
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    history = HistoricalRecords()

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["archive_number"]
        permissions = [
            ("reveal_dossier", _("Can reveal personal data in the dossier")),
        ]

    def __str__(self):
        return self.archive_number

    @property
    def is_confidential(self):
        return self.secrecy_level in CONFIDENTIAL_LEVELS

    @property
    def current(self):
        if hasattr(self, "current_occupancies"):
            return self.current_occupancies
        return list(self.occupancies.current().select_related("customer"))

    @property
    def label(self):
        """R7: the label shows the current occupants' names, derived, so it always matches."""
        return "、".join(o.customer.name for o in self.current)


class DossierUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("dossier permission of a user")
        verbose_name_plural = _("dossier permissions of users")


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("dossier permission of a group")
        verbose_name_plural = _("dossier permissions of groups")


class ArchiveNumber(models.Model):
    """Every archive number ever issued: a number is never reused (R2)."""

    number = models.CharField(_("archive number"), max_length=60, primary_key=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    dossier = models.OneToOneField(
        Dossier,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dossier"),
    )

    class Meta:
        verbose_name = _("issued archive number")
        verbose_name_plural = _("issued archive numbers")

    def __str__(self):
        return self.number


class OccupancyQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status__in=[Occupancy.Status.PENDING, Occupancy.Status.ACTIVE])


class Occupancy(models.Model):
    """A customer's owning or renting of a unit: one section of the unit's dossier (R8)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        ACTIVE = "active", _("Moved in")
        MOVED_OUT = "moved_out", _("Moved out")
        REJECTED = "rejected", _("Rejected at verification")

    TRANSITIONS = {
        Status.PENDING: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.MOVED_OUT},
        Status.MOVED_OUT: set(),
        Status.REJECTED: set(),
    }

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("dossier")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("customer")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    section_number = models.PositiveSmallIntegerField(_("section"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    moved_in = models.DateField(_("move-in date"))
    moved_out = models.DateField(_("move-out date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["dossier", "-section_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "section_number"], name="occupancy_unique_section"
            ),
            # R4: the person who verifies is not the person who recorded.
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=F("recorded_by")),
                name="occupancy_verified_by_another",
            ),
            # One open section per customer and role in a dossier.
            models.UniqueConstraint(
                fields=["dossier", "customer", "role"],
                condition=Q(status__in=["pending", "active"]),
                name="occupancy_one_open_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=F("moved_in")),
                name="occupancy_moves_out_after_moving_in",
            ),
        ]
        permissions = [("verify_occupancy", _("Can verify a move-in (信息核实)"))]

    def __str__(self):
        return f"{self.dossier} §{self.section_number} {self.customer}（{self.get_role_display()}）"

    @property
    def is_closed(self):
        return self.status in (self.Status.MOVED_OUT, self.Status.REJECTED)

    @property
    def locked(self):
        return self.status != self.Status.PENDING


class ChangeRequest(models.Model):
    """An edit of a locked record (R9): proposed, then approved or rejected by a manager."""

    # the admin's history masks ``changes`` ({field: [old, new]}) as these fields (R16)
    CHANGES_MASKED_AS = Customer

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("dossier")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("customer"),
    )
    changes = models.JSONField(_("changes"), help_text=_("{field: [old, new]}"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-pk"]
        permissions = [("approve_changerequest", _("Can approve or reject change requests"))]

    def __str__(self):
        return _("Change of %(customer)s (%(status)s)") % {
            "customer": self.customer,
            "status": self.get_status_display(),
        }


class MoveInReferral(models.Model):
    """A move-in of a customer already on file in a dossier the recorder may not see (R17).

    The front desk typed an ID number or credit code that belongs to such a customer. The
    move-in is not recorded and nothing about that customer is shown to them; a manager who
    may see the customer decides: accept (the move-in is recorded with the customer on file,
    then verified as usual, R4) or reject, with a note."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting a manager's decision")
        ACCEPTED = "accepted", _("Accepted: move-in recorded")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = {
        Status.REQUESTED: {Status.ACCEPTED, Status.REJECTED},
        Status.ACCEPTED: set(),
        Status.REJECTED: set(),
    }

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("unit")
    )
    role = models.CharField(_("as"), max_length=10, choices=Occupancy.Role.choices)
    moved_in = models.DateField(_("move-in date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # the customer on file: shown only to those who may see them, never to the requester
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer on file")
    )
    typed = models.JSONField(
        _("data typed at the front desk"), default=dict, help_text=_("{field: value}")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    occupancy = models.OneToOneField(
        Occupancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("section recorded"),
    )
    history = HistoricalRecords()

    PERSONAL_FIELDS = {}  # the typed values are masked field by field (Customer's kinds)

    class Meta:
        verbose_name = _("move-in referred to a manager")
        verbose_name_plural = _("move-ins referred to a manager")
        ordering = ["-requested_at", "-pk"]
        permissions = [
            (
                "decide_moveinreferral",
                _("Can decide move-ins of customers on file in other dossiers"),
            )
        ]

    def __str__(self):
        return _("Move-in into %(unit)s (%(status)s)") % {
            "unit": self.unit,
            "status": self.get_status_display(),
        }


# --- The dossier's timeline (R6, R10) ---------------------------------------------------------


class DossierEvent(models.Model):
    """One line of the dossier's timeline: something recorded in or about the dossier.

    Every service that records or moves a record of the dossier (a move-in, a contact change,
    a lease, a complaint step …) writes its event in the same transaction. The timeline is then
    one indexed query, newest first (R6), whatever the dossier holds; dynamic updates (R10)
    are kept as events, never overwritten.
    """

    class Kind(models.TextChoices):
        """The customers app's own kinds; the other apps register theirs (event_kinds)."""

        OCCUPANCY = "occupancy", _("Move-in and move-out")
        HOUSEHOLD = "household", _("Household change")
        CONTACT = "contact", _("Contact change")
        CUSTOMER = "customer", _("Customer data change")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", verbose_name=_("dossier")
    )
    section = models.ForeignKey(
        Occupancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("section"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=event_kinds.choices)
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    title = models.CharField(_("title"), max_length=200)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # the record the event is about, opened by the URL its app registered for the kind
    record_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["-occurred_on", "-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["dossier", "-occurred_on", "-recorded_at", "-id"], name="event_timeline_idx"
            ),
            models.Index(
                fields=["dossier", "kind", "-occurred_on", "-recorded_at", "-id"],
                name="event_timeline_kind_idx",
            ),
            models.Index(fields=["record_type", "record_id"], name="event_record_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.title}"
