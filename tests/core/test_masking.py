"""Rule R16: personal data is masked for display, by one set of functions."""

import pytest
from django.template import Context, Template

from core.masking import mask_address, mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199003071234", "110101********1234"),
        ("11010519491231002x", "110105********002X"),
        (" 110101 19900307 1234 ", "110101********1234"),
        ("91110000802100433B", "911100********433B"),  # credit code
        ("E12345678", "E1*****78"),  # passport
        ("110101900307123", "11***********23"),  # old 15-digit ID
        ("ABCD", "****"),  # too short to keep anything
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number__R16(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("021-12345678", "021-****5678"),
        ("0755-8765432", "0755-***5432"),
        ("01012345678", "010-****5678"),
        ("0571-87654321-808", "0571-****4321-808"),
        ("+1 415 555 0100", "+1 ********0100"),
        ("95588123", "955*8123"),
        ("1234567", "*******"),  # nothing would be hidden by keeping 3 + 4
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone__R16(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("上海市浦东新区世纪大道100号3栋1201室", "上海市浦东新****"),
        ("北京市朝阳区", "北京市朝阳区"),
        ("北京市朝阳区1", "北京市朝阳区****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_address__R16(value, masked):
    assert mask_address(value) == masked


def test_template_filters_mask_and_escape__R16():
    template = Template(
        "{% load masking %}{{ id|mask_id }}|{{ phone|mask_phone }}|{{ address|mask_address }}"
    )
    context = Context(
        {"id": "110101199003071234", "phone": "13812345678", "address": "<b>北京市朝阳区建国路"}
    )
    assert template.render(context) == "110101********1234|138****5678|&lt;b&gt;北京市****"
