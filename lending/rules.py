"""What the lending rules say of an item (R18, R19, R27, R29): every active rule that matches
applies and the strictest answer wins. Without any matching rule an item needs a manager's
approval for every mode (the stricter reading)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from documents.models import Document

from .models import ACCESS_ORDER, Access, ItemKind, LendingRule, Mode

# a document on the shelf may go out; the others say why not
LENDABLE_STATUSES = (Document.Status.RECEIVED, Document.Status.FILED)


def default_loan_days() -> int:
    return getattr(settings, "LOAN_DAYS", 7)


@dataclass
class Verdict:
    """The rules' answer for one item in one mode."""

    document: Document
    access: str = Access.APPROVAL
    loan_days: int | None = None
    renewals: int | None = None
    renewal_days: int | None = None
    renewal_needs_approval: bool = False
    max_items: int | None = None
    personal_data: bool = False
    owner_consent: bool = False
    reason: str = ""  # why the item cannot be lent, when it cannot
    note: str = ""  # what the borrower should know (the item is out now: the request waits)
    rules: list = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.reason)


def _matches(rule, document, kind) -> bool:
    if rule.applies_to != kind:
        return False
    if kind == ItemKind.DOCUMENT:
        if rule.category_id and rule.category_id != document.category_id:
            return False
        if rule.carrier and rule.carrier != document.carrier:
            return False
        secrecy = document.secrecy_level or document.dossier.secrecy_level
    else:
        secrecy = document.dossier.secrecy_level
    return not (rule.secrecy_level and rule.secrecy_level != secrecy)


def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def active_rules():
    return list(LendingRule.objects.filter(active=True).order_by("order", "pk"))


def verdict(document, mode, *, whole_dossier=False, rules=None) -> Verdict:
    """The rules' answer for ``document`` lent in ``mode`` (``whole_dossier``: also the rules
    for whole dossiers apply). ``rules``: the active rules, read once for several items."""
    rules = active_rules() if rules is None else rules
    kinds = [ItemKind.DOCUMENT] + ([ItemKind.DOSSIER] if whole_dossier else [])
    matching = [r for r in rules if any(_matches(r, document, k) for k in kinds)]
    result = Verdict(document=document, rules=matching)
    if matching:
        result.access = max((r.access(mode) for r in matching), key=ACCESS_ORDER.__getitem__)
    for rule in matching:
        result.loan_days = _min(result.loan_days, rule.loan_days)
        result.renewals = _min(result.renewals, rule.renewals)
        result.renewal_days = _min(result.renewal_days, rule.renewal_days)
        result.max_items = _min(result.max_items, rule.max_items)
        result.renewal_needs_approval |= rule.renewal_needs_approval
        result.personal_data |= rule.personal_data
        result.owner_consent |= rule.owner_consent
    if result.personal_data and result.access == Access.REGISTRATION:
        result.access = Access.APPROVAL  # R19: the service-centre head's consent
    if result.access == Access.REFUSED:
        result.reason = _(
            "The lending rules do not allow “%(mode)s” for this item (%(rules)s)."
        ) % {
            "mode": Mode(mode).label,
            "rules": "、".join(r.name for r in matching if r.access(mode) == Access.REFUSED),
        }
    elif document.status == Document.Status.ON_LOAN:
        result.note = _("It is out on another loan now; it is handed out when it is back.")
    elif document.status not in LENDABLE_STATUSES:
        result.reason = unavailable_reason(document)
    return result


def unavailable_reason(document) -> str:
    status = document.status
    if status == Document.Status.ON_LOAN:
        return _("It is out on another loan.")
    if status == Document.Status.IN_HANDOVER:
        return _("It is in a handover to the archive room.")
    if status == Document.Status.DESTROYED:
        return _("It has been destroyed.")
    if status == Document.Status.LOST:
        return _("It was lost on an earlier loan.")
    return _("It is not on the shelf.")
