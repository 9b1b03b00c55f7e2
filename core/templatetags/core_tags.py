from django import template
from django.template.defaulttags import querystring
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.fast_html import text

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


@register.simple_tag(takes_context=True)
def pagination(context):
    """``components/pagination.html``: the count and the previous and next links of
    ``page_obj``, written in Python (core.fast_html says why)."""
    page = context.get("page_obj")
    if page is None:
        return ""
    paginator = page.paginator
    capped = getattr(paginator, "capped", False)
    if not (capped or paginator.num_pages > 1):
        return ""
    numbers = {"n": text(page.number), "total": text(paginator.num_pages)}
    numbers["rows"] = text(paginator.count)
    if capped:
        summary = gettext("Page %(n)s of %(total)s, more than %(rows)s in all: narrow the search")
    else:
        summary = gettext("Page %(n)s of %(total)s, %(rows)s in all")

    def link(has, number, label):
        if not has:
            return (
                f'<li class="page-item disabled"><span class="page-link">{text(label)}</span></li>'
            )
        href = text(querystring(context, page=number()))
        return f'<li class="page-item"><a class="page-link" href="{href}">{text(label)}</a></li>'

    return mark_safe(  # noqa: S308 - every value went through text()
        f'<nav aria-label="{text(gettext("Page navigation"))}" class="d-flex '
        'justify-content-between align-items-center mt-3">\n'
        f'  <span class="text-body-secondary small">{summary % numbers}</span>\n'
        '  <ul class="pagination pagination-sm mb-0">\n'
        f"    {link(page.has_previous(), page.previous_page_number, gettext('Previous'))}\n"
        f"    {link(page.has_next(), page.next_page_number, gettext('Next'))}\n"
        "  </ul>\n</nav>\n"
    )
