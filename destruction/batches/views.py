"""The batch pages (R33–R39): parse → access → one service or selector → render.

The due list opens a batch from the documents ticked on it; the batch page offers the moves
``workflow.allowed_moves`` allows and nothing else, each posted to one view that calls one
service; a refusal comes back on the page with its reason and the input kept. Item titles of
documents the reader may not see are shown by their reference alone."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import permissions as gate
from core import workflow
from core.workflow import DomainError
from documents.models import Document
from documents.permissions import document_visible_to, log_documents_shown

from ..execution import services as execution
from ..models import Batch
from ..permissions import (
    APPRAISE,
    APPROVE,
    ENGINEERING,
    EXECUTE,
    VIEW,
    WITNESS,
    access_batch_or_404,
    log_items_shown,
    seen_document_ids,
)
from . import selectors, services
from .forms import (
    BatchOpenForm,
    DecisionForm,
    DueFilterForm,
    ExecuteForm,
    NoteForm,
    OpinionForm,
    ScheduleForm,
    password_field_name,
)

PAGE_SIZE = 25
ITEMS_PAGE_SIZE = 50
S = Batch.Status


def _page(request, rows, *, size=PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


def _seen(request, items):
    """The documents of ``items`` the user may see (their titles are shown); the confidential
    ones shown are logged (R21)."""
    seen = seen_document_ids(request.user, items)
    log_items_shown(request.user, [i for i in items if i.document_id in seen], request=request)
    return seen


# --- Due for appraisal ----------------------------------------------------------------------
def _due_page(request, *, open_form=None, chosen=()):
    user = request.user
    gate.require(user, APPRAISE, request=request)
    filters = DueFilterForm(
        request.GET or None,
        centres=selectors.centre_choices(),
        categories=selectors.category_choices(),
    )
    wanted = filters.cleaned_data if filters.is_valid() else {}
    states = selectors.due_states(
        user=user,
        centre=wanted.get("centre"),
        category=wanted.get("category"),
        before=wanted.get("before"),
    )
    page = _page(request, states)
    log_documents_shown(user, [s.document for s in page.object_list], request=request)  # R21
    if open_form is None:
        open_form = BatchOpenForm(
            documents=Document.objects.none(), staff=selectors.staff_choices()
        )
    context = {
        "page_obj": page,
        "filters": filters,
        "form": open_form,
        "chosen": {str(pk) for pk in chosen},
        "query": request.GET.urlencode(),
    }
    return render(request, "destruction/batches/due_list.html", context)


def due_list(request):
    return _due_page(request)


@require_POST
def batch_open(request):
    user = request.user
    gate.require(user, APPRAISE, request=request)
    form = BatchOpenForm(
        request.POST, documents=document_visible_to(user), staff=selectors.staff_choices()
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.batch_open(
                title=data["title"],
                documents=list(data["documents"]),
                members=list(data["members"]),
                members_note=data["members_note"],
                note=data["note"],
                actor=user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Batch %(number)s opened: decide its items.") % {"number": batch.number}
            )
            return redirect("destruction:batch_detail", pk=batch.pk)
    return _due_page(request, open_form=form, chosen=request.POST.getlist("documents"))


# --- Lists ----------------------------------------------------------------------------------
def batch_list(request):
    gate.require(request.user, VIEW, request=request)
    status = request.GET.get("status", "all")
    status = status if status in S.values else "all"
    rows = selectors.batch_rows(status=None if status == "all" else status)
    return render(
        request,
        "destruction/batches/batch_list.html",
        {"page_obj": _page(request, rows), "statuses": S.choices, "status": status},
    )


def approval_queue(request):
    gate.require(request.user, APPROVE, request=request)
    return render(
        request,
        "destruction/batches/approval_queue.html",
        {"page_obj": _page(request, selectors.approval_rows())},
    )


def witness_queue(request):
    gate.require(request.user, WITNESS, request=request)
    return render(
        request,
        "destruction/batches/witness_queue.html",
        {"page_obj": _page(request, selectors.witness_rows(user=request.user))},
    )


def engineering_queue(request):
    gate.require(request.user, ENGINEERING, request=request)
    page = _page(request, selectors.engineering_rows())
    seen = _seen(request, list(page.object_list))
    return render(
        request, "destruction/batches/engineering_queue.html", {"page_obj": page, "seen": seen}
    )


# --- The batch page -------------------------------------------------------------------------
def _batch_or_404(request, pk):
    queryset = Batch.objects.select_related(
        "created_by", "approved_by", "executed_by", "withdrawn_by"
    )
    return access_batch_or_404(request.user, pk, perm=VIEW, request=request, queryset=queryset)


def _move_forms(request, batch, witnesses):
    forms = {
        "approve": NoteForm(prefix="approve"),
        "send_back": NoteForm(
            required=True, label=gettext_lazy("Why it goes back"), prefix="send_back"
        ),
        "withdraw": NoteForm(
            required=True, label=gettext_lazy("Why it is withdrawn"), prefix="withdraw"
        ),
    }
    if batch.status == S.APPROVED and gate.can(request.user, EXECUTE):
        forms["schedule"] = ScheduleForm(
            prefix="schedule",
            witnesses=selectors.witness_choices(head=request.user),
            initial=ScheduleForm.initial_for(batch, witnesses),
        )
        forms["execute"] = ExecuteForm(prefix="execute", witnesses=witnesses)
    return forms


def _detail(request, batch, *, bound=None, item_forms=None, refusal="", status=200):
    user = request.user
    moves = workflow.allowed_moves(user, batch)
    witnesses = selectors.batch_witnesses(batch)
    page = _page(request, selectors.batch_items(batch), size=ITEMS_PAGE_SIZE)
    items = list(page.object_list)
    seen = _seen(request, items)
    can_decide = "edit" in moves
    can_opinion = batch.status == S.DRAFT and gate.can(user, ENGINEERING)
    item_forms = item_forms or {}
    for item in items:
        # the services act only on documents the user may see (``require_documents``)
        open_to = item.state == item.State.IN and item.document_id in seen
        item.can_decide = can_decide and open_to
        item.can_opinion = can_opinion and open_to and item.technical
        prefix = f"item{item.pk}"
        item.decide_form = item_forms.get(("decide", item.pk)) or DecisionForm(
            prefix=prefix, initial=DecisionForm.initial_for(item)
        )
        item.opinion_form = item_forms.get(("opinion", item.pk)) or OpinionForm(
            prefix=prefix, initial={"opinion": item.engineering_opinion}
        )
    context = {
        "batch": batch,
        "moves": moves,
        "forms": {**_move_forms(request, batch, witnesses), **(bound or {})},
        "page_obj": page,
        "items": items,
        "seen": seen,
        "can_decide": can_decide,
        "can_opinion": can_opinion,
        "can_resume": batch.status == S.EXECUTING and gate.can(user, EXECUTE),
        "witnesses": witnesses,
        "members": selectors.batch_members(batch),
        "history": selectors.batch_history(batch),
        "refusal": refusal,
    }
    return render(request, "destruction/batches/batch_detail.html", context, status=status)


def batch_detail(request, pk):
    return _detail(request, _batch_or_404(request, pk))


@dataclass(frozen=True)
class _Move:
    """One button of the batch page: its form (or none), the one service it calls and what
    the user is told when it is done."""

    form: Callable | None
    call: Callable
    done: object


def _schedule_form(request, batch, data):
    return ScheduleForm(
        data, prefix="schedule", witnesses=selectors.witness_choices(head=request.user)
    )


def _execute_form(request, batch, data):
    return ExecuteForm(data, prefix="execute", witnesses=selectors.batch_witnesses(batch))


MOVES = {
    "submit": _Move(
        None,
        lambda b, form, actor: services.batch_submit(batch=b, actor=actor),
        gettext_lazy("Submitted for approval."),
    ),
    "approve": _Move(
        lambda request, b, data: NoteForm(data, prefix="approve"),
        lambda b, form, actor: services.batch_approve(
            batch=b, note=form.cleaned_data["note"], actor=actor
        ),
        gettext_lazy("The batch is approved."),
    ),
    "send_back": _Move(
        lambda request, b, data: NoteForm(data, required=True, prefix="send_back"),
        lambda b, form, actor: services.batch_send_back(
            batch=b, reason=form.cleaned_data["note"], actor=actor
        ),
        gettext_lazy("The batch is sent back to the archive room."),
    ),
    "withdraw": _Move(
        lambda request, b, data: NoteForm(data, required=True, prefix="withdraw"),
        lambda b, form, actor: services.batch_withdraw(
            batch=b, reason=form.cleaned_data["note"], actor=actor
        ),
        gettext_lazy("The batch is withdrawn: nothing of it is destroyed."),
    ),
    "schedule": _Move(
        _schedule_form,
        lambda b, form, actor: execution.batch_schedule(
            batch=b,
            actor=actor,
            planned_on=form.cleaned_data["planned_on"],
            method=form.cleaned_data["method"],
            place=form.cleaned_data["place"],
            witnesses=list(form.cleaned_data["witnesses"]),
        ),
        gettext_lazy("The destruction is planned; the witnesses are told."),
    ),
    "execute": _Move(
        _execute_form,
        lambda b, form, actor: execution.batch_execute(
            batch=b, actor=actor, passwords=form.passwords()
        ),
        gettext_lazy("The destruction has started."),
    ),
    "resume": _Move(
        None,
        lambda b, form, actor: execution.batch_resume(batch=b, actor=actor),
        gettext_lazy("The rest of the destruction is queued again."),
    ),
}


def _make(request, pk, name):
    batch = _batch_or_404(request, pk)
    move = MOVES[name]
    form = move.form(request, batch, request.POST) if move.form else None
    if form is not None and not form.is_valid():
        return _detail(request, batch, bound={name: form})  # the error beside the field
    try:
        move.call(batch, form, request.user)
    except DomainError as exc:
        witness = getattr(exc, "witness", None)
        if form is not None and witness is not None:
            form.add_error(password_field_name(witness), str(exc))
        elif form is not None:
            form.add_error(None, str(exc))
        # the page as it is now, what was typed kept in its field
        bound = {name: form} if form is not None else None
        return _detail(request, _batch_or_404(request, pk), bound=bound, refusal=str(exc))
    messages.success(request, str(move.done))
    return redirect("destruction:batch_detail", pk=pk)


@require_POST
def batch_submit(request, pk):
    return _make(request, pk, "submit")


@require_POST
def batch_approve(request, pk):
    return _make(request, pk, "approve")


@require_POST
def batch_send_back(request, pk):
    return _make(request, pk, "send_back")


@require_POST
def batch_withdraw(request, pk):
    return _make(request, pk, "withdraw")


@require_POST
def batch_schedule(request, pk):
    return _make(request, pk, "schedule")


@require_POST
def batch_execute(request, pk):
    return _make(request, pk, "execute")


@require_POST
def batch_resume(request, pk):
    return _make(request, pk, "resume")


# --- One item -------------------------------------------------------------------------------
def _item_move(request, pk, item_pk, key, form, call, done):
    batch = _batch_or_404(request, pk)
    item = get_object_or_404(batch.items, pk=item_pk)
    if form is not None and not form.is_valid():
        return _detail(request, batch, item_forms={(key, item.pk): form})
    try:
        call(item)
    except DomainError as exc:
        if form is not None:
            form.add_error(None, str(exc))
        forms = {(key, item.pk): form} if form is not None else None
        return _detail(request, _batch_or_404(request, pk), item_forms=forms, refusal=str(exc))
    messages.success(request, str(done))
    return redirect(f"{batch_link(batch)}#item-{item.pk}")


def batch_link(batch):
    return services.batch_link(batch)


@require_POST
def item_decide(request, pk, item):
    form = DecisionForm(request.POST, prefix=f"item{item}")
    return _item_move(
        request,
        pk,
        item,
        "decide",
        form,
        lambda i: services.item_decide(item=i, actor=request.user, **form.service_kwargs()),
        _("The decision is recorded."),
    )


@require_POST
def item_opinion(request, pk, item):
    form = OpinionForm(request.POST, prefix=f"item{item}")
    return _item_move(
        request,
        pk,
        item,
        "opinion",
        form,
        lambda i: services.item_engineering_opinion(
            item=i, opinion=form.cleaned_data["opinion"], actor=request.user
        ),
        _("The engineering opinion is recorded."),
    )


@require_POST
def item_remove(request, pk, item):
    return _item_move(
        request,
        pk,
        item,
        "remove",
        None,
        lambda i: services.batch_remove_item(item=i, actor=request.user),
        _("The item is taken out of the batch."),
    )
