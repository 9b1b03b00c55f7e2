"""Third-party admin templates under our CSP (style-src 'self', no 'unsafe-inline').

A few templates of the admin's add-ons print an inline ``style`` (django-simple-history's
paginator, django-import-export's diff in the import preview, django-guardian's empty
``<style>``), which the browser refuses and reports. Our overrides wrap the add-on's own block in
``{% without_inline_styles %}`` and give the same look from ``static/css/admin.css``, so the
add-on's template is used as it is, upgrades included, and no policy is weakened.
"""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)
# A style attribute inside a start tag. Rendered text and attribute values are escaped
# (no raw "<", ">" or quotes), so only markup written in a template can match.
_STYLE_ATTRIBUTE = re.compile(
    r"""(<[a-zA-Z][^<>]*?)\s+style\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+)""", re.IGNORECASE
)


def strip_inline_styles(html: str) -> str:
    html = _STYLE_ELEMENT.sub("", html)
    previous = None
    while previous != html:  # a tag may carry more than one
        previous, html = html, _STYLE_ATTRIBUTE.sub(r"\1", html)
    return html


class WithoutInlineStylesNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return mark_safe(strip_inline_styles(self.nodelist.render(context)))  # noqa: S308


@register.tag
def without_inline_styles(parser, token):
    """``{% without_inline_styles %}…{% endwithout_inline_styles %}``: render the content
    without ``<style>`` elements and ``style`` attributes."""
    nodelist = parser.parse(("endwithout_inline_styles",))
    parser.delete_first_token()
    return WithoutInlineStylesNode(nodelist)
