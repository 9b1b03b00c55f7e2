"""Django admin at a million rows: no unfiltered full count, an estimated count on PostgreSQL,
no date_hierarchy nor a filter that lists a big table's distinct values, and the rows' related
objects fetched with them (docs/PERFORMANCE.md)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin_base import EstimatedCountPaginator, LargeTableAdminMixin
from core.models import AccessLog
from customers.models import DossierEvent
from records.models import Charge, Payment

from ..customers.factories import dossier_for, moved_in
from ..factories import user_with_role
from ..lazy_loads import forbid_lazy_loads

pytestmark = pytest.mark.django_db

OUR_APPS = {"core", "customers", "records", "documents", "lending", "destruction", "reports"}
# Tables that stay small whatever the archive's size: a date_hierarchy or a list of distinct
# values costs nothing there.
SMALL = {"lending.Holiday", "destruction.Batch", "destruction.BatchItem"}


def _admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OUR_APPS:
            yield f"{model._meta.app_label}.{model.__name__}", model, model_admin


def test_every_changelist_skips_the_full_count_and_estimates_an_unfiltered_one():
    for label, _model, model_admin in _admins():
        assert isinstance(model_admin, LargeTableAdminMixin), label
        assert model_admin.show_full_result_count is False, label
        assert model_admin.paginator is EstimatedCountPaginator, label


def test_no_changelist_of_a_big_table_scans_it_for_its_filters():
    for label, model, model_admin in _admins():
        if label in SMALL:
            continue
        assert not model_admin.date_hierarchy, label
        for spec in model_admin.list_filter:
            if not isinstance(spec, str):
                continue
            field = get_fields_from_path(model, spec)[-1]
            kind = type(field).__name__
            lists_distinct_values = (
                not field.is_relation
                and not field.choices
                and kind not in ("BooleanField", "DateField", "DateTimeField")
            )
            assert not lists_distinct_values, (label, spec)


def _changelist(client, model, **params):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.get(url, params)  # the session's activity is written at most every 10 s: now
    with CaptureQueriesContext(connection) as ctx, forbid_lazy_loads():
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx), response


@pytest.fixture
def admin_client_(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("root", "root@example.com", "x9-Qa7mZ2pL5")
    client.force_login(user)
    return client


def _charges_and_payments(dossier, start, stop, actor):
    charges = Charge.objects.bulk_create(
        Charge(
            dossier=dossier,
            recorded_by=actor,
            item=Charge.Item.values[0],
            period=f"{2000 + i // 12}-{i % 12 + 1:02d}",
            amount=Decimal("100.00"),
            paid_amount=Decimal("100.00"),
            due_on=datetime.date(2000, 1, 1) + datetime.timedelta(days=31 * i),
        )
        for i in range(start, stop)
    )
    Payment.objects.bulk_create(
        Payment(
            dossier=dossier,
            recorded_by=actor,
            charge=charge,
            paid_on=charge.due_on,
            amount=charge.amount,
            method=Payment.Method.values[0],
            receipt_number=f"R{charge.pk:08d}",
        )
        for charge in charges
    )


def test_changelists_of_the_big_tables_cost_the_same_queries_at_10_and_100_rows(admin_client_):
    dossier = dossier_for()
    section = moved_in(dossier)
    actor = user_with_role("front_desk")

    def events(start, stop):
        DossierEvent.objects.bulk_create(
            DossierEvent(
                dossier=dossier,
                section=section,
                kind=DossierEvent.Kind.CONTACT,
                occurred_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
                title=f"line {i}",
                actor=actor,
            )
            for i in range(start, stop)
        )

    models = (Charge, Payment, DossierEvent, AccessLog)
    _charges_and_payments(dossier, 0, 10, actor)
    events(0, 10)
    AccessLog.objects.bulk_create(
        AccessLog(user=actor, action=AccessLog.Action.VIEW, object_repr=f"r{i}") for i in range(10)
    )
    for model in models:
        _changelist(admin_client_, model)  # warms per-process caches
    few = {model: _changelist(admin_client_, model)[0] for model in models}
    _charges_and_payments(dossier, 10, 100, actor)
    events(10, 100)
    AccessLog.objects.bulk_create(
        AccessLog(user=actor, action=AccessLog.Action.VIEW, object_repr=f"r{i}")
        for i in range(10, 100)
    )
    for model in models:
        many, response = _changelist(admin_client_, model)
        assert response.context["cl"].result_count >= 100, model
        assert many == few[model], model


@pytest.mark.postgres
def test_an_unfiltered_changelist_on_postgresql_is_counted_from_the_statistics(
    admin_client_, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    actor = user_with_role("front_desk")
    AccessLog.objects.bulk_create(
        AccessLog(user=actor, action=AccessLog.Action.VIEW, object_repr=f"r{i}") for i in range(30)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_accesslog")
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_ABOVE", 10)
    _queries, response = _changelist(admin_client_, AccessLog)
    assert response.context["cl"].result_count == 30
    with CaptureQueriesContext(connection) as ctx:
        admin_client_.get(reverse("admin:core_accesslog_changelist"))
    counts = [q["sql"] for q in ctx if "COUNT(" in q["sql"].upper()]
    assert not any("core_accesslog" in sql for sql in counts), counts
    assert any("reltuples" in q["sql"] for q in ctx)
    # a filtered list is counted exactly
    _queries, filtered = _changelist(admin_client_, AccessLog, action=AccessLog.Action.VIEW)
    assert filtered.context["cl"].result_count == 30
