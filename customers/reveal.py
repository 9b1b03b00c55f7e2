"""Revealing a dossier's personal data (R16, R21): a deliberate act with a reason.

``services.personal_data_reveal`` checks the right and writes the access log; the view then
opens a *reveal window* in the user's session: for ``PERSONAL_DATA_REVEAL_MINUTES`` the
pages and forms of that dossier show its personal data whole to that user. Every page that
does so writes its own access-log row with the reveal's reason (``shown``), and the right is
asked again each time, so a grant taken away closes the window at once.
"""

import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AccessLog
from core.services import log_access

from . import permissions

SESSION_KEY = "archive_revealed"


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` does not say enough to justify a reveal, or None when it does. A reason
    must have ``PERSONAL_DATA_REVEAL_REASON_MIN_LENGTH`` letters or digits, not all the same."""
    meaningful = [c for c in (reason or "") if unicodedata.category(c)[0] in "LN"]
    minimum = settings.PERSONAL_DATA_REVEAL_REASON_MIN_LENGTH
    if len(meaningful) < minimum or len(set(meaningful)) < min(2, minimum):
        return _(
            "Say why you need the personal data (at least %(n)d characters), "
            "e.g. “verifying the owner's identity for a transfer”."
        ) % {"n": minimum}
    return None


def open_window(request, dossier, reason):
    """After a logged reveal: the dossier's data stays shown to this user for a while."""
    until = timezone.now() + timezone.timedelta(minutes=settings.PERSONAL_DATA_REVEAL_MINUTES)
    windows = {
        pk: window
        for pk, window in request.session.get(SESSION_KEY, {}).items()
        if window["until"] > timezone.now().timestamp()
    }
    windows[str(dossier.pk)] = {"until": until.timestamp(), "reason": reason[:500]}
    request.session[SESSION_KEY] = windows


def window_reason(request, dossier):
    """The reason of the user's open reveal window on ``dossier``, or None: none was opened,
    it has expired, or the user may no longer reveal this dossier's data."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    window = session.get(SESSION_KEY, {}).get(str(dossier.pk))
    if not window or window["until"] <= timezone.now().timestamp():
        return None
    if not permissions.can_reveal(request.user, dossier):
        return None
    return window["reason"]


def shown(request, dossier, *, what: str) -> bool:
    """Whether this page may show ``dossier``'s personal data whole; when it does, the read
    is logged with the reveal's reason (R21). ``what`` names the page ("customer edit form")."""
    reason = window_reason(request, dossier)
    if reason is None:
        return False
    log_access(
        request.user, dossier, AccessLog.Action.REVEAL, reason=reason, detail=what, request=request
    )
    return True
