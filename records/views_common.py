"""What every records page shares: the detail context, the form page, a move posted from the
record's page, and the base of the record forms."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.history import with_changes
from customers.models import DossierEvent
from customers.panels import record_panels_for

from .common import DomainError, current_section


def _about(model, ids):
    return Q(
        record_type__app_label=model._meta.app_label,
        record_type__model=model._meta.model_name,
        record_id__in=ids,
    )


def detail_context(request, record, *, parts=None, **extra):
    """The record, its dossier, its timeline lines (and those of its ``parts``, e.g. a
    charge's payments: ``(Payment, ids)``), its history and the panels other apps add (the
    documents attached to it). A constant number of queries."""
    about = _about(type(record), [record.pk])
    if parts:
        about |= _about(*parts)
    return {
        "record": record,
        "dossier": record.dossier,
        "record_events": list(
            DossierEvent.objects.filter(
                about,
                dossier=record.dossier,  # a collective complaint has a line in each dossier
            )
            .select_related("actor")
            .order_by("-occurred_on", "-recorded_at", "-pk")[:50]
        ),
        # what each change changed, old → new (one row more is read to diff the last shown)
        "history": with_changes(record.history.select_related("history_user")[:21])[:20],
        "record_panels": record_panels_for(record=record, user=request.user),
        **extra,
    }


def form_page(request, *, form, template, context, save, success_message, redirect_to=None):
    """POST: validate, call ``save(cleaned_data)`` (a service), redirect to the record; a
    refusal (DomainError) or a model validation error is shown on the form, what was typed is
    kept. GET or invalid: render the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, success_message)
            return redirect(redirect_to(obj) if redirect_to else obj.get_absolute_url())
    return render(request, template, {"form": form, **context})


def back(record, message, request, level=messages.ERROR):
    """To the record's page, with a message (a refusal unless ``level`` says otherwise)."""
    messages.add_message(request, level, message)
    return redirect(record)


def customer_name(dossier):
    """The name of the dossier's current occupant (the applicant, the one who reports …)."""
    section = current_section(dossier)
    return section.customer.name if section else ""


def step(request, record, *, form, flag, move, success, render_page):
    """A move posted from the record's page: an invalid form, or a refusal while the move is
    still open (``flag``), is shown on the page with what was typed; a move no longer open
    (someone moved the record on) is said as a message."""
    if not form.is_valid():
        if not flag:
            return back(record, _("This step is not open for this record now."), request)
        return render_page(request, record, form)
    try:
        move(form.cleaned_data)
    except DomainError as exc:
        if not flag:
            return back(record, str(exc), request)
        form.add_error(None, str(exc))
        return render_page(request, record, form)
    return back(record, success, request, messages.SUCCESS)


class RecordForm(forms.ModelForm):
    """A form of a record's fields; the record is built by the service, which has the
    dossier (nothing to check on a model instance here)."""

    def _post_clean(self):
        pass
