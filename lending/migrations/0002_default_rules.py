"""The lending rules of the seeds, as the defaults administrators then edit (R18, R19, R27,
R29). Every matching rule applies and the strictest answer wins (lending.rules)."""

from django.db import migrations

REG, APP, NO = "registration", "approval", "refused"

RULES = [
    # name, applies_to, criteria, read_archive, read_office, take_out, copy, extra
    (
        "一般档案（R18）",
        "document",
        {},
        (REG, REG, APP, APP),
        {"loan_days": 7, "renewals": 2, "renewal_days": 7, "max_items": 20},
    ),
    (
        "机密档案：仅限档案室阅览，不得借出、复制（R18）",
        "document",
        {"secrecy_level": "B"},
        (APP, NO, NO, NO),
        {},
    ),
    (
        "绝密档案：仅限档案室阅览，不得借出、复制（R18）",
        "document",
        {"secrecy_level": "A"},
        (APP, NO, NO, NO),
        {},
    ),
    (
        "客户档案整卷：在客服办公室查阅，借出须批准（R29）",
        "dossier",
        {},
        (APP, REG, APP, APP),
        {"loan_days": 7, "renewals": 1},
    ),
    ("实物档案不外借（R27）", "document", {"carrier": "object"}, (NO, NO, NO, NO), {}),
    ("录音档案只提供复制件（R27）", "document", {"carrier": "audio"}, (NO, NO, NO, APP), {}),
    ("录像档案只提供复制件（R27）", "document", {"carrier": "video"}, (NO, NO, NO, APP), {}),
]
PERSONAL = [
    ("身份证明含个人信息：须服务中心负责人同意（R19）", "id_copy"),
    ("入住资料含个人信息：须服务中心负责人同意（R19）", "move_in"),
    ("租赁合同含个人信息：须服务中心负责人同意（R19）", "lease"),
]


def forwards(apps, schema_editor):
    rule_model = apps.get_model("lending", "LendingRule")
    category_model = apps.get_model("documents", "DocumentCategory")
    if rule_model.objects.exists():
        return
    order = 10
    for name, applies_to, criteria, modes, extra in RULES:
        read_archive, read_office, take_out, copy = modes
        rule_model.objects.create(
            name=name,
            applies_to=applies_to,
            read_archive=read_archive,
            read_office=read_office,
            take_out=take_out,
            copy=copy,
            order=order,
            **criteria,
            **extra,
        )
        order += 10
    for name, code in PERSONAL:
        category = category_model.objects.filter(code=code).first()
        if category is None:
            continue
        rule_model.objects.create(
            name=name,
            applies_to="document",
            category=category,
            read_archive=APP,
            read_office=APP,
            take_out=APP,
            copy=APP,
            personal_data=True,
            renewal_needs_approval=True,
            order=order,
        )
        order += 10


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0001_initial"),
        ("documents", "0002_categories_and_checklist"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
