"""{% load masking %}: display filters for personal data (rule R16), see core.masking.

``{{ value|mask_phone }}`` masks; ``{{ value|mask_phone:revealed }}`` shows the value whole
when the view says the data was revealed (and logged the reveal). Every template that shows
an ID number, a phone or an address goes through these (tests/core/test_templates_mask.py).
"""

from django import template

from core import masking

register = template.Library()


@register.filter
def mask_id(value, show=False):
    return masking.mask(masking.ID, value, show=bool(show))


@register.filter
def mask_phone(value, show=False):
    return masking.mask(masking.PHONE, value, show=bool(show))


@register.filter
def mask_address(value, show=False):
    return masking.mask(masking.ADDRESS, value, show=bool(show))
