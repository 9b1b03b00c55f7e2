"""{% load masking %}: display filters for personal data (rule R16), see core.masking."""

from django import template

from core import masking

register = template.Library()

register.filter("mask_id", masking.mask_id_number)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_address", masking.mask_address)
