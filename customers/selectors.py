"""Reads that span the customers app's models, with their joins done."""

import re

from django.db import connection
from django.db.models import F, Func, OuterRef, Prefetch, Q, TextField, Value

from core.history import changes_between
from core.lookups import IdsIn
from core.pagination import CappedCountPaginator
from core.validators import normalize_credit_code, parse_landline, parse_mobile

from . import permissions
from .models import ChangeRequest, Contact, Customer, Dossier, HouseholdMember, Occupancy

# Matched on the canonical forms of core.validators, the ones stored (core.fields).
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_PHONE = re.compile(r"[0-9()+\-]{7,30}")


def _digits(text):
    return re.sub(r"\D", "", text)


def _contains(queryset, field, q, *also):
    """``field`` icontains ``q``, or any of ``also``. On PostgreSQL a two-character fragment,
    which has no trigram for the indexes of migration 0002, is found by the bigram indexes of
    migration 0003 (most Chinese names have only two or three characters): a text contains
    two characters exactly when its upper-cased pairs hold them upper-cased, so the bigrams
    are the whole condition. With the ``LIKE`` beside them PostgreSQL could choose the
    trigram index for it instead, which a two-character pattern does not narrow: at 100,000
    units ``12`` rechecked all 100,000 archive numbers (100 ms, docs/PERFORMANCE.md)."""
    condition = Q(**{f"{field}__icontains": q})
    if len(q) == 1:
        # one character: what it starts with (a surname, an estate's letter), which the
        # trigram index finds from its padded first trigram; "contains" read every row
        condition = Q(**{f"{field}__istartswith": q})
    elif len(q) == 2 and connection.vendor == "postgresql":
        queryset = queryset.alias(**{f"{field}_bigrams": _Bigrams(field)})
        condition = Q(**{f"{field}_bigrams__contains": _Bigrams(Value(q))})
    for extra in also:
        condition |= extra
    return queryset.filter(condition)


class _Bigrams(Func):
    """``archive_bigrams(text)`` (migration 0003): the upper-cased character pairs."""

    function = "archive_bigrams"

    @property
    def output_field(self):
        from django.contrib.postgres.fields import ArrayField

        return ArrayField(TextField())


def _matching_customers(q):
    """Customers matched by the search box: IDs and credit codes exactly, phones exactly,
    names by substring or pinyin initials. Numbers are brought to the canonical form they
    are stored in, so they are found however they are typed (full-width, spaces, dashes,
    +86, an area code in parentheses)."""
    code = normalize_credit_code(q)  # the same as normalize_resident_id
    if _ID_NUMBER.fullmatch(code):
        # a credit code may be all digits too (or 17 digits and an X)
        return (
            Customer.objects.filter(Q(id_number=code) | Q(credit_code=code)),
            Contact.objects.none(),
        )
    if _CREDIT_CODE.fullmatch(code) and not code.isdigit():
        return Customer.objects.filter(credit_code=code), Contact.objects.none()
    if _PHONE.fullmatch(code):
        phone = _phone_condition(q)
        if phone is None:
            return Customer.objects.none(), Contact.objects.none()
        return Customer.objects.filter(phone), Contact.objects.filter(phone)
    initials = [Q(name_initials__startswith=q.lower())] if q.isascii() and q.isalpha() else []
    customers = _contains(Customer.objects.all(), "name", q, *initials)
    if len(q) == 1:
        # one character is a customer's surname: a contact (an emergency contact, an agent)
        # of that surname is not whom it looks for, and they were most of what it read
        # (11,592 of 18,859 people for "王" at 100,000 units, docs/PERFORMANCE.md)
        return customers, Contact.objects.none()
    return customers, _contains(Contact.objects.all(), "name", q)


def _phone_condition(q):
    """A mobile exactly; a landline exactly (with or without an extension), or by its last 7
    digits when typed without the area code."""
    if mobile := parse_mobile(q):  # a landline never ends in a whole mobile number
        return Q(mobile=mobile)
    if landline := parse_landline(q):
        return Q(landline=landline) | Q(landline__startswith=f"{landline}-")
    digits = re.sub(r"[^0-9]", "", normalize_credit_code(q))
    if len(digits) < 7:
        return None
    return Q(mobile=digits) | Q(landline__endswith=digits[-7:])


def _matching_dossier_ids(q):
    """The ids of the dossiers the search box matches, as one UNION query whose branches each
    use their own index."""
    customers, contacts = _matching_customers(q)
    people = [
        people.order_by().values_list(field, flat=True)
        for people, field in ((customers, "pk"), (contacts, "customer_id"))
        if not people.query.is_empty()
    ]
    branches = []
    if people:
        ids = people[0].union(*people[1:])
        branches.append(
            Occupancy.objects.order_by()
            .filter(customer__in=ids)
            .values_list("dossier_id", flat=True)
        )
    if _digits(q) != q.replace(" ", "") or len(q) < 7:  # not a bare phone number
        dossiers = Dossier.objects.order_by()
        by_number = _contains(dossiers, "archive_number", q)
        branches.append(by_number.values_list("pk", flat=True))
        branches.append(dossiers.filter(unit__room=q).values_list("pk", flat=True))
    if not branches:
        return Dossier.objects.none().values_list("pk", flat=True)
    # Each branch stops at SEARCH_CAP + 1 distinct dossiers: a broad term ("王", "12") no
    # longer gathers every match before the cap. A branch that stops has found more than
    # the cap on its own, so the union has too, and the list says "more than".
    if connection.features.supports_slicing_ordering_in_compound:  # not SQLite's
        branches = [branch.distinct()[: SEARCH_CAP + 1] for branch in branches]
    return branches[0].union(*branches[1:])


# A search lists at most this many dossiers; beyond it, the page asks to narrow the search.
SEARCH_CAP = 5000


def dossier_search(*, user, **filters):
    """The dossiers ``user`` may see that match the search box and filters, ready to list."""
    return _dossier_search(user=user, **filters)[0]


def dossier_search_page(*, user, number=1, per_page=25, **filters):
    """A page of ``dossier_search``: a search's count stops at ``SEARCH_CAP`` (its matches
    do) and says "more than" when the search stopped there; the plain list's count stops at
    the paginator's own cap."""
    searched = bool((filters.get("q") or "").strip())
    if not searched:
        # the list without a search: compiled once per sight and filters (core.compiled)
        chosen = tuple((name, getattr(value, "pk", value)) for name, value in filters.items())
        key = ("dossier list", permissions.sight_key(user), *sorted(chosen))
        paginator = CappedCountPaginator(
            lambda: _dossier_search(user=user, **filters)[0], per_page, key=key
        )
        return paginator.get_page(number)
    qs, stopped = _dossier_search(user=user, **filters)
    paginator = CappedCountPaginator(qs, per_page, cap=SEARCH_CAP, more=stopped)
    return paginator.get_page(number)


def _dossier_search(
    *, user, q="", estate=None, building=None, floor=None, status=None, secrecy=None
):
    """``(the dossiers, whether the search stopped at SEARCH_CAP)``."""
    qs = (
        permissions.dossier_visible_to(user)
        .select_related("unit__building__estate")
        .with_current_occupants()
    )
    if estate:
        qs = qs.filter(unit__building__estate=estate)
    if building:
        qs = qs.filter(unit__building=building)
    if floor not in (None, ""):
        qs = qs.filter(unit__floor=floor)
    if status:
        qs = qs.filter(status=status)
    if secrecy:
        qs = qs.filter(secrecy_level=secrecy)
    q = (q or "").strip()
    stopped = False
    if q:
        # Two steps: the matching ids (one UNION query), then the page and its count by
        # primary key. As one statement (the conditions ORed in one WHERE, or the UNION as a
        # subquery) PostgreSQL joined or scanned every dossier, once for the page and again
        # for the count: 60-650 ms at 100,000 units, see bench/README.md.
        ids = list(_matching_dossier_ids(q)[: SEARCH_CAP + 1])
        qs = qs.filter(IdsIn(F("pk"), ids))
        stopped = len(ids) > SEARCH_CAP
    # R1: by estate, building, floor, entrance and room, read in order from the sort key's
    # index (ordered across the four tables, the first page sorted every visible dossier)
    return qs.order_by("sort_key", "pk"), stopped


def archive_number_of(outer="dossier_id"):
    """The archive number of the outer row's dossier, as a subquery (``Subquery(…)``): read
    once for each row that needs it, where a join for a sort or a grouping hashed every
    dossier of the archive (docs/PERFORMANCE.md)."""
    return Dossier.objects.filter(pk=OuterRef(outer)).order_by().values("archive_number")


def dossier_detail(*, dossier):
    """Sections (current first, then closed, each kept apart: R8) with their people."""
    sections = (
        Occupancy.objects.filter(dossier=dossier)
        .select_related("customer", "recorded_by", "verified_by", "closed_by")
        .prefetch_related(
            Prefetch("customer__members"),
            Prefetch("customer__contacts", queryset=Contact.objects.select_related("recorded_by")),
        )
        .order_by("-section_number")
    )
    return list(sections)


def cross_references(*, dossier, user, customer_ids):
    """R11: the other dossiers of the same customers that ``user`` may see."""
    qs = permissions.dossier_visible_to(user).filter(occupancies__customer_id__in=customer_ids)
    if dossier is not None:
        qs = qs.exclude(pk=dossier.pk)
    return qs.select_related("unit__building__estate").distinct().order_by("archive_number")


def change_requests_for(*, user, status=None):
    qs = permissions.change_request_visible_to(user).select_related(
        "dossier", "customer", "requested_by", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def pending_verifications(*, user):
    return (
        Occupancy.objects.filter(
            status=Occupancy.Status.PENDING, dossier__in=permissions.dossier_visible_to(user)
        )
        .select_related("dossier__unit__building__estate", "customer", "recorded_by")
        .order_by("recorded_at")
    )


def _history_label(model, record):
    # From the record's own columns: following its foreign keys would query once per row.
    if model is Dossier:
        return record.archive_number
    if model is Occupancy:
        return f"§{record.section_number}"
    return record.name


def dossier_history(*, dossier):
    """R9/R10: every recorded change of the dossier, its sections and their customers,
    newest first: who, when, what (field diff, personal data masked) and why.
    One query per kind of record; the diffs are made in memory."""
    occupancy_ids = list(dossier.occupancies.values_list("pk", flat=True))
    customer_ids = list(dossier.occupancies.values_list("customer_id", flat=True))
    streams = [
        (Dossier, Dossier.history.filter(id=dossier.pk)),
        (Occupancy, Occupancy.history.filter(id__in=occupancy_ids)),
        (Customer, Customer.history.filter(id__in=customer_ids)),
        (Contact, Contact.history.filter(customer_id__in=customer_ids)),
        (HouseholdMember, HouseholdMember.history.filter(customer_id__in=customer_ids)),
    ]
    entries = []
    for model, stream in streams:
        previous, pairs = {}, []
        for record in stream.select_related("history_user").order_by("id", "history_date"):
            pairs.append((record, previous.get(record.id)))
            previous[record.id] = record
        # old → new with the fields' names and the choices' labels, personal data masked
        for (record, _prev), changes in zip(pairs, changes_between(model, pairs), strict=True):
            entries.append(
                {
                    "record": record,
                    "model": model._meta.verbose_name,
                    "object": _history_label(model, record),
                    "changes": [(c.label, c.old, c.new) for c in changes],
                }
            )
    entries.sort(key=lambda e: e["record"].history_date, reverse=True)
    return entries


def pending_change_requests(*, dossier):
    """The dossier's change requests awaiting a manager (R9), for its page."""
    return dossier.change_requests.filter(status=ChangeRequest.Status.REQUESTED).select_related(
        "customer", "requested_by"
    )
