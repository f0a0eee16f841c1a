"""Proposal kinds owned by the catalog (listing, delisting, price change) — CAT-2, CAT-3, CAT-4.

Chains follow the seeds (003 十一、产品管理 and 九、产品管理): the product manager (or the
planner, per the second document) proposes, the department manager approves, the web
editor (电商版块维护专员) executes. Abnormal delisting may also be proposed by the editor.
"""

from django.utils import timezone

from shopops.core.approvals import register_kind
from shopops.core.event_labels import register_verbs
from shopops.core.money import format_fen

from .actions import listing, pricing

_MANAGER_STEP = [{"label": "部门经理审批", "roles": ["manager"]}]
_PRODUCT = {"product_id": "商品编号", "product_label": "商品"}


def _channels(ids):
    from .models import Channel

    names = dict(Channel.objects.filter(pk__in=list(ids or [])).values_list("pk", "name"))
    return [names.get(pk, f"渠道{pk}") for pk in ids or []]


def _competitor_prices(ids):
    from .models import CompetitorPrice

    rows = CompetitorPrice.objects.filter(pk__in=list(ids or [])).order_by("-observed_at")
    return [f"{row.competitor} {format_fen(row.price_fen)}"
            f"（{timezone.localtime(row.observed_at):%Y-%m-%d}"
            + (f"，{row.note}" if row.note else "") + "）" for row in rows]


register_kind(
    listing.LISTING_KIND, "上架",
    chain={"proposer_roles": ["product_manager", "planner"], "steps": _MANAGER_STEP,
           "executor_roles": ["editor"]},
    validate=listing.check_listing,
    execute=listing.apply_listing,
    describe=listing.describe_listing,
    field_labels={**_PRODUCT, "channel_ids": "上架渠道"},
    field_formatters={"channel_ids": _channels},
)
register_kind(
    listing.DELISTING_KIND, "非正常下架",
    chain={"proposer_roles": ["product_manager", "planner", "editor"], "steps": _MANAGER_STEP,
           "executor_roles": ["editor"]},
    validate=listing.check_delisting,
    execute=listing.apply_delisting,
    describe=listing.describe_delisting,
    field_labels={**_PRODUCT, "channel_ids": "下架渠道", "reason": "下架原因"},
    field_formatters={"channel_ids": _channels},
)
register_kind(
    pricing.KIND, "调价",
    chain={"proposer_roles": ["product_manager", "planner"], "steps": _MANAGER_STEP,
           "executor_roles": ["editor"]},
    validate=pricing.check_price_change,
    execute=pricing.apply_price_change,
    describe=pricing.describe_price_change,
    field_labels={**_PRODUCT, "prices": "调价明细", "reason": "调价原因",
                  "competitor_price_ids": "参考竞品价格"},
    field_formatters={"prices": lambda lines: [pricing.line_text(x) for x in lines or []],
                      "competitor_price_ids": _competitor_prices},
)

register_verbs({
    "price.changed": "调价",
    "listing.listed": "上架",
    "listing.delisted": "审批下架",
    "listing.auto_delisted": "库存为零自动下架",
    "listing.auto_relisted": "库存恢复自动上架",
    "competitor_price.recorded": "记录竞品价格",
})
