"""When each document falls due for appraisal (R34, R39).

A document's keeping is the strictest of: its own retention (``Document.retention``: permanent
wins at once; 30 or 10 years from its date otherwise), every active ``RetentionRule`` that
matches it (the longest keeping wins, counted from its trigger), and, while the policy
"keep customer files permanently" is on (the default, 一般不予销毁), its dossier's retention.
An appraisal that kept the document for some years, or could not decide (R34: next year), sets
``review_on``, which then gives the due day until a later appraisal changes it.

The answer is stored in ``RetentionState`` so that "what is due" is one indexed query;
``refresh`` recomputes it (nightly, after an appraisal's approval, after the schedule or the
policy changes, and on demand).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Retention
from customers.models import Occupancy
from documents.models import Document

from .models import Policy, RetentionRule, RetentionState, Trigger

DOCUMENT_YEARS = {Retention.LONG: 30, Retention.SHORT: 10}
# only these can fall due: a destroyed or lost document has nothing left to appraise
APPRAISABLE = (Document.Status.RECEIVED, Document.Status.FILED)
CHUNK = 2000


@dataclass(frozen=True)
class Keeping:
    permanent: bool
    due_on: datetime.date | None
    technical: bool
    basis: str


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def active_rules() -> list[RetentionRule]:
    return list(RetentionRule.objects.filter(active=True).select_related("category"))


def matching(rules, document) -> list[RetentionRule]:
    return [
        r
        for r in rules
        if (r.category_id is None or r.category_id == document.category_id)
        and (not r.secrecy_level or r.secrecy_level == (document.secrecy_level or "C"))
    ]


def _trigger_day(trigger, document, *, move_outs, leases):
    """The day the keeping is counted from, or None while it has not happened (still living
    there, the lease running)."""
    if trigger == Trigger.DOCUMENT_DATE:
        return document.document_date
    if trigger == Trigger.LEASE_END:
        lease = leases.get(document.record_id) if document.record_type_id else None
        if lease is not None:
            return lease
    # the occupant's move-out: the document's own section, else the dossier's last one
    if document.section_id:
        return document.section.moved_out
    return move_outs.get(document.dossier_id)


def keeping_of(document, *, rules, policy, move_outs=None, leases=None, review=None) -> Keeping:
    """The keeping of one ``document`` (with ``section`` and ``dossier`` loaded)."""
    move_outs = move_outs or {}
    leases = leases or {}
    found = matching(rules, document)
    technical = any(r.technical for r in found)
    if document.status not in APPRAISABLE:
        return Keeping(False, None, technical, document.get_status_display())
    if document.retention == Retention.PERMANENT:
        return Keeping(True, None, technical, _("The document is kept permanently."))
    if policy.customer_files_permanent and document.dossier.retention == Retention.PERMANENT:
        return Keeping(True, None, technical, _("Customer files are kept permanently."))
    for rule in found:
        if rule.permanent:
            return Keeping(True, None, technical, _("Rule “%(name)s”: permanent") % {"name": rule})
    if review is not None:
        return Keeping(False, review, technical, _("Next appraisal set by the last appraisal"))
    candidates = []
    if document.retention in DOCUMENT_YEARS:
        years = DOCUMENT_YEARS[document.retention]
        candidates.append(
            (add_years(document.document_date, years), document.get_retention_display())
        )
    if policy.customer_files_permanent and document.dossier.retention in DOCUMENT_YEARS:
        years = DOCUMENT_YEARS[document.dossier.retention]
        start = _trigger_day(Trigger.MOVE_OUT, document, move_outs=move_outs, leases=leases)
        if start is None:
            return Keeping(False, None, technical, _("The dossier's occupant has not moved out."))
        candidates.append((add_years(start, years), _("The dossier's retention")))
    for rule in found:
        start = _trigger_day(rule.trigger, document, move_outs=move_outs, leases=leases)
        if start is None:
            return Keeping(
                False,
                None,
                technical,
                _("Rule “%(name)s”: %(trigger)s has not happened yet")
                % {"name": rule, "trigger": rule.get_trigger_display()},
            )
        candidates.append((add_years(start, rule.years), _("Rule “%(name)s”") % {"name": rule}))
    if not candidates:
        return Keeping(True, None, technical, _("No retention applies: kept."))
    due, basis = max(candidates, key=lambda c: c[0])
    return Keeping(False, due, technical, str(basis))


def _move_outs(dossier_ids) -> dict:
    """The last move-out of each dossier none of whose occupants still lives there."""
    ended = dict(
        Occupancy.objects.filter(dossier_id__in=dossier_ids)
        .values("dossier_id")
        .annotate(last=Max("moved_out"))
        .values_list("dossier_id", "last")
    )
    living = set(
        Occupancy.objects.filter(dossier_id__in=dossier_ids, moved_out__isnull=True).values_list(
            "dossier_id", flat=True
        )
    )
    return {pk: day for pk, day in ended.items() if pk not in living and day}


def _lease_ends(documents) -> dict:
    from records.finance.models import Lease

    lease_type = ContentType.objects.get_for_model(Lease)
    ids = {d.record_id for d in documents if d.record_type_id == lease_type.pk}
    if not ids:
        return {}
    return {
        pk: terminated or ends
        for pk, terminated, ends in Lease.objects.filter(pk__in=ids).values_list(
            "pk", "terminated_on", "ends_on"
        )
    }


def refresh(documents=None, *, dossiers=None) -> int:
    """Recompute the state of ``documents`` (a queryset or ids), or of every document of
    ``dossiers``, or of every document. Returns how many were written."""
    queryset = Document.objects.all()
    if documents is not None:
        ids = [getattr(d, "pk", d) for d in documents]
        queryset = queryset.filter(pk__in=ids)
    if dossiers is not None:
        queryset = queryset.filter(dossier__in=[getattr(d, "pk", d) for d in dossiers])
    rules, policy = active_rules(), Policy.current()
    written, last = 0, 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last)
            .select_related("dossier", "section")
            .only(
                "pk",
                "status",
                "retention",
                "category_id",
                "secrecy_level",
                "document_date",
                "record_type_id",
                "record_id",
                "dossier__retention",
                "section__moved_out",
            )
            .order_by("pk")[:CHUNK]
        )
        if not chunk:
            return written
        last = chunk[-1].pk
        reviews = dict(
            RetentionState.objects.filter(
                document_id__in=[d.pk for d in chunk], review_on__isnull=False
            ).values_list("document_id", "review_on")
        )
        move_outs = _move_outs({d.dossier_id for d in chunk})
        leases = _lease_ends(chunk)
        states = []
        for document in chunk:
            keeping = keeping_of(
                document,
                rules=rules,
                policy=policy,
                move_outs=move_outs,
                leases=leases,
                review=reviews.get(document.pk),
            )
            states.append(
                RetentionState(
                    document_id=document.pk,
                    dossier_id=document.dossier_id,
                    permanent=keeping.permanent,
                    due_on=keeping.due_on,
                    technical=keeping.technical,
                    basis=keeping.basis[:200],
                    review_on=reviews.get(document.pk),
                    computed_at=timezone.now(),
                )
            )
        RetentionState.objects.bulk_create(
            states,
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=["dossier", "permanent", "due_on", "technical", "basis", "computed_at"],
        )
        written += len(states)


def keeping_now(document) -> Keeping:
    """The keeping of one document as it stands (execution checks it again, item by item)."""
    document = Document.objects.select_related("dossier", "section").get(pk=document.pk)
    review = (
        RetentionState.objects.filter(document=document).values_list("review_on", flat=True).first()
    )
    return keeping_of(
        document,
        rules=active_rules(),
        policy=Policy.current(),
        move_outs=_move_outs({document.dossier_id}),
        leases=_lease_ends([document]),
        review=review,
    )
