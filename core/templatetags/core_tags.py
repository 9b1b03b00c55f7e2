from django import template

register = template.Library()

_SELECT_WIDGETS = {"select", "selectmultiple", "nullbooleanselect"}


@register.simple_tag
def bs_input(field, **extra):
    """Render a bound field's widget with Bootstrap classes and its error state."""
    widget = field.field.widget
    kind = widget.__class__.__name__.lower()
    if getattr(widget, "input_type", "") in ("checkbox", "radio"):
        css = "form-check-input"
    elif kind in _SELECT_WIDGETS:
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": " ".join(filter(None, [widget.attrs.get("class", ""), css]))}
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    attrs.update(extra)
    return field.as_widget(attrs=attrs)


@register.filter
def minutes(delta):
    """A timedelta as whole minutes (for the lock-out page)."""
    try:
        return max(1, int(delta.total_seconds() // 60))
    except AttributeError:
        return delta


@register.filter
def yuan(amount):
    """Money the Chinese way: ¥12,345.60 (negative as -¥12.00); empty stays empty."""
    from decimal import Decimal, InvalidOperation

    if amount in (None, ""):
        return ""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return amount
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


@register.filter
def verbose_name_of(obj):
    """The model's name in the user's language: “租赁合同” for a lease."""
    try:
        return obj._meta.verbose_name
    except AttributeError:
        return ""


@register.filter
def said(text):
    """A history row's reason in the reader's language: the product's own reasons are kept as
    lines (core.lines), a reason typed by a person is shown as typed."""
    from core.lines import from_text

    return from_text(text)
