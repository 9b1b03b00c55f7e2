"""A product sentence kept as its msgid and parameters, said in the reader's language.

A timeline line, a notification or a history reason written by the product is read later, by
people who read another language than its writer. So it is stored as a ``Line``: an English
gettext msgid and its parameters, as JSON beside the text column, and rendered when shown
(``render``), in the language then active. The text column keeps the sentence in the default
language (``settings.LANGUAGE_CODE``) for the search, the admin and the rows written before.

    Line("Loan %(number)s approved", number=loan.number)
    Line("%(what)s until %(day)s", what=Line("renewed"), day=loan.due_on)
    Line("Status: %(status)s", status=choice(loan, "status"))

Parameters are text, numbers, dates and times (rendered in the reader's date format),
``Decimal``, a nested ``Line``, a list of these (joined with the reader's separator) or a
lazy translation (a ``TextChoices`` label: its msgid is
kept and translated when shown). ``makemessages`` finds the msgids: ``core``'s makemessages
adds ``Line`` to xgettext's keywords.
"""

import datetime
import json
import logging
from decimal import Decimal

from django.conf import settings
from django.db.models import Choices
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext, pgettext_lazy

logger = logging.getLogger(__name__)

# Between the items of a list parameter ("、" in Chinese), and between the parts of a line
# made of several sentences (``Parts``: "；" in Chinese).
LIST_SEPARATOR = pgettext_lazy("list separator", ", ")
PARTS_SEPARATOR = pgettext_lazy("parts separator", "; ")

# How a Line stored in a text column (a history row's change reason) begins.
_TEXT_MARK = '{"m":'


class Line:
    """An English msgid and its parameters; ``str()`` says it in the active language."""

    __slots__ = ("msgid", "params", "context")

    def __init__(self, msgid: str, /, *, context: str = "", **params):
        self.msgid = str(msgid)
        self.context = context
        self.params = params

    def __repr__(self):
        return f"Line({self.msgid!r}, {self.params!r})"

    def __str__(self):
        return self.render()

    def __eq__(self, other):
        return isinstance(other, Line) and self.as_json() == other.as_json()

    __hash__ = None

    def as_json(self) -> dict:
        data = {"m": self.msgid}
        if self.context:
            data["c"] = self.context
        if self.params:
            data["p"] = {name: _encode(value) for name, value in self.params.items()}
        return data

    def render(self) -> str:
        """The sentence in the active language."""
        return render(self.as_json())

    def default_text(self) -> str:
        """The sentence in the default language (what the text columns keep)."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.render()


class Parts(Line):
    """Sentences said one after the other (a timeline detail of several facts)."""

    __slots__ = ()

    def __init__(self, parts):
        super().__init__("")
        self.params = {"parts": list(parts)}

    def __repr__(self):
        return f"Parts({self.params['parts']!r})"

    def as_json(self) -> dict:
        return {"l": [_encode(part) for part in self.params["parts"]], "s": ";"}


def choice(obj, field_name: str):
    """The label of ``obj``'s choice in ``field_name``, kept as its msgid (``Line`` parameter):
    shown in the reader's language. A value outside the choices stays as it is."""
    value = getattr(obj, field_name)
    field = obj._meta.get_field(field_name)
    for key, label in field.flatchoices:
        if key == value:
            return label
    return value


def _encode(value):
    if isinstance(value, Line):
        return value.as_json()
    if isinstance(value, Choices):  # a TextChoices member: its label, not its code
        value = value.label
    if isinstance(value, Promise):
        return _encode_lazy(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, list | tuple):
        return {"l": [_encode(item) for item in value]}
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _encode_lazy(value):
    """A lazy translation's msgid (gettext_lazy, pgettext_lazy), else its default text."""
    func, args, kwargs = value.__reduce__()[1][:3]
    if not kwargs and getattr(func, "__name__", "") == "gettext" and len(args) == 1:
        return {"t": str(args[0])}
    if not kwargs and getattr(func, "__name__", "") == "pgettext" and len(args) == 2:
        return {"t": str(args[1]), "c": str(args[0])}
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _decode(value):
    if not isinstance(value, dict):
        return value
    if "m" in value:
        return render(value)
    if "t" in value:
        return pgettext(value["c"], value["t"]) if value.get("c") else gettext(value["t"])
    if "d" in value:
        return formats.date_format(datetime.date.fromisoformat(value["d"]), "DATE_FORMAT")
    if "dt" in value:
        moment = datetime.datetime.fromisoformat(value["dt"])
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    if "n" in value:
        return str(Decimal(value["n"]))
    if "l" in value:
        separator = PARTS_SEPARATOR if value.get("s") == ";" else LIST_SEPARATOR
        return str(separator).join(str(_decode(item)) for item in value["l"] if item != "")
    return str(value)


def render(data, fallback: str = "") -> str:
    """A stored line in the active language; ``fallback`` (the stored text) when there is no
    line, or it cannot be said (a msgid whose parameters changed since)."""
    if not data:
        return fallback
    try:
        if "m" not in data:
            return _decode(data)
        msgid = data["m"]
        text = pgettext(data["c"], msgid) if data.get("c") else gettext(msgid)
        params = data.get("p")
        if params is not None:
            text = text % {name: _decode(value) for name, value in params.items()}
        return text
    except (AttributeError, KeyError, TypeError, ValueError):
        logger.warning("a stored line could not be rendered: %r", data)
        if fallback or not isinstance(data, dict):
            return fallback
        return str(data.get("m", ""))


def split(value, limit: int) -> tuple[str, dict | None]:
    """``(text in the default language, the line's JSON or None)`` of a Line, a lazy
    translation (a choice's label) or a text (kept as it is: typed by a person)."""
    if isinstance(value, Line):
        return value.default_text()[:limit], value.as_json()
    if isinstance(value, Promise | Choices):
        data = _encode(value)
        with translation.override(settings.LANGUAGE_CODE):
            text = str(value.label if isinstance(value, Choices) else value)
        return text[:limit], data if isinstance(data, dict) else None
    return str(value)[:limit], None


# --- A Line in a text column (history reasons) --------------------------------------------
def as_text(value, limit: int) -> str:
    """A Line as compact JSON for a text column of ``limit`` characters (a history row's
    reason), when it fits; else the sentence in the default language. A text stays itself."""
    if isinstance(value, Line):
        packed = json.dumps(value.as_json(), ensure_ascii=False, separators=(",", ":"))
        if len(packed) <= limit:
            return packed
        return value.default_text()[:limit]
    return str(value)[:limit]


def from_text(text) -> str:
    """A text column's value in the active language: a Line written by ``as_text`` is
    rendered, anything else (a reason typed by a person) is shown as typed."""
    if not text or not isinstance(text, str) or not text.startswith(_TEXT_MARK):
        return text or ""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict) or not isinstance(data.get("m"), str):
        return text
    return render(data, fallback=text)
