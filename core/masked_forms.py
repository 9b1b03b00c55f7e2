"""Forms that carry personal fields show them masked (R16).

A form built on a record that holds personal data (an edit form) would otherwise put the
whole ID number, mobile and address into ``<input value="…">`` for anybody who may open it.
With ``PersonalFieldsMixin`` such a field starts out masked, unless the view says the user
has revealed the dossier's data (with a reason, logged: ``reveal=True``):

- left as it is, the masked value stands for the value on file, which is kept: it is never
  saved over the real one, and the field does not count as changed;
- a new value typed in replaces it, so a user who may not reveal can still correct a number;
- a masked value edited in part (asterisks still in it) is refused with a message.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .masking import is_masked, mask, personal_fields

MASKED_HELP = _("Masked: leave it as it is to keep the value on file, or type the whole new value.")
PARTLY_MASKED = _("Type the whole new value: a masked value cannot be changed in part.")


class PersonalFieldsMixin:
    """Mix into a ``ModelForm`` (the model's ``PERSONAL_FIELDS`` say which fields) or set
    ``personal_fields = {name: kind}`` on a plain form. Pass ``reveal=True`` only after the
    user revealed the data and the view logged it."""

    personal_fields: dict[str, str] | None = None

    def __init__(self, *args, reveal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.revealed = reveal
        self.masked_fields = {}
        if reveal:
            return
        kinds = self.personal_fields
        if kinds is None:
            meta = getattr(self, "_meta", None)
            kinds = personal_fields(meta.model) if meta is not None else {}
        for name, kind in kinds.items():
            field = self.fields.get(name)
            if field is None:
                continue
            real = self.get_initial_for_field(field, name)
            if real in (None, ""):
                continue
            shown = mask(kind, real)
            self.initial[name] = shown
            self.masked_fields[name] = shown
            field.help_text = MASKED_HELP
            field.widget.attrs.update({"autocomplete": "off", "data-masked": ""})
            field.clean = _keep_unless_replaced(field.clean, shown=shown, real=real)


def _keep_unless_replaced(clean, *, shown, real):
    def keep(value):
        typed = value.strip() if isinstance(value, str) else value
        if typed == shown:
            return clean(real)  # unchanged: the value on file
        if is_masked(typed):
            raise forms.ValidationError(PARTLY_MASKED, code="partly_masked")
        return clean(value)

    return keep
