"""Destruction's test data: documents due for appraisal, the people of a destruction, and
batches brought through the services to a state."""

import datetime

import time_machine
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.utils import timezone

from core.choices import Retention
from core.roles import Role
from destruction import retention
from destruction.batches import services as batches
from destruction.execution import services as execution
from destruction.models import Decision, Method, Policy

from ..customers.factories import dossier_for
from ..documents.factories import PDF, document_for, upload
from ..factories import user_with_role

PASSWORD = "Witness-pass-2026"


def policy(**fields):
    current = Policy.current()
    for name, value in fields.items():
        setattr(current, name, value)
    current.save()
    return current


def due_documents(
    n=2, *, dossier=None, code="other", day=datetime.date(2010, 1, 1), files=False, **data
):
    """``n`` documents of ``dossier`` kept 10 years from ``day`` (due long ago), with the
    company policy of keeping customer files permanently turned off. ``files``: each document
    gets a stored PDF of its own."""
    policy(customer_files_permanent=False)
    dossier = dossier or dossier_for()
    title = data.pop("title", None)
    data.setdefault("retention", Retention.SHORT)
    documents = []
    for i in range(n):
        if files:
            data["upload"] = upload(f"scan{i + 1}.pdf", PDF + f"%{i}\n".encode(), "application/pdf")
        documents.append(
            document_for(
                dossier, code=code, title=title or f"旧资料{i + 1}", document_date=day, **data
            )
        )
    retention.refresh(documents)
    return documents


def archivist():
    return user_with_role(Role.ARCHIVIST)


def manager():
    return user_with_role(Role.MANAGER)


def head():
    """The archive-room head: an archivist who holds ``destruction.execute_batch`` (R36)."""
    user = user_with_role(Role.ARCHIVIST)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="destruction", codename="execute_batch")
    )
    return type(user).objects.get(pk=user.pk)


def witness():
    user = user_with_role(Role.WITNESS)
    user.set_password(PASSWORD)
    user.save()
    return user


def opened(documents, *, by=None, decision=Decision.DESTROY, title="2026年度鉴定"):
    by = by or archivist()
    batch = batches.batch_open(title=title, documents=documents, actor=by)
    if decision:
        for item in batch.items.all():
            batches.item_decide(item=item, decision=decision, actor=by)
    return batch


def approved(documents, *, by=None, approver=None, **kw):
    batch = opened(documents, by=by, **kw)
    batch = batches.batch_submit(batch=batch, actor=batch.created_by)
    return batches.batch_approve(batch=batch, actor=approver or manager())


def after_waiting(days=8):
    """Travel past the waiting period (the policy's 7 days by default)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=True)


def scheduled(batch, *, by=None, witnesses=None, method=Method.SHRED):
    by = by or head()
    witnesses = witnesses or [witness(), witness()]
    batch = execution.batch_schedule(
        batch=batch,
        actor=by,
        planned_on=timezone.localdate(),
        method=method,
        place="公司档案室",
        witnesses=witnesses,
    )
    return batch, by, witnesses


def executed(batch, *, by=None, witnesses=None):
    """Plan and execute ``batch`` (after its waiting period), every witness's password right.
    With Celery in-process the task runs at the commit (in a test's transaction too)."""
    batch, by, witnesses = scheduled(batch, by=by, witnesses=witnesses)
    with after_waiting(), TestCase.captureOnCommitCallbacks(execute=True):
        batch = execution.batch_execute(
            batch=batch, actor=by, passwords={w.pk: PASSWORD for w in witnesses}
        )
    batch.refresh_from_db()
    return batch, by, witnesses


def engineer(*dossiers):
    """Someone of the engineering department, granted the sight of ``dossiers``: the role holds
    no sight of dossiers of its own (like the legal department's)."""
    from customers.permissions import grant_dossier

    user = user_with_role(Role.ENGINEERING)
    for dossier in dossiers:
        grant_dossier(user, dossier)
    return user


def submitted(documents, *, by=None, **kw):
    batch = opened(documents, by=by, **kw)
    return batches.batch_submit(batch=batch, actor=batch.created_by)


def passwords(witnesses, password=PASSWORD):
    return {w.pk: password for w in witnesses}


def file_names(documents):
    """The stored file names of ``documents``, read again from the database."""
    from documents.models import Document

    return list(
        Document.objects.filter(pk__in=[d.pk for d in documents])
        .order_by("pk")
        .values_list("file", flat=True)
    )
