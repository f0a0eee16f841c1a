"""Checkout (ORD-1 from the shop): the cart becomes an order through
orders.actions.create_order, which reserves every line through the stock ledger in the
same transaction (INV-2) — so two customers racing for the last unit get one order and
one clear refusal, and nothing is half-made. The ordered lines leave the cart in that
same transaction; on any refusal the cart is exactly as it was.

The unpaid order is cancelled by the orders' ORD-5 deadline after
orders.unpaid_cancel_hours, which gives its stock back: the shop's reservation expires
with the order (see payments for a payment that arrives after that)."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from shopops.core.actors import customer_actor
from shopops.core.errors import ConflictError, UserError
from shopops.core.events import record
from shopops.orders.actions import create_order
from shopops.orders.models import Order

from ..cart import cart_view
from ..models import CartItem
from .accounts import clean_address


def _refuse_problem(line):
    with translation.override(settings.LANGUAGE_CODE):
        chinese = line.problem
    with translation.override("en"):
        english = line.problem
    raise UserError("cart_problem", "「{title}」{problem}，请先在购物车中修改后再提交订单。",
                    "'{title}': {problem_en}. Fix the cart, then place the order.",
                    title=line.title, problem=chinese, problem_en=english)


@transaction.atomic
def place_order(*, customer, cart, channel, address: dict, buyer_message="",
                expected_total_fen=None) -> Order:
    """Order everything in the cart, shipped to `address` (recipient, phone, province,
    city, district, detail). `expected_total_fen` is the total the customer saw: a price
    that changed since is refused rather than charged silently."""
    actor = customer_actor(customer)
    if not channel.active:
        raise UserError("shop_closed", "商城暂停营业，暂时不能下单。", "The shop is closed.")
    view = cart_view(cart, channel)
    if not view.lines:
        raise UserError("cart_empty", "购物车是空的，请先挑选商品再结算。",
                        "Your cart is empty: add something first.")
    for line in view.lines:
        if line.problem:
            _refuse_problem(line)
    if expected_total_fen not in (None, "") and str(expected_total_fen) != str(view.total_fen):
        raise ConflictError("price_changed", "商品价格或运费有变动，请核对新的金额后再提交。",
                            "Prices changed: check the new total and submit again.")
    where = clean_address(address)
    # Reserved in SKU order: two checkouts of the same SKUs lock their stock rows in the
    # same order, so they queue instead of deadlocking.
    lines = [{"sku": line.sku, "quantity": line.quantity, "unit_price_fen": line.price_fen,
              "title": line.title} for line in sorted(view.lines, key=lambda li: li.sku.pk)]
    try:
        with transaction.atomic():
            order = create_order(
                actor=actor, channel=channel, customer=customer, lines=lines,
                customer_name=where["recipient"], customer_phone=where["phone"],
                province=where["province"], city=where["city"], district=where["district"],
                address_detail=where["detail"], buyer_nick=customer.name,
                buyer_message=(buyer_message or "").strip()[:500],
                shipping_fen=view.shipping_fen)
    except UserError as exc:
        if exc.code == "insufficient_stock":
            raise _sold_out(exc, view) from None
        raise
    CartItem.objects.filter(cart=cart, pk__in=[line.item.pk for line in view.lines]).delete()
    record(actor=actor, verb="shop.order_placed", obj=order,
           summary=f"{actor.display_name} 在商城下单 {order.number}，"
                   f"应付 {order.goods_fen + order.shipping_fen - order.discount_fen} 分",
           data={"customer": customer.pk, "lines": len(lines),
                 "total_fen": order.goods_fen + order.shipping_fen - order.discount_fen})
    return order


def _sold_out(exc, view):
    """The ledger refused a line (somebody bought the last units meanwhile): name it in the
    customer's words, without the warehouse's."""
    sku = exc.params.get("sku")
    sku_id = getattr(sku, "pk", sku)
    line = next((li for li in view.lines if li.sku.pk == sku_id), None)
    title = line.title if line is not None else str(sku)
    available = int(exc.params.get("available") or 0)
    if available > 0:
        return UserError("sold_out", "「{title}」库存不足，仅剩 {available} 件。订单未提交，购物车已保留，"
                         "请修改数量后再试。",
                         "'{title}': only {available} left. Nothing was ordered; your cart is "
                         "kept.", title=title, available=available)
    return UserError("sold_out", "很抱歉，「{title}」刚刚被抢光了。订单未提交，购物车已保留，"
                     "请删除该商品后再结算。",
                     "Sorry, '{title}' just sold out. Nothing was ordered; your cart is kept.",
                     title=title)

