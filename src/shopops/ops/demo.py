"""Demo data: one account per post with realistic Chinese names, and enough history that
each post sees the foundation working (proposals in every state, vault, deadlines, inbox).

Loaded by `shopops demo`; idempotent — a second run leaves an existing demo alone.
"""

from datetime import timedelta
from importlib import import_module

from django.db import transaction
from django.utils import timezone

from shopops.accounts import actions as accounts
from shopops.accounts.models import Role, User
from shopops.core.actions import approvals

DEMO_PASSWORD = "Demo@2026"
# Each domain's demo, in dependency order; each takes the dict username → User.
DOMAIN_DEMOS = [
    "shopops.catalog.demo",
    "shopops.inventory.demo",
    "shopops.catalog.demo_pricing",
    "shopops.catalog.demo_imports",
    "shopops.orders.demo",
    "shopops.orders.demo_imports",
    "shopops.fulfillment.demo",
    "shopops.staff.demo",
    "shopops.storefront.demo",
    "shopops.service.demo_chat",
    "shopops.service.demo_crm",
    "shopops.aftersales.demo",
]

# username (= post code), 姓名, 工号, supervisor username, access level
PEOPLE = [
    ("general_manager", "陈志远", "E001", None, "write"),
    ("manager", "王建国", "E002", "general_manager", "write"),
    ("sysadmin", "李明", "E003", "manager", "db"),
    ("editor", "刘芳", "E004", "manager", "write"),
    ("planner", "张悦", "E005", "manager", "write"),
    ("designer", "杨帆", "E006", "planner", "write"),
    ("product_manager", "黄磊", "E007", "manager", "write"),
    ("cs_supervisor", "周敏", "E008", "manager", "write"),
    ("presale_cs", "吴倩", "E009", "cs_supervisor", "write"),
    ("aftersale_cs", "郑丽", "E010", "cs_supervisor", "write"),
    ("warehouse_supervisor", "孙伟", "E011", "manager", "write"),
    ("reviewer", "马晓燕", "E012", "warehouse_supervisor", "write"),
    ("printer", "朱涛", "E013", "warehouse_supervisor", "write"),
    ("picker", "赵强", "E014", "warehouse_supervisor", "write"),
    ("verifier", "胡静", "E015", "warehouse_supervisor", "write"),
    ("packer", "林峰", "E016", "warehouse_supervisor", "write"),
    ("returns_receiver", "何雪", "E017", "warehouse_supervisor", "write"),
    ("promotion", "高翔", "E018", "planner", "write"),
    ("analyst", "罗琳", "E019", "manager", "read"),
    ("finance", "徐静怡", "E020", "manager", "write"),
]


def demo_accounts():
    roles = dict(Role.objects.values_list("code", "name"))
    return [(username, DEMO_PASSWORD, f"{name} · {roles.get(username, username)}")
            for username, name, *_ in PEOPLE]


def load_demo():
    """Load the demo once; return [(username, password, who)] for the start-up banner."""
    if not User.objects.filter(username="sysadmin").exists():
        _load()
        # A first full backup, so the health page starts green and 数据备份 has an entry.
        from shopops.ops.actions import run_backup

        run_backup(actor=User.objects.get(username="sysadmin"), kind="full", trigger="manual")
    return demo_accounts()


@transaction.atomic
def _load():
    now = timezone.now()
    admin = accounts.bootstrap_admin(username="sysadmin", display_name="李明",
                                     password=DEMO_PASSWORD)

    people = {"sysadmin": admin}
    for username, name, number, boss, level in PEOPLE:
        if username == "sysadmin":
            continue
        user, _ = accounts.create_staff(
            actor=admin, username=username, display_name=name, employee_no=number,
            phone=f"1390000{number[1:]:0>4}", supervisor=people.get(boss), roles=[username],
            access_level="write" if level == "db" else level)
        people[username] = user
    admin.supervisor = people["manager"]
    admin.save(update_fields=["supervisor"])
    # Demo accounts get a known password instead of the temporary one (not business data).
    for user in people.values():
        user.set_password(DEMO_PASSWORD)
        user.must_change_password = False
        user.password_changed_at = now
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])

    _proposals(people)
    _vault(people)
    _deadlines(people)
    for module in DOMAIN_DEMOS:
        import_module(module).load(people)


def _proposals(p):
    # Executed: the analyst gets data entry rights (一般用户 → 后台管理用户).
    level = approvals.propose(
        actor=p["sysadmin"], kind="access_level_change", title="罗琳 数据权限调整为后台管理用户",
        reason="需要录入竞品价格与推广数据。",
        payload={"user_id": p["analyst"].pk, "user_label": "罗琳", "from": "read", "to": "write"},
        subject=p["analyst"])
    approvals.approve_proposal(actor=p["manager"], proposal=level, comment="同意，注意数据保密。")
    approvals.execute_proposal(actor=p["sysadmin"], proposal=level)

    # Pending for the manager: the picker covers the label printer's post for two weeks.
    ends = (timezone.localdate() + timedelta(days=14)).isoformat()
    approvals.propose(
        actor=p["sysadmin"], kind="role_change", title="赵强 代理打单员（朱涛休假期间）",
        reason="朱涛年假两周，备货员赵强熟悉打单流程，临时代理。",
        payload={"user_id": p["picker"].pk, "user_label": "赵强",
                 "add": [{"role": "printer", "acting": True, "ends_on": ends}]},
        subject=p["picker"])

    # Rejected: the designer asked to also hold the web editor's post.
    rejected = approvals.propose(
        actor=p["sysadmin"], kind="role_change", title="杨帆 兼任网站编辑",
        reason="双十一期间页面更新量大，杨帆申请兼任。",
        payload={"user_id": p["designer"].pk, "user_label": "杨帆", "add": [{"role": "editor"}]},
        subject=p["designer"])
    approvals.comment_on_proposal(actor=p["sysadmin"], proposal=rejected,
                                  comment="已与杨帆确认排班，可兼顾。")
    approvals.reject_proposal(actor=p["manager"], proposal=rejected,
                              comment="编辑岗位需要先完成商品发布流程培训，培训后再申请。")


def _vault(p):
    readers = ["sysadmin", "manager", "general_manager"]
    tmall = accounts.create_credential(
        actor=p["sysadmin"], name="天猫商家后台", category="网站后台", login="wubu_flagship",
        url="https://myseller.taobao.com", secret="Tm@ll-2026-Flagship", reader_roles=readers,
        notes="主账号，子账号由各岗位单独开通。")
    accounts.create_credential(
        actor=p["sysadmin"], name="支付宝企业账户", category="支付", login="pay@wubu-shop.cn",
        url="https://b.alipay.com", secret="Ali#Pay2026!", reader_roles=["general_manager", "manager"],
        notes="资金账户，仅总经理与部门经理可查看。")
    accounts.create_credential(
        actor=p["sysadmin"], name="域名备案账户", category="域名", login="wubu-shop.cn",
        url="https://beian.miit.gov.cn", secret="Beian*2026", reader_roles=readers)
    payload = accounts.credential_change_payload(tmall, secret="Tm@ll-2026-Q4-Rotated")
    approvals.propose(actor=p["sysadmin"], kind="credential_change",
                      title="天猫商家后台 季度更换密码", reason="按制度每季度更换一次官方账户密码。",
                      payload=payload, subject=tmall)


def _deadlines(p):
    try:
        from shopops.core.actions.deadlines import open_deadline
    except ImportError:  # pragma: no cover
        return
    from shopops.core.models import Proposal

    now = timezone.now()
    pending = Proposal.objects.filter(state=Proposal.State.PENDING).order_by("pk")
    for proposal in pending:
        open_deadline(actor=p["sysadmin"], subject=proposal, owner=p["manager"],
                      due_at=now + timedelta(hours=20), action="escalate",
                      title=f"24 小时内处理申请：{proposal.title}", rule="APR-3",
                      link=proposal.get_absolute_url())
    open_deadline(actor=p["sysadmin"], subject=p["reviewer"], owner=p["reviewer"],
                  due_at=now - timedelta(minutes=30), action="notify",
                  title="上岗前完成审单规则培训签到", rule="APR-3")
