"""The browser import of units (django-import-export): Chinese column headers, per-row errors,
idempotent by building + entrance + room. Used by ``customers.admin.UnitAdmin``."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.results import RowResult

from .models import Building, Estate, Unit

# Column headers of the unit file: the words of the company's spreadsheets (a file format,
# not a UI string, so not translated).
COL_ESTATE = "小区编码"
COL_BUILDING = "楼栋"
COL_ENTRANCE = "单元"
COL_FLOOR = "楼层"
COL_ROOM = "房号"
COL_USAGE = "用途"
COL_AREA = "面积"
REQUIRED_COLUMNS = [COL_ESTATE, COL_BUILDING, COL_FLOOR, COL_ROOM]
HEADER_ALIASES = {
    COL_ESTATE: ["小区代码", "苑编码", "estate code", "estate_code", "estate"],
    COL_BUILDING: ["栋", "楼栋号", "栋号", "building", "building number", "building_number"],
    COL_ENTRANCE: ["单元号", "entrance"],
    COL_FLOOR: ["层", "楼层号", "floor"],
    COL_ROOM: ["房间号", "室", "room", "room number", "room_number"],
    COL_USAGE: ["房屋用途", "usage"],
    COL_AREA: ["建筑面积", "面积(m2)", "面积(㎡)", "面积（㎡）", "area"],
}
USAGE_ALIASES = {
    "住宅": Unit.Usage.RESIDENTIAL,
    "商铺": Unit.Usage.COMMERCIAL,
    "商业": Unit.Usage.COMMERCIAL,
    "门面": Unit.Usage.COMMERCIAL,
    "办公": Unit.Usage.OFFICE,
    "写字楼": Unit.Usage.OFFICE,
}


def _cell(value) -> str:
    """A cell as clean text: numbers from a spreadsheet without ".0", full-width characters
    (１２０１, （）) as ASCII, surrounding spaces dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


_HEADERS = {
    _cell(alias).casefold(): column
    for column, aliases in HEADER_ALIASES.items()
    for alias in [column, *aliases]
}


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class ImportFileError(ValueError):
    """A problem with the whole file (shown above the rows, without a traceback)."""


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _cell(value)


class FloorWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = _cell(value).removesuffix("层").strip()
        if not text:
            return None
        if not re.fullmatch(r"-?[0-9]{1,4}", text):
            raise ValueError(
                _("“%(value)s” is not a floor: enter a whole number, e.g. 12, or -1 below ground.")
                % {"value": _cell(value)}
            )
        return int(text)


class AreaWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        text = _cell(value)  # NFKC has turned ㎡ and m² into "m2"
        for unit in ("平方米", "平米", "m2"):
            text = text.removesuffix(unit).strip()
        if not text:
            return None
        try:
            area = Decimal(text)
        except InvalidOperation:
            area = None
        if area is None or not area.is_finite() or area <= 0:
            raise ValueError(
                _("“%(value)s” is not a floor area: enter square metres, e.g. 89.5.")
                % {"value": _cell(value)}
            )
        return area


class UsageWidget(widgets.Widget):
    """The usage by its code, its label in English or Chinese, or a usual Chinese word."""

    def clean(self, value, row=None, **kwargs):
        text = _cell(value)
        if not text:
            return None
        names = dict(USAGE_ALIASES)
        for usage in Unit.Usage:
            names[usage.value] = usage
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    names[str(usage.label).casefold()] = usage
        try:
            return names[text.casefold()].value
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not a usage: use one of %(choices)s.")
                % {"value": text, "choices": "、".join(str(u.label) for u in Unit.Usage)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return Unit.Usage(value).label if value else ""


class BuildingWidget(widgets.Widget):
    """The building from the estate code and building number columns. The estate must exist
    (estates carry their service centre and the archive-number code); a building missing
    from an existing estate is created."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._estates = {}

    def clean(self, value, row=None, **kwargs):
        code, number = _cell((row or {}).get(COL_ESTATE)), _cell(value)
        if not code:
            raise ValueError(
                _("Enter the estate code (column %(column)s).") % {"column": COL_ESTATE}
            )
        if code not in self._estates:
            self._estates[code] = Estate.objects.filter(code=code).first()
        estate = self._estates[code]
        if estate is None:
            raise ValueError(
                _("There is no estate with the code “%(code)s”: add the estate first.")
                % {"code": code}
            )
        if not number:
            raise ValueError(_("Enter the building number."))
        if len(number) > Building._meta.get_field("number").max_length:
            raise ValueError(
                _("“%(value)s” is too long for a building number.") % {"value": number}
            )
        building, _created = Building.objects.get_or_create(estate=estate, number=number)
        return building

    def render(self, value, obj=None, **kwargs):
        return value.number if value else ""


class UnitResource(resources.ModelResource):
    """Units from a spreadsheet, one per row, identified by (building, entrance, room): a
    file imported again updates or skips its units, never duplicates them."""

    estate = fields.Field(attribute="building__estate__code", column_name=COL_ESTATE, readonly=True)
    building = fields.Field(attribute="building", column_name=COL_BUILDING, widget=BuildingWidget())
    entrance = fields.Field(attribute="entrance", column_name=COL_ENTRANCE, widget=TextWidget())
    floor = fields.Field(attribute="floor", column_name=COL_FLOOR, widget=FloorWidget())
    room = fields.Field(attribute="room", column_name=COL_ROOM, widget=TextWidget())
    usage = fields.Field(
        attribute="usage", column_name=COL_USAGE, widget=UsageWidget(), saves_null_values=False
    )
    area = fields.Field(attribute="area", column_name=COL_AREA, widget=AreaWidget())

    class Meta:
        model = Unit
        fields = ["estate", "building", "entrance", "floor", "room", "usage", "area"]
        import_id_fields = ["building", "entrance", "room"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        dataset.headers = [
            _HEADERS.get(_cell(h).casefold(), _cell(h)) for h in (dataset.headers or [])
        ]
        missing = [c for c in REQUIRED_COLUMNS if c not in dataset.headers]
        if missing:
            raise ImportFileError(
                _("The file lacks the columns %(columns)s; the first row must name the columns.")
                % {"columns": "、".join(missing)}
            )
        if COL_ENTRANCE not in dataset.headers:  # buildings without entrances
            dataset.append_col([""] * len(dataset), header=COL_ENTRANCE)
        while len(dataset) and not any(_cell(v) for v in dataset[-1]):
            del dataset[-1]  # spreadsheets often end in formatted, empty rows

    def handle_import_error(self, result, error, raise_errors=False):
        if isinstance(error, ImportFileError):
            error = error.with_traceback(None)
        super().handle_import_error(result, error, raise_errors)

    def import_row(self, row, instance_loader, **kwargs):
        if not any(_cell(v) for v in row.values()):  # an empty line inside the file
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:  # unknown estate etc.: reported by import_instance() for the row
            return None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Errors are named by the file's column headers, not the model's field names."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            columns = {f.attribute: f.column_name for f in self.get_import_fields()}
            raise ValidationError(
                {columns.get(key, key): errors for key, errors in exc.error_dict.items()}
            ) from None

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = _("Imported from %(file)s") % {
            "file": kwargs.get("file_name") or _("a file")
        }
