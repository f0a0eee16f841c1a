"""Prices import (CAT-9, CAT-4): a price change needs approval, so the import changes no
price itself. It proposes one price change per product (kind "price_change", through
catalog.actions.pricing) with every line of that product; the approval chain does the rest.
A blank 渠道 means the SKU's base price; a row equal to the current price is left out.
"""

from dataclasses import dataclass, field

from shopops.catalog.models import ChannelPrice, Product, Sku
from shopops.core.approvals import KINDS

from . import refs
from .validate import CellError, Result, Sheet, chunks, mark_duplicates, money, progress_every

KIND = "price_change"


@dataclass
class ProductPrices:
    product_id: int
    label: str
    lines: list[dict] = field(default_factory=list)  # sku_id, channel_id, old_fen, new_fen


def _existing(sheet: Sheet):
    codes = {r.get("sku_code") for r in sheet.rows} - {""}
    skus = {}
    for part in chunks(codes):
        for row in Sku.objects.filter(code__in=part).values(
                "pk", "code", "active", "price_fen", "product_id", "product__code",
                "product__title", "product__status"):
            skus[row["code"]] = row
    current = {}
    for part in chunks([s["pk"] for s in skus.values()]):
        current.update({(sku_id, channel_id): fen for sku_id, channel_id, fen in
                        ChannelPrice.objects.filter(sku_id__in=part).values_list(
                            "sku_id", "channel_id", "price_fen")})
    return skus, current


def check(sheet: Sheet, result: Result, *, actor, progress, context):
    _check_may_propose(sheet, result, actor)
    skus, current = _existing(sheet)
    channels = refs.channels()
    active = _active_channels()
    keyed: dict[int, tuple] = {}
    plans: dict[int, ProductPrices] = {}
    unchanged = 0
    every = progress_every(len(sheet.rows))
    for index, row in enumerate(sheet.rows, start=1):
        if index % every == 0:
            progress(index)

        def err(key, zh, en="", number=row.number):
            result.error(number, sheet.header(key), zh, en)

        errors_before = len(result.errors)
        code = row.get("sku_code")
        sku = skus.get(code)
        if not code:
            err("sku_code", "商家编码不能为空", "The SKU code is required")
        elif sku is None:
            err("sku_code", f"商家编码不存在：{code}", f"No SKU with code {code}")
        elif not sku["active"]:
            err("sku_code", f"SKU {code} 已停用，不能调价", f"SKU {code} is inactive")
        elif sku["product__status"] == Product.Status.DISCONTINUED:
            err("sku_code", f"商品 {sku['product__code']} 已停产，不能调价",
                f"Product {sku['product__code']} is discontinued")
        channel_id = None
        if row.get("channel"):
            channel_id, problem = channels.find(row.get("channel"))
            if problem:
                err("channel", *problem)
            elif channel_id not in active:
                err("channel", f"渠道「{row.get('channel')}」已停用",
                    f"Channel '{row.get('channel')}' is inactive")
        try:
            new = money(row.get("price"))
            if new is None:
                err("price", "售价不能为空", "The price is required")
            elif new <= 0:
                err("price", "售价必须大于 0", "The price must be above zero")
        except CellError as exc:
            new = None
            err("price", exc.message, exc.message_en)
        if len(result.errors) > errors_before:
            continue
        row.values["_key"] = (sku["pk"], channel_id)
        keyed[row.number] = (sku, channel_id, new)
    progress(len(sheet.rows))
    bad = mark_duplicates(
        result, sheet, lambda r: r.values.get("_key"), "sku_code",
        lambda key, others: (f"同一SKU同一渠道的价格重复（另见第 {'、'.join(map(str, others))} 行）",
                             f"The same SKU and channel repeat (rows {others})"))
    for number, (sku, channel_id, new) in keyed.items():
        if number in bad:
            continue
        old = sku["price_fen"] if channel_id is None else current.get((sku["pk"], channel_id))
        if old == new:
            unchanged += 1
            continue
        plan = plans.setdefault(sku["product_id"], ProductPrices(
            sku["product_id"], f"{sku['product__title']}（{sku['product__code']}）"))
        plan.lines.append({"sku_id": sku["pk"], "channel_id": channel_id, "old_fen": old,
                           "new_fen": new})
    result.plan = list(plans.values())
    result.summary = {"proposals": len(plans),
                      "price_lines": sum(len(p.lines) for p in plans.values()),
                      "prices_unchanged": unchanged}


def _active_channels() -> set[int]:
    from shopops.catalog.models import Channel

    return set(Channel.objects.filter(active=True).values_list("pk", flat=True))


def _check_may_propose(sheet: Sheet, result: Result, actor):
    from shopops.core.actions.approvals import can_propose

    if KIND not in KINDS:
        result.error(sheet.header_row, "", "调价审批类型尚未配置，暂不能导入价格",
                     "The price-change approval kind is not configured")
    elif actor is not None and not can_propose(actor, KIND):
        result.error(sheet.header_row, "",
                     "价格导入会为每个商品提出调价申请（CAT-4），您的岗位不能提出调价申请",
                     "A price import proposes price changes, which your role may not propose")


def apply(plans: list[ProductPrices], *, actor, job) -> dict:
    from shopops.catalog.actions import pricing

    products = Product.objects.in_bulk([p.product_id for p in plans])
    proposals = []
    reason = f"批量调价导入：{job.original_name}（导入任务 #{job.pk}）"
    for plan in plans:
        product = products[plan.product_id]
        # One proposal per product; the approval engine caps the lines of one proposal.
        size = getattr(pricing, "MAX_LINES", 200)
        for start in range(0, len(plan.lines), size):
            part = plan.lines[start:start + size]
            proposal = pricing.propose_price_change(
                actor=actor, product=product, prices=part, reason=reason,
                title=f"批量调价：{product.title}（{product.code}，{len(part)} 项）")
            proposals.append(proposal.pk)
    return {"proposals": len(proposals), "proposal_ids": proposals,
            "price_lines": sum(len(p.lines) for p in plans)}

