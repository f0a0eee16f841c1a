"""The department's posts (ROLE-1), preinstalled with sensible capabilities."""

from django.db import transaction

# code, 中文, English, default capabilities of the foundation. Later apps append to
# ROLE_DEFAULTS[code] from their own apps' ready() (see register_role_defaults).
BUILTIN_ROLES = [
    ("manager", "部门经理", "Department manager"),
    ("general_manager", "总经理", "General manager"),
    ("sysadmin", "系统管理员", "System administrator"),
    ("editor", "网站编辑/电商版块维护专员", "Web editor"),
    ("planner", "电商策划", "Planner"),
    ("designer", "美工/设计文案", "Designer / copywriter"),
    ("product_manager", "商品经理/商品编辑", "Product manager / editor"),
    ("presale_cs", "售前客服", "Pre-sale customer service"),
    ("aftersale_cs", "售后客服", "After-sale customer service"),
    ("cs_supervisor", "客服主管", "Customer-service supervisor"),
    ("warehouse_supervisor", "仓库主管", "Warehouse supervisor"),
    ("reviewer", "审单员", "Order reviewer"),
    ("printer", "打单员", "Label printer"),
    ("picker", "备货员", "Picker"),
    ("verifier", "验货员", "Verifier"),
    ("packer", "打包员", "Packer"),
    ("returns_receiver", "售后员", "Returns receiver"),
    ("promotion", "推广专员", "Promotion specialist"),
    ("analyst", "数据分析师", "Data analyst"),
    ("finance", "财务", "Finance"),
]

_SUPERVISION = ["core.view_events", "core.view_all_deadlines", "accounts.view_staff"]

ROLE_DEFAULTS: dict[str, set[str]] = {code: set() for code, _, _ in BUILTIN_ROLES}


def register_role_defaults(defaults: dict[str, list[str]]):
    """Called by each app to say which built-in roles get its capabilities by default."""
    for code, caps in defaults.items():
        ROLE_DEFAULTS.setdefault(code, set()).update(caps)


register_role_defaults({
    "manager": _SUPERVISION + [
        "core.view_all_proposals", "accounts.propose_role_change", "accounts.view_vault",
        "ops.view_health",
    ],
    "general_manager": _SUPERVISION + ["core.view_all_proposals", "accounts.view_vault"],
    "sysadmin": _SUPERVISION + [
        "core.manage_settings", "core.manage_approval_chains", "core.view_all_proposals",
        "accounts.manage_staff", "accounts.propose_role_change", "accounts.view_vault",
        "accounts.manage_vault", "ops.view_health", "ops.backup",
    ],
    "cs_supervisor": _SUPERVISION,
    "warehouse_supervisor": _SUPERVISION,
})


def ensure_builtin_roles():
    """Create missing built-in roles and give them newly introduced default capabilities,
    without re-adding a default an administrator removed."""
    from .models import Role

    with transaction.atomic():
        existing = {r.code: r for r in Role.objects.select_for_update()}
        for order, (code, name, name_en) in enumerate(BUILTIN_ROLES):
            defaults = sorted(ROLE_DEFAULTS.get(code, ()))
            role = existing.get(code)
            if role is None:
                Role.objects.create(code=code, name=name, name_en=name_en, is_builtin=True,
                                    capabilities=defaults, defaults_applied=defaults,
                                    sort_order=order)
                continue
            new = [c for c in defaults if c not in role.defaults_applied]
            if new:
                role.capabilities = sorted(set(role.capabilities) | set(new))
                role.defaults_applied = sorted(set(role.defaults_applied) | set(new))
                role.save(update_fields=["capabilities", "defaults_applied"])
