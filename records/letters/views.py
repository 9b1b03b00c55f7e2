"""Letter (往来函) pages: parse → access → service → render.

Pages of a dossier or a record check the dossier first (404 to whoever may not see it), then
the page's own permission (403), as every dossier page does."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from core import permissions as gate
from core.validators import is_pk
from customers.permissions import access_dossier_or_404
from records.letters import selectors, services
from records.letters.forms import LetterForm
from records.models import Correspondence
from records.permissions import access_record_or_404, can
from records.views_common import detail_context, form_page

TEMPLATES = "records/letters/"


def letter_add(request, dossier_pk):
    dossier = access_dossier_or_404(request.user, dossier_pk, request=request)
    gate.require(request.user, "records.add_correspondence", request=request)
    initial, answered = {}, None
    wanted = request.GET.get("reply_to", "")
    if is_pk(wanted):
        answered = selectors.letter_answered(dossier, int(wanted))
    if answered is not None:
        incoming = answered.direction == Correspondence.Direction.INCOMING
        initial = {
            "in_reply_to": answered.pk,
            "counterpart": answered.counterpart,
            "direction": Correspondence.Direction.OUTGOING
            if incoming
            else Correspondence.Direction.INCOMING,
            "subject": _("Re: %(subject)s") % {"subject": answered.subject},
        }
    form = LetterForm(request.POST or None, dossier=dossier, initial=initial)
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "letter_form.html",
        context={"dossier": dossier, "answered": answered, "title": _("Record a letter")},
        save=lambda data: services.letter_record(dossier=dossier, data=data, actor=request.user),
        success_message=_("Letter recorded; attach its scan on this page."),
    )


def letter_detail(request, pk):
    queryset = Correspondence.objects.select_related(
        "dossier", "section__customer", "recorded_by", "in_reply_to"
    )
    letter = access_record_or_404(
        request.user,
        Correspondence,
        pk,
        perm="records.view_correspondence",
        request=request,
        queryset=queryset,
    )
    context = detail_context(
        request,
        letter,
        letter=letter,
        replies=list(selectors.replies_to(letter)),
        can_reply=can(request.user, "records.add_correspondence"),
    )
    return render(request, TEMPLATES + "letter_detail.html", context)
