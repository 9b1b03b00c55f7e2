"""Time the destruction register (档案销毁清册) of a batch of 2,000 items on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/destruction_register_bench.py --items 2000

Creates the database if it is missing and migrates it, adds with ``bulk_create`` (only what
is missing, so a second run starts at once) one dossier of ``--items`` documents and one
completed batch holding them all, destroyed, with two witnesses and a few items that left
the batch with their reason. Then it times ``destruction.register.pdf.register_pdf`` (what
the completion renders inside its transaction) and the register's spreadsheet as the view
answers it. Prints the median of ``--runs`` runs and its ratio to a primary-key lookup;
exits 1 if a median is over ``--limit`` seconds (default 5).
"""

import argparse
import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")

from search_bench import ensure_database, manager_user, measure  # noqa: E402

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai
TITLES = (
    "业主身份证复印件",
    "入住登记表",
    "房屋租赁合同（续签）及租金支付明细",
    "装修申请表及装修施工承诺书，附施工图纸与物业审核意见，共三册",
    "关于楼上漏水的投诉及处理回访记录",
    "车位租赁协议",
)
BATCH_TITLE = "[bench] 2,000 件销毁批次"


def _person(username, last, first, role):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"last_name": last, "first_name": first}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
    return user


def seed(count):
    """The bench's batch of ``count`` destroyed items (made once)."""
    from django.core.management import call_command
    from django.db import transaction

    from core.roles import Role
    from customers.models import Dossier
    from destruction.models import Batch, BatchItem, Witness
    from documents.models import Document, DocumentCategory

    batch = Batch.objects.filter(title=BATCH_TITLE).first()
    if batch is not None and batch.items.count() == count:
        return batch
    if not Dossier.objects.exists():
        call_command("seed_demo", units=5, no_history=True)
    dossier = Dossier.objects.order_by("pk").first()
    archivist = _person("bench_archivist", "周", "档案", Role.ARCHIVIST)
    witnesses = [
        _person("bench_witness1", "张", "监一", Role.WITNESS),
        _person("bench_witness2", "李", "监二", Role.WITNESS),
    ]
    category = DocumentCategory.objects.order_by("pk").first()
    now = datetime.datetime.now(TZ)
    print(f"Adding {count} documents and a batch of {count} destroyed items...")
    with transaction.atomic():
        Batch.objects.filter(title=BATCH_TITLE).update(title="[bench] old")
        documents = Document.objects.bulk_create(
            [
                Document(
                    dossier=dossier,
                    category=category,
                    title=f"[bench]{TITLES[n % len(TITLES)]}{n + 1}",
                    document_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=n % 365),
                    pages=1 + n % 12,
                    status=Document.Status.DESTROYED,
                    recorded_by=archivist,
                )
                for n in range(count)
            ],
            batch_size=1000,
        )
        batch = Batch.objects.create(
            title=BATCH_TITLE,
            status=Batch.Status.EXECUTING,
            created_by=archivist,
            members_note="工程部 王工",
            appraisal_note="到期文件，经鉴定无保存价值。",
            approved_by=manager_user(),
            approved_at=now,
            approval_note="同意销毁",
            planned_on=now.date(),
            method="shred",
            place="公司档案室",
            executed_by=archivist,
            execution_started_at=now,
            completed_at=now,
        )
        batch.number = f"XH-B{batch.pk:04d}"
        batch.save(update_fields=["number"])
        BatchItem.objects.bulk_create(
            [
                BatchItem(
                    batch=batch,
                    document=d,
                    dossier=dossier,
                    decision="destroy",
                    decision_note="已过保管期限" if n % 7 == 0 else "",
                    state="blocked" if n % 100 == 99 else "destroyed",
                    blocked_reason="诉讼中，已冻结" if n % 100 == 99 else "",
                    open=False,
                    destroyed_at=None if n % 100 == 99 else now,
                    reference=f"JX-1-{n // 100}-{n:05d}",
                    archive_number=dossier.archive_number,
                    title=d.title,
                    category_name=category.name,
                    document_date=d.document_date,
                    carrier="paper",
                    secrecy_level="C",
                    pages=d.pages,
                    copies=1,
                )
                for n, d in enumerate(documents)
            ],
            batch_size=1000,
        )
        for user in witnesses:
            Witness.objects.create(batch=batch, user=user, confirmed_at=now)
    return batch


def xlsx(user, batch):
    from django.test import RequestFactory

    from destruction.register.views import batch_register_xlsx

    batch.__class__.objects.filter(pk=batch.pk).update(status="completed")
    request = RequestFactory().get(f"/destruction/batches/{batch.pk}/register.xlsx")
    request.user = user
    response = batch_register_xlsx(request, batch.pk)
    assert response.status_code == 200, response.status_code
    return len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=5.0, help="s; a slower median fails")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/archive_bench")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from destruction.models import Batch
    from destruction.register.pdf import register_pdf

    translation.activate("zh-hans")
    call_command("migrate", verbosity=0, interactive=False)
    batch = seed(args.items)
    manager = manager_user()
    print(f"Batch {batch.number}: {batch.items.count()} items; median of {args.runs} runs\n")
    cases = [
        ("baseline: primary key", lambda: Batch.objects.filter(pk=batch.pk).count()),
        ("register, PDF", lambda: len(register_pdf(Batch.objects.get(pk=batch.pk)))),
        ("register, XLSX", lambda: xlsx(manager, batch)),
    ]
    results = []
    for label, function in cases:
        median, result = measure(function, args.runs)
        results.append((label, median / 1000, result))
    baseline = results[0][1]
    print(f"{'measurement':<24} {'bytes':>12} {'median s':>10} {'x baseline':>12}")
    for label, median, result in results:
        print(f"{label:<24} {result:>12} {median:>10.3f} {median / baseline:>12.0f}")
    slow = [label for label, median, _result in results if median > args.limit]
    if slow:
        print(f"\nOver {args.limit:g} s: {', '.join(slow)}")
        return 1
    print(f"\nAll medians under {args.limit:g} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
