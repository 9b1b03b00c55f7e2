"""The dossier as it stood on a chosen day (R10): parse → access → read → render."""

from django.shortcuts import render

from customers.models import Dossier
from customers.permissions import access_dossier_or_404
from records.asof.forms import AsOfForm
from records.asof.selectors import dossier_as_of


def dossier_as_of_page(request, pk):
    """Who occupied the unit that day, the household, the contacts, the leases in force and
    the deposits held, as recorded then. Whoever may see the dossier may open it (a view of a
    confidential dossier is logged); personal data is always masked."""
    # the header names the unit with its building and estate: one join, not three lazy loads
    # from the template
    dossier = access_dossier_or_404(
        request.user,
        pk,
        request=request,
        queryset=Dossier.objects.select_related("unit__building__estate"),
    )
    form = AsOfForm(request.GET)
    snapshot = None
    if form.is_valid():
        snapshot = dossier_as_of(
            dossier, form.cleaned_data["date"], include_late=form.cleaned_data["late"]
        )
    return render(
        request,
        "records/asof/dossier_as_of.html",
        {"dossier": dossier, "form": form, "snapshot": snapshot},
    )
