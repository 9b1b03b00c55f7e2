"""The one form renderer (``FORM_RENDERER``): every form of the site, the admin's and the list
filters' included, goes through it."""

from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

# Django marks the empty choice of a select with a row of dashes (model fields'
# BLANK_CHOICE_DASH, ModelChoiceField's and django-filter's empty_label); a reader is asked
# to choose instead.
DASHES = BLANK_CHOICE_DASH[0][1]
PLEASE_CHOOSE = _("Please choose")


class ArchiveFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        for _group, options, _index in (widget or {}).get("optgroups", ()):
            for option in options:
                if option.get("label") == DASHES:
                    option["label"] = PLEASE_CHOOSE
        return super().render(template_name, context, request=request)
