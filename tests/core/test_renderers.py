"""core.renderers writes Django's input and select templates out in Python: byte for byte what
the template engine gives, and the engine's own output wherever a template is not the stock one."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.renderers import ArchiveFormRenderer
from customers.forms import DossierSearchForm
from tests.customers.factories import EstateFactory


class EngineOnly(ArchiveFormRenderer):
    """The same renderer with every widget through the template engine."""

    def _written_out(self, template_name, widget):
        return None


CHOICES = [
    ("", "---------"),
    (1, "一号楼 <b>&"),
    ("2", _("Search")),
    (3000, 3000),
    (Decimal("1.5"), datetime.date(2026, 12, 3)),
    (_("Groups"), [("a", "A"), ("b", mark_safe("<i>B</i>"))]),
]


class Everything(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(
            attrs={"placeholder": _("Search"), "data-autosubmit": "", "autofocus": True}
        )
    )
    empty = forms.CharField(required=False, widget=forms.TextInput(attrs={"hidden": False}))
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "step": Decimal("0.5")}))
    decimal = forms.DecimalField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField()
    time = forms.TimeField()
    mail = forms.EmailField()
    url = forms.URLField(assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    one = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES)
    maybe = forms.NullBooleanField()
    note = forms.CharField(widget=forms.Textarea)


VALUES = [
    {},
    {
        "text": "say \"<hi>\" & 'bye'",
        "empty": "",
        "number": "12345",
        "decimal": "1234.50",
        "day": "2026-12-03",
        "moment": "2026-12-03 09:30",
        "time": "09:30",
        "mail": "a@b.cn",
        "url": "https://example.cn/?a=1&b=2",
        "secret": "<pw>",
        "hidden": mark_safe("<safe>"),
        "tick": "on",
        "one": "1",
        "many": ["2", "a", "b"],
        "maybe": "true",
        "note": "<x>",
    },
    {"one": "a", "many": ["1.5"], "maybe": "false", "number": "x", "tick": ""},
]


def widgets(form_class, data, renderer):
    form = form_class(data or None, renderer=renderer)
    return [html for field in form for html in (field.as_widget(), str(field))]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", VALUES)
def test_every_input_and_select_is_what_the_template_engine_writes(language, data):
    with translation.override(language):
        fast = widgets(Everything, data, ArchiveFormRenderer())
        slow = widgets(Everything, data, EngineOnly())
    assert fast == slow
    assert any("<option" in html for html in fast)


@pytest.mark.django_db
def test_the_dossier_search_bar_is_what_the_template_engine_writes():
    EstateFactory(name="锦绣<家园>")
    with translation.override("zh-hans"):
        fast = widgets(DossierSearchForm, {"q": "王", "floor": "3"}, ArchiveFormRenderer())
        slow = widgets(DossierSearchForm, {"q": "王", "floor": "3"}, EngineOnly())
    assert fast == slow
    assert "锦绣&lt;家园&gt;" in "".join(fast)
    assert "请选择" in "".join(fast)  # the empty choice still asks the reader to choose


def test_a_template_that_is_not_the_stock_one_is_rendered_by_the_engine():
    class Overridden(ArchiveFormRenderer):
        def get_template(self, template_name):
            if template_name == "django/forms/widgets/text.html":
                return engines["django"].from_string("<b>{{ widget.name }}</b>")
            return super().get_template(template_name)

    renderer = Overridden()
    form = type("F", (forms.Form,), {"name": forms.CharField(), "n": forms.IntegerField()})(
        renderer=renderer
    )
    assert str(form["name"]) == "<b>name</b>"
    assert str(form["n"]).startswith('<input type="number" name="n"')  # still written out
