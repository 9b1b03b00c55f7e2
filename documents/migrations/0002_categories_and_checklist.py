"""The document categories of R5 and the default checklist of required documents.

Category names are data (Chinese, as on the company's forms); administrators edit them, their
default secrecy and retention (R12, R39) and the checklist in the admin.
"""

from django.db import migrations

CATEGORIES = [
    # code, name, needs paper counterpart
    ("id_copy", "身份证明复印件", True),
    ("licence", "营业执照复印件", True),
    ("move_in", "入住资料（入伙表）", True),
    ("lease", "租赁合同", True),
    ("deposit_receipt", "押金收据", True),
    ("payment", "缴费记录", False),
    ("renovation", "二次装修资料", True),
    ("renovation_approval", "装修审批表", True),
    ("correspondence", "往来函件", False),
    ("application", "申请表（门锁、电话、车位、水牌、加班）", True),
    ("violation", "违规记录", False),
    ("arrears", "欠费记录", False),
    ("repair", "报修记录", False),
    ("complaint", "投诉记录", False),
    ("visit", "拜访及回访记录", False),
    ("contact_change", "联系人及变更记录", False),
    ("other", "其他资料", False),
]

REQUIRED = [
    # customer kind, role, category code
    ("individual", "owner", "id_copy"),
    ("individual", "owner", "move_in"),
    ("enterprise", "owner", "licence"),
    ("enterprise", "owner", "id_copy"),
    ("enterprise", "owner", "move_in"),
    ("", "tenant", "id_copy"),
    ("", "tenant", "lease"),
    ("", "tenant", "deposit_receipt"),
]


def forwards(apps, schema_editor):
    category_model = apps.get_model("documents", "DocumentCategory")
    required_model = apps.get_model("documents", "RequiredDocument")
    for order, (code, name, needs_paper) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "needs_paper": needs_paper, "order": order * 10}
        )
    for kind, role, code in REQUIRED:
        required_model.objects.get_or_create(
            customer_kind=kind, role=role, category=category_model.objects.get(code=code)
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
