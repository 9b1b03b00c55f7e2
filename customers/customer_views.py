"""A dossier's customers, their contacts and household (R9, R10): reached through a dossier
the user may see, in an open section. Parse → access → service → render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate

from . import permissions, reveal, services
from .forms import (
    ContactForm,
    ContactReplaceForm,
    CustomerEditForm,
    HouseholdMemberForm,
    ReasonForm,
)
from .models import ChangeRequest, Contact, Customer, HouseholdMember
from .views import _dossier_or_404


def _section_or_404(request, dossier_pk, customer_pk, *, perm=None):
    return permissions.access_customer_or_404(
        request.user, dossier_pk, customer_pk, perm=perm, request=request
    )


def _open_customers(dossier):
    return permissions.open_customers(dossier)


def customer_edit(request, dossier_pk, pk):
    dossier, customer = _section_or_404(request, dossier_pk, pk, perm="customers.change_customer")
    revealed = reveal.shown(request, dossier, what=f"customer edit form {customer.pk}")
    form = CustomerEditForm(request.POST or None, instance=customer, reveal=revealed)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        fresh = Customer.objects.get(pk=customer.pk)  # the form wrote into ``customer``
        try:
            result = services.customer_update(
                customer=fresh,
                data=data,
                actor=request.user,
                dossier=dossier,
                reason=form.cleaned_data["reason"],
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if isinstance(result, ChangeRequest):
                messages.success(
                    request, _("The record is confirmed: your change awaits a manager's approval.")
                )
            else:
                messages.success(request, _("Customer saved."))
            return redirect("customers:dossier_detail", pk=dossier.pk)
    return render(
        request,
        "customers/customer_edit.html",
        {
            "dossier": dossier,
            "customer": customer,
            "form": form,
            "revealed": revealed,
            "can_reveal": permissions.can_reveal(request.user, dossier),
            "reveal_form": ReasonForm(initial={"next": request.get_full_path()}),
        },
    )


def _dossier_form(request, dossier, form, *, save, success, title):
    """A small form about one dossier (contact, member): save, say so, back to the dossier;
    on an error the form comes back with it beside the field and the input kept."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("customers:dossier_detail", pk=dossier.pk)
    return render(
        request, "customers/simple_form.html", {"dossier": dossier, "form": form, "title": title}
    )


def contact_add(request, dossier_pk, pk):
    dossier, customer = _section_or_404(request, dossier_pk, pk, perm="customers.add_contact")
    return _dossier_form(
        request,
        dossier,
        ContactForm(request.POST or None),
        save=lambda data: services.contact_add(customer=customer, data=data, actor=request.user),
        success=_("Contact added."),
        title=_("Add a contact of %(name)s") % {"name": customer.name},
    )


def contact_replace(request, dossier_pk, pk):
    dossier = _dossier_or_404(request, dossier_pk)
    contact = get_object_or_404(
        Contact.objects.filter(customer__in=_open_customers(dossier)), pk=pk
    )
    gate.require(request.user, "customers.add_contact", request=request)
    return _dossier_form(
        request,
        dossier,
        ContactReplaceForm(request.POST or None),
        save=lambda data: services.contact_replace(contact=contact, data=data, actor=request.user),
        success=_("Contact changed; the previous one is kept in the record."),
        title=_("Change the contact %(name)s") % {"name": contact.name},
    )


def member_add(request, dossier_pk, pk):
    dossier, customer = _section_or_404(
        request, dossier_pk, pk, perm="customers.add_householdmember"
    )
    return _dossier_form(
        request,
        dossier,
        HouseholdMemberForm(request.POST or None),
        save=lambda data: services.household_member_add(
            customer=customer, data=data, actor=request.user
        ),
        success=_("Household member added."),
        title=_("Add a household member of %(name)s") % {"name": customer.name},
    )


@require_POST
def member_leave(request, dossier_pk, pk):
    dossier = _dossier_or_404(request, dossier_pk)
    member = get_object_or_404(
        HouseholdMember.objects.filter(customer__in=_open_customers(dossier)), pk=pk
    )
    try:
        services.household_member_leave(
            member=member, left_on=timezone.localdate(), actor=request.user
        )
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s has left the household.") % {"name": member.name})
    return redirect("customers:dossier_detail", pk=dossier.pk)
