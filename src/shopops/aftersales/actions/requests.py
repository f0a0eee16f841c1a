"""AS-1 from the customer's side: opening a request on one's own order (or customer
service opening it for a platform or phone customer), withdrawing it, and entering the
return waybill once it is approved.

A customer (core.actors.CustomerActor) may act only on their own orders and requests:
another customer's order answers "not found", as if it did not exist. Staff need
aftersales.handle. What the order allows is states.options(); quantities and money are
checked against queries (never more than bought minus earlier requests, never more than
was paid). Bad input changes nothing: the photos are checked before anything is written
and stored last."""

from django.db import transaction
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.access import require
from shopops.core.actors import is_customer
from shopops.core.errors import NotFoundError, UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.money import format_fen
from shopops.core.notify import notify
from shopops.core.numbering import next_number
from shopops.core.states import transition
from shopops.orders.actions.intercept import register_refund_request, withdraw_refund_request
from shopops.orders.models import Order
from shopops.orders.states import SHIPPED_OR_LATER
from shopops.orders.states import State as OrderState

from ..models import AfterSale, AfterSaleLine, AfterSalePhoto
from ..queries import refund_cap_fen, remaining_quantities
from ..states import ALLOWED, CUSTOMER_CANCELLABLE, MACHINE, PHOTO_REASONS, options
from . import deadlines
from .photos import check_photos, store_photos

K = AfterSale.Kind


def check_actor(actor, *, order=None, request=None):
    """A customer only touches their own order/request; staff need aftersales.handle."""
    if is_customer(actor):
        owner = order.customer_id if order is not None else request.customer_id
        if owner is None or owner != actor.customer_id:
            raise NotFoundError("not_found", "找不到该订单或售后单。", "No such order or request.")
        return
    if actor is None:
        return
    require(actor, "aftersales.handle")


def locked(request) -> AfterSale:
    return AfterSale.objects.select_for_update().get(pk=request.pk)


def _money(value) -> int:
    try:
        fen = int(value or 0)
    except (TypeError, ValueError):
        fen = -1
    if fen < 0:
        raise UserError("bad_amount", "退款金额不正确。", "The refund amount is not valid.")
    return fen


def _picks(order, lines, kind):
    """[(order line, quantity, exchange sku)] from the form's lines, checked against what
    is left to claim."""
    by_id = {line.pk: line for line in order.lines.select_related("sku__product")}
    remaining = remaining_quantities(order, list(by_id.values()))
    picks, seen = [], set()
    for entry in lines or []:
        line = entry.get("line")
        line_id = getattr(line, "pk", line)
        try:
            line_id, quantity = int(line_id), int(entry.get("quantity") or 0)
        except (TypeError, ValueError):
            raise UserError("bad_quantity", "数量必须是整数。", "Quantities must be whole numbers.") \
                from None
        if quantity <= 0:
            continue
        line = by_id.get(line_id)
        if line is None or line_id in seen:
            raise UserError("bad_line", "所选商品不属于该订单。", "That item is not in this order.")
        seen.add(line_id)
        left = remaining[line_id]
        if quantity > left:
            raise UserError("too_many", "「{title}」购买 {bought} 件，还可申请 {left} 件，不能申请 {asked} 件。",
                            "'{title}': {bought} bought, {left} can still be claimed, not "
                            "{asked}.", title=line.title, bought=line.quantity, left=left,
                            asked=quantity)
        exchange_sku = entry.get("exchange_sku") if kind == K.EXCHANGE else None
        if kind == K.EXCHANGE:
            exchange_sku = exchange_sku or line.sku
            if exchange_sku.product_id != line.sku.product_id or not exchange_sku.active:
                raise UserError("bad_exchange_sku", "「{title}」只能换同款的其他规格。",
                                "'{title}' can only be exchanged for another variant of the "
                                "same product.", title=line.title)
        picks.append((line, quantity, exchange_sku))
    if not picks:
        raise UserError("no_lines", "请选择要售后的商品和数量。", "Choose the items and quantities.")
    return picks


@transaction.atomic
def open_request(*, actor, order, kind, reason, description="", lines=(), refund_fen=0,
                 photos=()) -> AfterSale:
    """lines: [{"line": OrderLine or id, "quantity": int, "exchange_sku": Sku|None}];
    refund_fen: what the customer asks back (0 for exchange and repair); photos: uploaded
    files (each within catalog.image_max_kb)."""
    check_actor(actor, order=order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    allowed = options(order)
    if kind not in AfterSale.Kind.values:
        raise UserError("bad_kind", "请选择售后类型。", "Choose the kind of request.")
    if kind not in allowed["kinds"]:
        raise _not_allowed(order, kind, allowed)
    if reason not in allowed["kinds"][kind]:
        labels = "、".join(zh(AfterSale.Reason(r).label) for r in allowed["kinds"][kind])
        raise UserError("bad_reason", "{kind}可选原因：{labels}。",
                        "Choose one of the reasons this kind allows.",
                        kind=zh(AfterSale.Kind(kind).label), labels=labels)
    description = (description or "").strip()[:2000]
    picks = _picks(order, lines, kind)
    refund_fen = _money(refund_fen)
    if kind in (K.EXCHANGE, K.REPAIR):
        refund_fen = 0
    else:
        cap = refund_cap_fen(order, [(line, q) for line, q, _ in picks])
        if refund_fen <= 0:
            raise UserError("refund_required", "请填写退款金额（最多 {cap}）。",
                            "Enter the refund amount (at most {cap}).", cap=format_fen(cap))
        if refund_fen > cap:
            raise UserError("refund_too_much", "退款金额 {asked} 超过所选商品实付 {cap}。",
                            "The refund {asked} is more than the {cap} paid for these "
                            "items.", asked=format_fen(refund_fen), cap=format_fen(cap))
    checked = check_photos(photos)
    if is_customer(actor) and reason in PHOTO_REASONS and not checked:
        raise UserError("photo_required", "「{reason}」请上传至少一张凭证图片。",
                        "Please add at least one photo as evidence.",
                        reason=zh(AfterSale.Reason(reason).label))
    staff = actor if actor is not None and not is_customer(actor) else None
    request = AfterSale.objects.create(
        number=next_number("SH"), order=order, customer_id=order.customer_id, kind=kind,
        reason=reason, description=description, requested_refund_fen=refund_fen,
        created_by=staff, handler=staff)
    AfterSaleLine.objects.bulk_create([
        AfterSaleLine(request=request, order_line=line, quantity=quantity,
                      exchange_sku=exchange_sku) for line, quantity, exchange_sku in picks])
    if kind == K.REFUND_ONLY and order.state not in SHIPPED_OR_LATER:
        _stop_parcel(actor, order, request)
    stored = store_photos(AfterSalePhoto, checked, request.number, request=request)
    items = "；".join(f"{line.title} × {quantity}" for line, quantity, _ in picks)
    record(actor=actor, verb="aftersales.requested", obj=request,
           summary=f"{order.number} 申请{zh(request.get_kind_display())}（{zh(request.get_reason_display())}）："
                   f"{items}" + (f"，申请退款 {format_fen(refund_fen)}" if refund_fen else ""),
           data={"order": order.pk, "kind": kind, "reason": reason, "refund_fen": refund_fen,
                 "lines": [[line.pk, quantity] for line, quantity, _ in picks],
                 "photos": len(stored), "order_action": request.order_action})
    deadlines.start(actor=actor, request=request, step="respond")
    notify(users_with_roles(["aftersale_cs", "cs_supervisor"]),
           title=f"新售后申请：{request.number}（{zh(request.get_kind_display())}）",
           body=f"订单 {order.number}：{items}", link=request.get_absolute_url(),
           category="aftersales")
    return request


def _stop_parcel(actor, order, request):
    """A refund asked before shipping stops the parcel (ORD-6): held if unprinted, marked
    for interception if printed — orders' own code does it. An order already held (for
    its address, a shortage…) or already being intercepted stays as it is: it cannot
    leave anyway, and approving the refund cancels it."""
    if order.state in (OrderState.ON_HOLD, OrderState.OUT_OF_STOCK) or order.intercept:
        return
    register_refund_request(actor=actor, order=order,
                            reason=f"售后单 {request.number} 申请仅退款")
    order.refresh_from_db(fields=["state", "intercept"])
    action = "intercepted" if order.intercept else "held"
    AfterSale.objects.filter(pk=request.pk).update(order_action=action)
    request.order_action = action


def _not_allowed(order, kind, allowed):
    label = zh(AfterSale.Kind(kind).label)
    if not allowed["kinds"]:
        return UserError("not_allowed", "订单 {number} 不能申请售后：{why}",
                         "Order {number} allows no after-sales request now.",
                         number=order.number, why=allowed["why"])
    if order.state not in SHIPPED_OR_LATER:
        return UserError("not_allowed", "订单 {number} 尚未发货，只能申请仅退款，不能申请{kind}。",
                         "Order {number} has not shipped: only a refund can be requested.",
                         number=order.number, kind=label)
    kinds = "、".join(zh(AfterSale.Kind(k).label) for k in allowed["kinds"])
    return UserError("not_allowed", "订单 {number} 当前不能申请{kind}，可申请：{kinds}。",
                     "Order {number} does not allow that kind of request now.",
                     number=order.number, kind=label, kinds=kinds)





@transaction.atomic
def cancel_request(*, actor, request, reason="") -> AfterSale:
    """The customer (or CS for them) withdraws a request not yet under way: waiting for a
    decision, or approved and not yet shipped back. A refund asked before shipping lets the
    parcel go again."""
    check_actor(actor, request=request)
    request = locked(request)
    if request.state not in CUSTOMER_CANCELLABLE:
        raise UserError("cannot_cancel", "售后单 {number} 当前「{state}」，不能撤销。",
                        "Request {number} can no longer be withdrawn.",
                        number=request.number, state=zh(request.get_state_display()))
    reason = (reason or "").strip()[:300] or "客户撤销申请"
    before = transition(request, AfterSale.State.CANCELLED, ALLOWED, machine=MACHINE,
                        closed_at=timezone.now(), close_reason=reason)
    released = ""
    if request.order_action:
        released = withdraw_refund_request(actor=actor, order=request.order,
                                           reason=f"售后单 {request.number} 已撤销")
    record(actor=actor, verb="aftersales.cancelled", obj=request,
           summary=f"{request.number} 已撤销：{reason}",
           changes={"state": [before, request.state]},
           data={"reason": reason, "order_released": released})
    deadlines.stop(actor=actor, request=request, reason=reason)
    if request.handler_id:
        notify([request.handler], title=f"售后单已撤销：{request.number}", body=reason,
               link=request.get_absolute_url(), category="aftersales")
    return request


@transaction.atomic
def enter_return_waybill(*, actor, request, courier, waybill_no) -> AfterSale:
    """The customer shipped the goods back: courier and waybill number (AS-1 → AS-2: the
    returns desk matches the parcel by this number). Correctable until the parcel arrives."""
    check_actor(actor, request=request)
    request = locked(request)
    courier = (courier or "").strip()[:30]
    waybill_no = "".join((waybill_no or "").split()).upper()[:40]
    if not courier or not waybill_no:
        raise UserError("waybill_required", "请填写快递公司和运单号。",
                        "Enter the courier and the waybill number.")
    if not waybill_no.isalnum() or len(waybill_no) < 6:
        raise UserError("bad_waybill", "运单号「{no}」格式不正确（应为 6 位以上字母或数字）。",
                        "The waybill number '{no}' is not valid.", no=waybill_no)
    if request.state == AfterSale.State.APPROVED:
        transition(request, AfterSale.State.RETURNING, ALLOWED, machine=MACHINE,
                   return_courier=courier, return_waybill=waybill_no,
                   return_shipped_at=timezone.now())
        deadlines.finish(actor=actor, request=request)
    elif request.state == AfterSale.State.RETURNING:
        AfterSale.objects.filter(pk=request.pk).update(return_courier=courier,
                                                       return_waybill=waybill_no)
        request.return_courier, request.return_waybill = courier, waybill_no
    else:
        raise UserError("not_awaiting_return", "售后单 {number} 当前「{state}」，无需填写退回运单。",
                        "Request {number} is not waiting for a return parcel.",
                        number=request.number, state=zh(request.get_state_display()))
    record(actor=actor, verb="aftersales.return_shipped", obj=request,
           summary=f"{request.number} 买家已寄回：{courier} {waybill_no}",
           data={"courier": courier, "waybill_no": waybill_no})
    return request
