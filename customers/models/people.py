"""Customers (R3, R4, R9, R16) and what changes by adding rows (R10): household members and
contacts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import masking
from core.fields import CreditCodeField, LandlineField, MobileField, ResidentIdField
from core.validators import resident_id_birth_date, resident_id_sex, validate_resident_id


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
        _("locked"), default=False, help_text=_("Confirmed: changes need a change request.")
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
