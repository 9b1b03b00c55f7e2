"""A complaint in few clicks: the complainant picked from the unit's occupants, the step form
proposing the next open step, the return visit returning to its complaint, and a history that
says what changed from what to what."""

import re

import pytest
from django.urls import reverse

from customers import services as customer_services
from records.complaints.forms import SOMEONE_ELSE
from records.models import Complaint, Visit

from .factories import COMPLAINTS_NOW as NOW
from .factories import COMPLAINTS_TODAY as TODAY
from .factories import occupied_dossier, record_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


@pytest.fixture
def household(desk):
    dossier, section = occupied_dossier()
    member = customer_services.household_member_add(
        customer=section.customer,
        data={"name": "刘芳", "relation": "配偶", "joined_on": TODAY},
        actor=desk,
    )
    return dossier, section.customer, member


def _form(**overrides):
    return {
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.CLEANING,
        "received_at": "2026-03-10T09:30",
        "subject": "楼道垃圾未清运",
        "heard": "三天未清运，气味很大",
        "households": "1",
        "other_dossiers": "",
        **overrides,
    }


def test_the_complainant_is_picked_from_the_occupants_or_typed(client, desk, household):
    dossier, customer, member = household
    url = reverse("records:complaint_add", args=[dossier.pk])
    page = client.get(url).content.decode()
    picker = re.search(r'<select name="complainant_choice".*?</select>', page, re.S).group(0)
    assert f'value="{customer.name}" selected' in picker  # the occupant first
    assert f'value="{member.name}"' in picker and "配偶" in picker

    response = client.post(url, _form(complainant_choice=member.name))
    assert response.status_code == 302
    assert Complaint.objects.get().complainant == "刘芳"

    response = client.post(url, _form(complainant_choice=SOMEONE_ELSE, complainant="快递员小王"))
    assert response.status_code == 302
    assert Complaint.objects.latest("pk").complainant == "快递员小王"

    # someone else without a name: said beside the field, nothing stored
    response = client.post(url, _form(complainant_choice=SOMEONE_ELSE, complainant=""))
    assert response.status_code == 200
    assert response.context["form"].errors["complainant"]
    # a name that is not an occupant's cannot be "picked"
    response = client.post(url, _form(complainant_choice="陌生人"))
    assert response.status_code == 200 and "complainant_choice" in response.context["form"].errors
    assert Complaint.objects.count() == 2


def _proposed_step(client, complaint):
    page = client.get(reverse("records:complaint_detail", args=[complaint.pk])).content.decode()
    form = re.search(r'data-testid="step-form".*?</form>', page, re.S).group(0)
    return re.search(r'<option value="(\w+)" selected>', form).group(1)


def test_the_step_form_proposes_the_next_open_step(client, desk, household):
    complaint = record_complaint(household[0], desk)  # 听清 is taken down with it
    assert _proposed_step(client, complaint) == "asked"
    step_url = reverse("records:complaint_step", args=[complaint.pk])
    response = client.post(step_url, {"step": "asked", "note": "问清了时间和地点"})
    assert response.status_code == 302
    assert _proposed_step(client, complaint) == "followed"
    client.post(step_url, {"step": "followed", "note": "已派保洁清运"})
    assert _proposed_step(client, complaint) == "rechecked"


def test_saving_the_return_visit_returns_to_the_complaint(client, desk, household):
    dossier = household[0]
    complaint = record_complaint(dossier, desk)
    url = reverse("records:visit_add", args=[dossier.pk])
    response = client.get(url, {"kind": "return_visit", "complaint": complaint.pk})
    assert response.status_code == 200
    response = client.post(
        url + f"?kind=return_visit&complaint={complaint.pk}",
        {
            "kind": Visit.Kind.RETURN_VISIT,
            "method": Visit.Method.PHONE,
            "visited_on": "2026-03-10",
            "visitor": desk.pk,
            "visited_person": "王先生",
            "purpose": "投诉回访",
            "notes": "满意",
            "satisfaction": "5",
            "complaint": complaint.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("records:complaint_detail", args=[complaint.pk])
    assert complaint.return_visits.get().notes == "满意"


def test_the_history_says_which_fields_changed_from_what_to_what(client, desk, household):
    complaint = record_complaint(household[0], desk)
    client.post(
        reverse("records:complaint_step", args=[complaint.pk]),
        {"step": "asked", "note": "问清了时间和地点"},
    )
    page = client.get(reverse("records:complaint_detail", args=[complaint.pk]))
    rows = page.context["history"]
    newest = rows[0]
    labels = {change.label: change for change in newest.changes}
    asked = labels[str(Complaint._meta.get_field("asked").verbose_name)]
    assert (asked.old, asked.new) == ("", "问清了时间和地点")
    text = page.content.decode()
    assert 'data-testid="history-change"' in text
    assert "问清了时间和地点" in text
