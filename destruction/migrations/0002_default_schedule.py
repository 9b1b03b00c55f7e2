"""The default retention schedule of the seeds and the company's destruction policy (R35, R39),
as the defaults administrators then edit in the admin.

Customer files are kept permanently: "客户资料属于公司永久保存的档案，一般不予销毁"
(seed 004, 5.12.1). That is the policy's ``customer_files_permanent`` (on by default), not a
rule: while it is on, nothing of a dossier kept permanently falls due, whatever the rules say.
The rules below say what happens when it is turned off, or for a dossier an administrator has
given a shorter retention. The seeds give no number of years: where a rule needs one, it is
the company's short term (10 years, ``Retention.SHORT``), and what is clearly a customer's own
file is counted from the occupant's move-out. Categories the seeds say nothing of (identity
papers, move-in papers, leases, receipts, payments — the latter kept "按会计档案的统一管理办法"
(seed 004, 5.7.2), whose terms the seeds do not give) have no rule: they follow their own
retention and the dossier's.
"""

from django.db import migrations

RULES = [
    # name, category code, years, trigger, technical; the seed lines it comes from
    #
    # Seed 002 工作档案留存 §1 and §4: the front desk files "客服部各类工作表格和相关记录，及其它
    # 来自公司内部和外部的各类通知、文件", and "按照各类文件的有效期，定期整理所有档案，上报客服部经理
    # 后及时更新或销毁" — work forms and notices are kept for their term, then destroyed.
    # Seed 000 制度4 七.4(2): "各样来往信函，各样内部通启等文书资料" are daily management papers;
    # seed 001 制度1 a.1: "知会、报告、通知、通报……认真登记并制作各种表格".
    ("往来函件及通知：十年", "correspondence", 10, "document_date", False),
    # Applications for door locks, telephones, parking, name boards and overtime (申请表) are
    # the desk's work forms (seed 002 §1 above; seed 001 制度1 a.1 "制作各种表格").
    ("申请表（工作表格）：十年", "application", 10, "document_date", False),
    # Seed 001 制度1 a.5 "听客户工程报修电话，认真填写维修单" (000 制度2 四.5): the repair forms.
    ("报修记录（维修单）：十年", "repair", 10, "document_date", False),
    # Seed 001 制度1 b.10: "客户拜访、回访记录", work records of the desk (002 §1).
    ("拜访及回访记录：十年", "visit", 10, "document_date", False),
    # Seed 000 制度4 十八.3: "技术档案资料鉴准时，需附带工程技术部门的专业建议" (R35); the
    # renovation files are the customer's engineering records: "客户单位有关的工程档案（与二次
    # 装修工程有关资料）" (000 制度2 三.12, 001 制度1 b.11), "装修图纸资料" (002 4.1.3.2), and
    # engineering drawings are technical records (000 制度4 七.4(6)). Part of the customer's
    # file (000 制度4 七.3 "装饰申请表……业户资料一定妥当保留"): counted from the move-out.
    ("二次装修资料（技术档案，须工程部门意见）", "renovation", 10, "move_out", True),
    # Seed 002 4.1.3.1: 《装修申请表》《装修管理服务协议》 — the renovation's approval papers,
    # engineering records of the same works (000 制度4 十八.3).
    ("装修审批表（技术档案，须工程部门意见）", "renovation_approval", 10, "move_out", True),
]


def forwards(apps, schema_editor):
    category_model = apps.get_model("documents", "DocumentCategory")
    rule_model = apps.get_model("destruction", "RetentionRule")
    policy_model = apps.get_model("destruction", "Policy")
    categories = {c.code: c for c in category_model.objects.all()}
    for name, code, years, trigger, technical in RULES:
        if code not in categories:  # renamed or removed by an administrator: nothing to match
            continue
        rule_model.objects.get_or_create(
            name=name,
            defaults={
                "category": categories[code],
                "permanent": False,
                "years": years,
                "trigger": trigger,
                "technical": technical,
                "active": True,
            },
        )
    if not policy_model.objects.exists():
        policy_model.objects.create(customer_files_permanent=True, waiting_days=7)


def backwards(apps, schema_editor):
    rule_model = apps.get_model("destruction", "RetentionRule")
    rule_model.objects.filter(name__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("destruction", "0001_initial"),
        ("documents", "0002_categories_and_checklist"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
