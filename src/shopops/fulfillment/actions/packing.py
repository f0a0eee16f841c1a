"""FUL-5 packing: a verified order (with the orders review merged into it) goes into one
box with the customer's copy of the slip, the gift card, the invoice and any gifts the
checklist asks for; the box may be weighed against its estimate."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.errors import NotFoundError, UserError
from shopops.core.events import record
from shopops.core.notify import notify
from shopops.core.numbering import next_number
from shopops.core.registry import setting
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import INTERCEPTABLE, State

from ..models import Courier, Parcel, Slip
from .common import move, require_cap, stop_intercepted

CAP = "fulfillment.pack"
CHECKLIST = {"slip": "客户联（配货单客户联）", "gift_card": "贺卡", "invoice": "发票",
             "gift": "赠品"}
CHECKLIST_EN = {"slip": "customer copy of the slip", "gift_card": "gift card",
                "invoice": "invoice", "gift": "gift"}


def packing_orders(order) -> list[Order]:
    """The orders that travel in this order's box: itself and those merged into it."""
    merged = Order.objects.filter(merged_into=order).exclude(state=State.CANCELLED)
    return [order, *merged.order_by("pk")]


def required_items(orders, lines) -> list[str]:
    """Checklist keys the packer must tick for these orders."""
    need = ["slip"]
    if any(o.gift_card_text for o in orders):
        need.append("gift_card")
    if any(o.invoice_title for o in orders):
        need.append("invoice")
    if any(x.unit_price_fen == 0 for x in lines):
        need.append("gift")
    return need


def estimate_weight(lines) -> int:
    return (sum(x.sku.weight_g * x.quantity for x in lines)
            + int(setting("fulfillment.packaging_weight_g")))


def outside_tolerance(weight_g, estimate_g) -> bool:
    """|weight − estimate| > tolerance % of the estimate (exactly at the limit passes)."""
    percent = int(setting("fulfillment.weight_tolerance_percent"))
    return abs(weight_g - estimate_g) * 100 > percent * estimate_g


def pack_order(*, actor, order, checklist, weight_g=None) -> Parcel:
    """Pack a verified order (and the orders merged into it) into one parcel. A missing
    checklist item or a wrong state changes nothing; a pending interception stops the
    order (that stop is kept) and is then reported as the error."""
    require_cap(actor, CAP)
    outcome = _pack(actor, order, checklist or {}, weight_g)
    if isinstance(outcome, UserError):
        raise outcome  # after the commit: the stop stands
    return outcome


@transaction.atomic
def clear_weight_check(*, actor, parcel, note, weight_g=None) -> Parcel:
    """The warehouse supervisor checked a parcel stopped by the scale: it may ship."""
    require_cap(actor, CAP)
    if actor is not None and not actor.has_role("warehouse_supervisor"):
        raise UserError("supervisor_only", "称重异常须由仓库主管核实放行。",
                        "Only the warehouse supervisor may clear a weight check.")
    note = (note or "").strip()
    if not note:
        raise UserError("note_required", "请填写核重说明。", "Please write what was checked.")
    also = {"check_note": note[:300]}
    if weight_g not in (None, ""):
        also["weight_g"] = _grams(weight_g)
    pk = getattr(parcel, "pk", parcel)
    if not Parcel.objects.filter(pk=pk, state=Parcel.State.CHECK).update(
            state=Parcel.State.PACKED, **also):
        raise UserError("not_in_check", "包裹不在称重待核状态。", "The parcel is not waiting for "
                        "a weight check.")
    parcel = Parcel.objects.get(pk=pk)
    record(actor=actor, verb="parcel.weight_cleared", obj=parcel,
           summary=f"包裹 {parcel.number}（{parcel.waybill_no}）核重通过：{note}",
           data={"weight_g": parcel.weight_g, "estimate_g": parcel.estimate_g, "note": note,
                 "cleared_at": timezone.now()})
    return parcel


@transaction.atomic
def _pack(actor, order, checklist, weight_g):
    pk = getattr(order, "pk", order)
    # The box: the order and those merged into it, locked in primary-key order in one
    # read (no deadlock with another packer).
    rows = list(Order.objects.select_for_update().filter(Q(pk=pk) | Q(merged_into_id=pk))
                .order_by("pk"))
    primary = next((o for o in rows if o.pk == pk), None)
    if primary is None:
        raise NotFoundError("not_found", "订单不存在：{value}", "No such order: {value}",
                            value=pk)
    if primary.merged_into_id:
        main = Order.objects.filter(pk=primary.merged_into_id).values_list("number",
                                                                           flat=True).first()
        raise UserError("merged_secondary", "订单 {number} 已合并到 {primary}，请扫描主单 {primary} "
                        "一起打包。", "Order {number} is merged into {primary}: pack it with "
                        "{primary}.", number=primary.number, primary=main)
    orders = [o for o in rows if o.pk == pk or o.state != State.CANCELLED]
    for row in orders:
        if row.intercept and row.state in INTERCEPTABLE:
            return stop_intercepted(actor=actor, order=row, where="打包")
    orders.sort(key=lambda o: o.pk != primary.pk)
    ids = [o.pk for o in orders]
    for o in orders:
        if o.state != State.VERIFIED:
            raise UserError("not_verified", "订单 {number} 尚未验货（{state}），不能打包。",
                            "Order {number} is not verified ({state}): it cannot be packed.",
                            number=o.number, state=o.get_state_display())
    lines = list(OrderLine.objects.filter(order_id__in=ids).select_related("sku"))
    need = required_items(orders, lines)
    missing = [k for k in need if not checklist.get(k)]
    if missing:
        raise UserError("checklist_incomplete", "打包清单未完成：请放入{items}并勾选。",
                        "Packing checklist incomplete: put in the {items_en}.",
                        items="、".join(CHECKLIST[k] for k in missing),
                        items_en=", ".join(CHECKLIST_EN[k] for k in missing))
    slip = (Slip.objects.select_related("courier")
            .filter(order=orders[0], state=Slip.State.ACTIVE).first())
    if slip is None:
        raise UserError("no_waybill", "订单 {number} 没有有效的快递单，请先打单。",
                        "Order {number} has no valid waybill: print it first.",
                        number=orders[0].number)
    courier = slip.courier or Courier.objects.filter(name=orders[0].courier).first()
    if courier is None:
        raise UserError("no_courier", "订单 {number} 未指定快递公司。",
                        "Order {number} has no courier.", number=orders[0].number)
    now = timezone.now()
    estimate = estimate_weight(lines)
    weight = _grams(weight_g) if weight_g not in (None, "") else None
    check = weight is not None and outside_tolerance(weight, estimate)
    parcel = Parcel.objects.create(
        number=next_number("BG"), courier=courier, waybill_no=slip.waybill_no,
        warehouse_id=orders[0].warehouse_id, estimate_g=estimate, weight_g=weight,
        state=Parcel.State.CHECK if check else Parcel.State.PACKED,
        checklist={k: bool(checklist.get(k)) for k in CHECKLIST}, packed_by=actor,
        packed_at=now)
    parcel.orders.add(*orders)
    for o in orders:
        move(o, State.PACKED, packed_at=now)
    numbers = [o.number for o in orders]
    record(actor=actor, verb="parcel.packed", obj=parcel,
           summary=f"打包 {'、'.join(numbers)} → 包裹 {parcel.number}（{courier.name} "
                   f"{parcel.waybill_no}）",
           data={"orders": [o.pk for o in orders], "numbers": numbers, "weight_g": weight,
                 "estimate_g": estimate, "checklist": parcel.checklist, "packed_at": now,
                 "courier": courier.name, "waybill_no": parcel.waybill_no,
                 "verified_by": [o.verified_by_id for o in orders]})
    if check:
        _weight_check(actor, parcel, orders, weight, estimate)
    return parcel


def _weight_check(actor, parcel, orders, weight, estimate):
    percent = int(setting("fulfillment.weight_tolerance_percent"))
    text = (f"包裹 {parcel.number}（{parcel.waybill_no}，订单 {orders[0].number}）称重 {weight} 克，"
            f"预估 {estimate} 克，偏差超过 {percent}%")
    record(actor=actor, verb="parcel.weight_check", obj=parcel, summary=f"称重异常：{text}",
           data={"weight_g": weight, "estimate_g": estimate, "tolerance_percent": percent})
    notify(users_with_roles(["warehouse_supervisor"]), title=f"称重异常待核：{parcel.waybill_no}",
           body=f"{text}，请核实后放行。", link=reverse("fulfillment:pack_station") + "#weight-check",
           category="fulfillment")


def _grams(value) -> int:
    try:
        grams = int(str(value).strip())
    except ValueError:
        grams = -1
    if grams < 0:
        raise UserError("bad_weight", "重量须为克数（整数）：{value}",
                        "Weight must be whole grams: {value}", value=value)
    return grams
