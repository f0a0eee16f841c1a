"""Shortages and transfers (FUL-3): the picker reports a short line at once, the order goes
out of stock and whoever handles transfers (调拨) hears of it; they fill it (the order goes
back to where it was) or cannot (customer service tells the customer). Two unmet requests
in a row for one SKU ask operations whether it is discontinued."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shopops.accounts.models import Role
from shopops.accounts.queries import users_with_roles
from shopops.core.access import user_can
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.notify import notify
from shopops.core.numbering import next_number
from shopops.orders.actions.deadlines import owner_for
from shopops.orders.states import ALLOWED, HoldReason, State

from ..models import TransferRequest, WaveOrder
from .common import locked_order, move, require_cap

OPERATIONS = ["product_manager", "planner", "manager"]


def transfer_handlers():
    """People who may handle transfer requests today (by their posts' capabilities)."""
    roles = [r.code for r in Role.objects.all() if "fulfillment.handle_transfers" in
             (r.capabilities or [])]
    people = [u for u in users_with_roles(roles) if user_can(u, "fulfillment.handle_transfers")]
    return people or users_with_roles(["warehouse_supervisor"])


@transaction.atomic
def report_shortage(*, actor, order, sku, quantity, note="") -> TransferRequest:
    require_cap(actor, "fulfillment.pick")
    order = locked_order(order)
    sku_id = getattr(sku, "pk", sku)
    line = order.lines.select_related("sku").filter(sku_id=sku_id).first()
    if line is None:
        raise UserError("sku_not_in_order", "订单 {number} 中没有这个商品。",
                        "Order {number} has no such SKU.", number=order.number)
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if quantity <= 0:
        raise UserError("bad_missing", "请填写缺货数量（大于 0）。",
                        "Give the missing quantity (more than 0).")
    before = order.state
    if before != State.OUT_OF_STOCK:
        if State.OUT_OF_STOCK not in ALLOWED.get(before, set()):
            raise UserError("cannot_report_short", "订单 {number} {state}，不能报缺。",
                            "Order {number} cannot be reported short now ({state}).",
                            number=order.number, state=order.get_state_display())
        move(order, State.OUT_OF_STOCK, hold_reason=HoldReason.OUT_OF_STOCK,
             hold_note=f"配货缺货：{line.sku.code} 缺 {quantity} 件"[:300], held_from=before)
    member = WaveOrder.objects.filter(order=order).select_related("wave").first()
    wave = member.wave if member else None
    now = timezone.now()
    request = TransferRequest.objects.create(
        number=next_number("DB"), sku_id=sku_id, warehouse_id=order.warehouse_id,
        quantity=quantity, order=order, wave=wave, requested_at=now, note=(note or "")[:300],
        requested_by=actor if actor is not None and actor.pk else None)
    notify(transfer_handlers(), title=f"调拨申请 {request.number}：{line.sku.code} 缺 {quantity} 件",
           body=f"订单 {order.number}" + (f"（波次 {wave.number}）" if wave else "")
                + f" 配货缺货：{line.title} {line.sku.spec_label} 缺 {quantity} 件。"
                + (f"说明：{note}" if note else ""),
           link=reverse("fulfillment:transfer_list"), category="fulfillment")
    record(actor=actor, verb="transfer_request.created", obj=request,
           summary=f"{order.number} 报缺 {line.sku.code} × {quantity}（{request.number}）",
           changes={"state": [before, order.state]},
           data={"sku": sku_id, "sku_code": line.sku.code, "quantity": quantity,
                 "order": order.pk, "order_number": order.number,
                 "wave": wave.pk if wave else None, "reported_at": now, "note": note})
    return request


@transaction.atomic
def resolve_transfer(*, actor, request, fulfilled, note="") -> TransferRequest:
    require_cap(actor, "fulfillment.handle_transfers")
    request = TransferRequest.objects.select_for_update().select_related("sku").get(
        pk=getattr(request, "pk", request))
    target = TransferRequest.State.FULFILLED if fulfilled else TransferRequest.State.UNMET
    now = timezone.now()
    done = TransferRequest.objects.filter(pk=request.pk, state=TransferRequest.State.OPEN).update(
        state=target, resolved_by=actor if actor is not None and actor.pk else None,
        resolved_at=now, note=(note or request.note)[:300])
    if done != 1:
        raise UserError("transfer_closed", "调拨申请 {number} 已处理过了。",
                        "Transfer request {number} is already resolved.", number=request.number)
    request.refresh_from_db()
    order = locked_order(request.order_id) if request.order_id else None
    if fulfilled:
        _release(actor, order, request)
    else:
        _unmet(actor, order, request)
    verb = "transfer_request.fulfilled" if fulfilled else "transfer_request.unmet"
    record(actor=actor, verb=verb, obj=request,
           summary=f"调拨申请 {request.number}（{request.sku.code} × {request.quantity}）"
                   + ("已调拨" if fulfilled else "无法调拨") + (f"：{note}" if note else ""),
           data={"sku": request.sku_id, "quantity": request.quantity,
                 "order": request.order_id, "wave": request.wave_id,
                 "reported_at": request.requested_at, "resolved_at": now, "note": note})
    return request


def _release(actor, order, request):
    """The goods came: the order continues from where it stopped, once nothing else of it
    is still waiting for a transfer."""
    if order is None or order.state != State.OUT_OF_STOCK:
        return
    if TransferRequest.objects.filter(order=order, state=TransferRequest.State.OPEN).exists():
        return
    before = order.held_from or State.REVIEWED
    move(order, before, hold_reason="", hold_note="", held_from="")


def _unmet(actor, order, request):
    if order is not None:
        notify([owner_for(order)],
               title=f"{order.number} 缺货无法调拨，请联系客户",
               body=f"{request.sku.code} 缺 {request.quantity} 件，调拨未满足，请告知客户并处理订单。",
               link=order.get_absolute_url(), category="fulfillment")
    previous = (TransferRequest.objects.filter(sku_id=request.sku_id, resolved_at__isnull=False)
                .exclude(pk=request.pk).exclude(state=TransferRequest.State.OPEN)
                .order_by("-resolved_at", "-pk").first())
    if previous is None or previous.state != TransferRequest.State.UNMET \
            or previous.discontinued_asked:
        return
    TransferRequest.objects.filter(pk=request.pk).update(discontinued_asked=True)
    request.discontinued_asked = True
    text = f"SKU {request.sku.code} 连续两次调拨未满足，是否停产？"
    notify(users_with_roles(OPERATIONS), title=text,
           body=f"调拨申请 {previous.number}、{request.number} 均无法满足。",
           link=reverse("fulfillment:transfer_list"), category="fulfillment")
    record(actor=actor, verb="sku.discontinued_question", obj=request.sku, summary=text,
           data={"sku": request.sku_id, "requests": [previous.pk, request.pk]})
