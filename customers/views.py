"""Parse → access → service → render. No business rule lives here."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import DateField
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core import permissions as gate
from core.masking import mask_changes, mask_field
from core.models import AccessLog
from core.services import log_access
from core.validators import is_pk, normalize_credit_code, normalize_resident_id

from . import event_kinds, panels, permissions, reveal, selectors, services, timeline
from .forms import (
    ContactForm,
    ContactReplaceForm,
    CustomerEditForm,
    CustomerForm,
    DecisionForm,
    DossierSearchForm,
    HouseholdMemberForm,
    MoveInForm,
    MoveOutForm,
    ReasonForm,
    SecrecyForm,
)
from .models import (
    Building,
    ChangeRequest,
    Contact,
    Customer,
    HouseholdMember,
    MoveInReferral,
    Occupancy,
    Unit,
)

PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 20


def dossier_list(request):
    gate.require(request.user, "customers.view_dossier", request=request)
    form = DossierSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.dossier_search(user=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "customers/partials/dossier_rows.html" if request.htmx else "customers/dossier_list.html"
    )
    return render(request, template, {"form": form, "page_obj": page})


def _dossier_or_404(request, pk):
    return permissions.access_dossier_or_404(request.user, pk, request=request)


def dossier_detail(request, pk):
    dossier = _dossier_or_404(request, pk)
    sections = selectors.dossier_detail(dossier=dossier)
    customer_ids = {s.customer_id for s in sections}
    user = request.user
    context = {
        "dossier": dossier,
        "current": [s for s in sections if not s.is_closed],
        "closed": [s for s in sections if s.is_closed],
        "cross_references": list(
            selectors.cross_references(dossier=dossier, user=user, customer_ids=customer_ids)
        ),
        "pending_changes": list(
            dossier.change_requests.filter(status=ChangeRequest.Status.REQUESTED).select_related(
                "customer", "requested_by"
            )
        ),
        "can_reveal": permissions.can_reveal(user, dossier),
        "revealed_sections": (
            [s for s in sections if not s.is_closed]
            if reveal.shown(request, dossier, what="dossier page")
            else None
        ),
        "can_edit": user.has_perm("customers.change_customer"),
        "can_move_in": user.has_perm("customers.add_occupancy"),
        "can_verify": user.has_perm("customers.verify_occupancy"),
        "can_set_secrecy": user.has_perm("customers.change_dossier"),
        "reveal_form": ReasonForm(),
        "panels": panels.panels_for(dossier=dossier, user=user),
        **_timeline_context(request, dossier),
    }
    return render(request, "customers/dossier_detail.html", context)


def _timeline_context(request, dossier):
    """R6: the dossier's events newest first, one kind or all, a page at a time."""
    kind = request.GET.get("kind", "")
    if kind not in event_kinds.values():
        kind = ""
    events = timeline.dossier_timeline(dossier=dossier, kind=kind)
    page = Paginator(events, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.link = timeline.link_for(event)
    return {
        "timeline_page": page,
        "timeline_kind": kind,
        "timeline_kinds": event_kinds.choices(),
    }


def dossier_history(request, pk):
    dossier = _dossier_or_404(request, pk)
    entries = selectors.dossier_history(dossier=dossier)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/dossier_history.html",
        {"dossier": dossier, "page_obj": page},
    )


@require_POST
def dossier_reveal(request, pk):
    """R16/R21: show the unmasked personal data after a deliberate click with a reason. The
    data stays shown to this user on the dossier's pages and forms for a few minutes
    (``customers.reveal``); with ``next`` (a page of ours) the user goes back there."""
    dossier = _dossier_or_404(request, pk)
    permissions.require_reveal(request.user, dossier, request=request)  # the right comes first
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "customers/partials/reveal_form.html",
            {"dossier": dossier, "reveal_form": form},
            status=400 if not request.htmx else 200,
        )
    reason = form.cleaned_data["reason"]
    try:
        services.personal_data_reveal(
            dossier=dossier, reason=reason, actor=request.user, request=request
        )
    except services.DomainError as exc:
        form.add_error("reason", str(exc))
        return render(
            request,
            "customers/partials/reveal_form.html",
            {"dossier": dossier, "reveal_form": form},
            status=400 if not request.htmx else 200,
        )
    reveal.open_window(request, dossier, reason)
    next_url = form.cleaned_data["next"]
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseClientRedirect(next_url) if request.htmx else redirect(next_url)
    sections = [s for s in selectors.dossier_detail(dossier=dossier) if not s.is_closed]
    return render(
        request,
        "customers/partials/revealed.html",
        {"dossier": dossier, "sections": sections, "revealed": True},
    )


def dossier_secrecy(request, pk):
    dossier = _dossier_or_404(request, pk)
    gate.require(request.user, "customers.change_dossier", request=request)
    form = SecrecyForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        services.dossier_set_secrecy(
            dossier=dossier,
            secrecy_level=form.cleaned_data["secrecy_level"],
            retention=form.cleaned_data["retention"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, _("Secrecy level and retention saved."))
        return redirect("customers:dossier_detail", pk=dossier.pk)
    return render(request, "customers/dossier_secrecy.html", {"dossier": dossier, "form": form})


# --- Move in, verify, move out ---------------------------------------------------------------
def unit_options(request):
    """htmx: the buildings of an estate, or the units of a building, as <option>s."""
    gate.require(request.user, "customers.view_unit", request=request)
    params = {key.rsplit("-", 1)[-1]: value for key, value in request.GET.items()}
    if building := params.get("building"):
        options = (
            permissions.units_open_to(request.user, Unit.objects.filter(building_id=building))
            if is_pk(building)
            else []
        )
    elif estate := params.get("estate"):
        options = (
            Building.objects.filter(estate_id=estate).select_related("estate")
            if is_pk(estate)
            else []
        )
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


def verification_list(request):
    gate.require(request.user, "customers.verify_occupancy", request=request)
    rows = selectors.pending_verifications(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customers/verification_list.html", {"page_obj": page})


def _occupancy_or_404(request, pk):
    visible = Occupancy.objects.filter(
        dossier__in=permissions.dossier_visible_to(request.user)
    ).select_related("dossier", "customer")
    occupancy = gate.get_or_404(request.user, visible, request=request, pk=pk)
    if occupancy.dossier.is_confidential:  # R21: every read of a confidential record
        log_access(request.user, occupancy, AccessLog.Action.VIEW, request=request)
    return occupancy


@require_POST
def occupancy_verify(request, pk):
    occupancy = _occupancy_or_404(request, pk)
    approve = request.POST.get("decision") != "reject"
    try:
        services.occupancy_verify(
            occupancy=occupancy,
            actor=request.user,
            approve=approve,
            note=request.POST.get("note", "")[:300],
        )
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Move-in verified.") if approve else _("Move-in rejected."))
    return redirect("customers:dossier_detail", pk=occupancy.dossier_id)


def occupancy_move_out(request, pk):
    occupancy = _occupancy_or_404(request, pk)
    gate.require(request.user, "customers.change_occupancy", request=request)
    form = MoveOutForm(request.POST or None, occupancy=occupancy)
    if request.method == "POST" and form.is_valid():
        try:
            services.occupancy_move_out(
                occupancy=occupancy,
                moved_out=form.cleaned_data["moved_out"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Move-out recorded; the section is closed and kept."))
            return redirect("customers:dossier_detail", pk=occupancy.dossier_id)
    return render(request, "customers/move_out.html", {"occupancy": occupancy, "form": form})


# --- Customers, contacts and household (R9, R10) ---------------------------------------------
def _open_customers(dossier):
    """Customers with an open section in the dossier: a closed section is read-only (R8)."""
    return Customer.objects.filter(
        occupancies__in=Occupancy.objects.current().filter(dossier=dossier)
    ).distinct()


def _section_or_404(request, dossier_pk, customer_pk):
    """A customer is reached through a dossier the user may see, in an open section."""
    dossier = _dossier_or_404(request, dossier_pk)
    customer = get_object_or_404(_open_customers(dossier), pk=customer_pk)
    return dossier, customer


def customer_edit(request, dossier_pk, pk):
    dossier, customer = _section_or_404(request, dossier_pk, pk)
    gate.require(request.user, "customers.change_customer", request=request)
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
    dossier, customer = _section_or_404(request, dossier_pk, pk)
    gate.require(request.user, "customers.add_contact", request=request)
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
    dossier, customer = _section_or_404(request, dossier_pk, pk)
    gate.require(request.user, "customers.add_householdmember", request=request)
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


# --- Change requests (R9) ---------------------------------------------------------------------
def _status_tab(request, statuses):
    """The status tab of a list (components/status_tabs.html): one of ``statuses`` or "all";
    anything else, and no choice, is the first status (the one awaiting a decision)."""
    status = request.GET.get("status", "")
    return status if status in statuses.values or status == "all" else statuses.values[0]


def change_request_list(request):
    gate.require(request.user, "customers.view_changerequest", request=request)
    status = _status_tab(request, ChangeRequest.Status)
    rows = selectors.change_requests_for(
        user=request.user, status=None if status == "all" else status
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/change_request_list.html",
        {"page_obj": page, "status": status, "statuses": ChangeRequest.Status.choices},
    )


def change_request_detail(request, pk):
    gate.require(request.user, "customers.view_changerequest", request=request)
    cr = gate.get_or_404(
        request.user,
        selectors.change_requests_for(user=request.user),
        request=request,
        pk=pk,
    )
    if cr.dossier.is_confidential:  # R21
        log_access(request.user, cr, AccessLog.Action.VIEW, request=request)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not permissions.can_decide_change(request.user, cr):
            gate.record_refusal(
                request.user, "customers.approve_changerequest", cr, request=request
            )
            raise PermissionDenied(_("You may not decide this change request."))
        if form.is_valid():
            decide = (
                services.change_request_approve
                if form.cleaned_data["decision"] == "approve"
                else services.change_request_reject
            )
            try:
                decide(change_request=cr, actor=request.user, note=form.cleaned_data["note"])
            except services.DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Decision saved."))
            return redirect("customers:change_request_detail", pk=cr.pk)
    # Values are masked as everywhere (R16): a decider who must compare whole numbers
    # reveals the dossier's data with a reason, and this page is then logged as a reveal.
    revealed = reveal.shown(request, cr.dossier, what=f"change request {cr.pk}")
    fields = {
        f.name: f.verbose_name for f in Customer._meta.get_fields() if hasattr(f, "verbose_name")
    }
    changes = [
        (fields.get(name, name), old, new)
        for name, (old, new) in mask_changes(Customer, cr.changes, show=revealed).items()
    ]
    return render(
        request,
        "customers/change_request_detail.html",
        {
            "cr": cr,
            "dossier": cr.dossier,
            "changes": changes,
            "revealed": revealed,
            "can_reveal": permissions.can_reveal(request.user, cr.dossier),
            "reveal_form": ReasonForm(initial={"next": request.get_full_path()}),
            "form": form,
            "can_decide": permissions.can_decide_change(request.user, cr),
        },
    )


# --- Move-ins referred to a manager (R17) -----------------------------------------------------
DECIDE_REFERRAL = "customers.decide_moveinreferral"


def _require_referrals(request):
    """Referred move-ins are the business of those who record move-ins and of deciders."""
    user = request.user
    if not (user.has_perm("customers.add_occupancy") or user.has_perm(DECIDE_REFERRAL)):
        gate.record_refusal(user, DECIDE_REFERRAL, request=request)
        raise PermissionDenied(_("Your role does not allow this."))


def referral_list(request):
    """The referred move-ins the user may see: their own, and those they may decide."""
    _require_referrals(request)
    rows = (
        permissions.referral_visible_to(request.user)
        .select_related("unit__building__estate", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    status = _status_tab(request, MoveInReferral.Status)
    if status != "all":
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/referral_list.html",
        {"page_obj": page, "status": status, "statuses": MoveInReferral.Status.choices},
    )


def _shown(name, value):
    """A customer's field as a page shows it: choices by their label, dates the Chinese way,
    personal data masked (R16)."""
    field = Customer._meta.get_field(name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, DateField) and value:
        try:
            day = value if isinstance(value, datetime.date) else parse_date(str(value))
        except ValueError:  # typed, never validated: shown as typed
            day = None
        return date_format(day) if day else value
    return mask_field(Customer, name, value)


def referral_detail(request, pk):
    """The requester sees what they typed (masked) and the decision; a manager who may see
    the customer on file compares both (masked) and decides."""
    _require_referrals(request)
    referral = gate.get_or_404(
        request.user,
        permissions.referral_visible_to(request.user).select_related(
            "unit__building__estate", "customer", "requested_by", "decided_by", "occupancy"
        ),
        request=request,
        pk=pk,
    )
    can_decide = permissions.can_decide_referral(request.user, referral)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            gate.record_refusal(
                request.user, "customers.decide_moveinreferral", referral, request=request
            )
            raise PermissionDenied(_("You may not decide this move-in."))
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    services.referral_accept(
                        referral=referral, actor=request.user, note=form.cleaned_data["note"]
                    )
                else:
                    services.referral_reject(
                        referral=referral, actor=request.user, note=form.cleaned_data["note"]
                    )
            except services.DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Decision saved."))
            return redirect("customers:referral_detail", pk=referral.pk)
    labels = {f.name: f.verbose_name for f in Customer._meta.concrete_fields}
    on_file = None
    if can_decide or (
        request.user.pk != referral.requested_by_id
        and permissions.can_see_customer(request.user, referral.customer)
    ):
        on_file = {
            "customer": referral.customer,
            "dossiers": list(
                selectors.cross_references(
                    dossier=None, user=request.user, customer_ids={referral.customer_id}
                )
            ),
        }
        for shown in on_file["dossiers"]:  # R21: the page names the customer's dossiers
            if shown.is_confidential:
                log_access(
                    request.user,
                    shown,
                    AccessLog.Action.VIEW,
                    detail=f"referred move-in {referral.pk}",
                    request=request,
                )
    typed = [
        (
            labels.get(name, name),
            _shown(name, value),
            _shown(name, getattr(referral.customer, name, "")) if on_file else None,
        )
        for name, value in referral.typed.items()
        if name in labels
    ]
    return render(
        request,
        "customers/referral_detail.html",
        {
            "referral": referral,
            "typed": typed,
            "on_file": on_file,
            "can_decide": can_decide,
            "form": form,
        },
    )
