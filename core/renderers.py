"""The one form renderer (``FORM_RENDERER``): every form of the site, the admin's and the list
filters' included, goes through it."""

from functools import cached_property

from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import DjangoTemplates
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from core.fast_html import text

# Django marks the empty choice of a select with a row of dashes (model fields'
# BLANK_CHOICE_DASH, ModelChoiceField's and django-filter's empty_label); a reader is asked
# to choose instead.
DASHES = BLANK_CHOICE_DASH[0][1]
PLEASE_CHOOSE = _("Please choose")

# Django's own widget templates for inputs and selects, written out in Python. Through the
# template engine an <input> costs ~0.1 ms and each <option> ~0.05 ms (an include, the attrs
# loop, filters), ~3 ms a filter bar on every list page. A template is written out only while
# its source is the one below, so a project or a Django version that changes it is rendered
# by the engine as before; tests/core/test_renderers.py holds the output to the engine's
# (which the renderer strips of the templates' trailing newlines).
_W = "django/forms/widgets/"
_INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
_STOCK_SOURCES = {
    f"{_W}attrs.html": (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
        "{% endfor %}"
    ),
    f"{_W}input.html": (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
        " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    ),
    f"{_W}select.html": (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}"
        '{% if group_name %}\n  <optgroup label="{{ group_name }}">{% endif %}'
        "{% for option in group_choices %}\n  {% include option.template_name with widget=option %}"
        "{% endfor %}{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}\n</select>\n"
    ),
    f"{_W}select_option.html": (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    ),
    **{
        f"{_W}{name}.html": _INCLUDE_INPUT
        for name in (
            "text",
            "number",
            "email",
            "url",
            "color",
            "search",
            "tel",
            "password",
            "hidden",
            "file",
            "date",
            "datetime",
            "time",
            "checkbox",
        )  # fmt: skip
    },
}
_OPTION = f"{_W}select_option.html"


def _formatted(value):
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe."""
    shown = stringformat(value, "s")
    return text(mark_safe(shown) if isinstance(value, SafeData) else shown)  # noqa: S308


def _attrs(attrs):
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _select(widget):
    parts = [f'<select name="{text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class ArchiveFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        for _group, options, _index in (widget or {}).get("optgroups", ()):
            for option in options:
                if option.get("label") == DASHES:
                    option["label"] = PLEASE_CHOOSE
        if widget is not None:
            html = self._writtentext(template_name, widget)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)

    def _writtentext(self, template_name, widget):
        if not self._is_stock(template_name):
            return None
        if template_name == f"{_W}select.html":
            if not (self._is_stock(f"{_W}attrs.html") and self._is_stock(_OPTION)):
                return None
            return _select(widget)
        if not (self._is_stock(f"{_W}input.html") and self._is_stock(f"{_W}attrs.html")):
            return None
        return _input(widget)

    @cached_property
    def _stock(self):
        return {}  # template name -> whether its source is Django's own, read once

    def _is_stock(self, template_name):
        if template_name not in self._stock:
            expected = _STOCK_SOURCES.get(template_name)
            self._stock[template_name] = (
                expected is not None
                and self.get_template(template_name).template.source == expected
            )
        return self._stock[template_name]
