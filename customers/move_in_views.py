"""Recording a move-in (R3, R4, R11, R17): the customer is registered or found on file, and
the move-in recorded, or referred to a manager when the customer on file is not the user's
to see. Parse → access → service → render."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import permissions as gate
from core.validators import is_pk, normalize_credit_code, normalize_resident_id

from . import permissions, services
from .forms import (
    CustomerForm,
    MoveInForm,
    building_choice_label,
    buildings_for_picker,
    unit_choice_label,
    units_for_picker,
)
from .models import Customer


def unit_options(request):
    """htmx: the buildings of an estate, or the units of a building, as <option>s."""
    gate.require(request.user, "customers.view_unit", request=request)
    params = {key.rsplit("-", 1)[-1]: value for key, value in request.GET.items()}
    if building := params.get("building"):
        units = units_for_picker(request.user, building) if is_pk(building) else []
        options = [(unit.pk, unit_choice_label(unit)) for unit in units]
    elif estate := params.get("estate"):
        buildings = buildings_for_picker(estate) if is_pk(estate) else []
        options = [(b.pk, building_choice_label(b)) for b in buildings]
    else:
        options = []
    return render(request, "customers/partials/unit_options.html", {"options": options})


def move_in(request):
    """Register a customer (or find them by ID number / credit code) and move them in."""
    gate.require(request.user, "customers.add_occupancy", request=request)
    initial = {}
    if is_pk(unit_id := request.GET.get("unit", "")):
        unit = (
            permissions.units_open_to(request.user)
            .filter(pk=unit_id)
            .select_related("building")
            .first()
        )
        if unit:
            initial = {
                "estate": unit.building.estate_id,
                "building": unit.building_id,
                "unit": unit.pk,
            }
    move_form = MoveInForm(request.POST or None, initial=initial, prefix="move", user=request.user)
    customer_form = CustomerForm(request.POST or None, prefix="customer")
    if request.method == "POST":
        existing, hidden = _customer_on_file(request.user, request.POST, prefix="customer")
        if hidden is not None:
            return _refer_move_in(request, move_form, customer_form, hidden)
        if existing is not None:
            customer_form = None  # the customer is on file: only the move-in is validated
        move_ok = move_form.is_valid()
        customer_ok = existing is not None or customer_form.is_valid()
        if move_ok and customer_ok:
            try:
                with transaction.atomic():
                    customer = existing or services.customer_register(
                        data=customer_form.cleaned_data, actor=request.user
                    )
                    occupancy = services.move_in_record(
                        unit=move_form.cleaned_data["unit"],
                        customer=customer,
                        role=move_form.cleaned_data["role"],
                        moved_in=move_form.cleaned_data["moved_in"],
                        note=move_form.cleaned_data["note"],
                        actor=request.user,
                    )
            except services.DomainError as exc:
                move_form.add_error(None, str(exc))
            else:
                if existing:
                    messages.info(
                        request,
                        _("%(name)s is already on file; the move-in was added to their record.")
                        % {"name": existing.name},
                    )
                messages.success(
                    request,
                    _("Move-in recorded. A colleague must verify it before it takes effect."),
                )
                return redirect("customers:dossier_detail", pk=occupancy.dossier_id)
        if customer_form is None:
            customer_form = CustomerForm(request.POST, prefix="customer")
    return render(
        request,
        "customers/move_in.html",
        {"move_form": move_form, "customer_form": customer_form},
    )


def _customer_on_file(user, data, prefix):
    """The customer on file with the typed ID number or credit code, as ``(visible, hidden)``:
    one the user may see is reused (R11); one they may not see (R17) is never shown to them
    and the move-in goes to a manager (``_refer_move_in``)."""
    kind = data.get(f"{prefix}-kind")
    id_number = normalize_resident_id(data.get(f"{prefix}-id_number", ""))
    credit_code = normalize_credit_code(data.get(f"{prefix}-credit_code", ""))
    if id_number and kind != Customer.Kind.ENTERPRISE:
        found = Customer.objects.filter(id_number=id_number).first()
    elif credit_code and kind != Customer.Kind.INDIVIDUAL:
        found = Customer.objects.filter(credit_code=credit_code).first()
    else:
        found = None
    if found is None:
        return None, None
    if permissions.can_see_customer(user, found):
        return found, None
    return None, found


def _refer_move_in(request, move_form, customer_form, customer):
    """The typed ID number belongs to a customer in a dossier the user may not see: the
    move-in is referred to a manager who may see them. The page says only that a manager
    decides; no name, contact or household of that customer reaches it."""
    move_ok = move_form.is_valid()
    customer_form.is_valid()
    # The typed data must be well-formed like any customer's; the identifier's "already on
    # file" is the very case being referred and is not said.
    for name in ("id_number", "credit_code"):
        customer_form.errors.pop(name, None)
    if not move_ok or customer_form.errors:
        return render(
            request,
            "customers/move_in.html",
            {"move_form": move_form, "customer_form": customer_form},
        )
    typed = {
        name: request.POST.get(customer_form.add_prefix(name), "").strip()
        for name in CustomerForm.Meta.fields
    }
    try:
        referral = services.move_in_refer(
            unit=move_form.cleaned_data["unit"],
            customer=customer,
            role=move_form.cleaned_data["role"],
            moved_in=move_form.cleaned_data["moved_in"],
            note=move_form.cleaned_data["note"],
            typed=typed,
            actor=request.user,
        )
    except services.DomainError as exc:
        move_form.add_error(None, str(exc))
        return render(
            request,
            "customers/move_in.html",
            {"move_form": move_form, "customer_form": customer_form},
        )
    messages.info(
        request,
        _(
            "This ID number or credit code cannot be used here without a manager's check. "
            "The move-in has been passed to a manager; you will be told the decision."
        ),
    )
    return redirect("customers:referral_detail", pk=referral.pk)
