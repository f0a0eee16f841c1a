"""ORD-4: an order is binding, so every change is an Amendment (红旗备注) with author, time
and reason; the order row then carries the current value, the amendment and the event keep
what it was. After printing the amendment forces a reprint (the slip is stale)."""

from django.db import transaction

from shopops.catalog.models import Sku
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.inventory import ledger

from ..models import Amendment, Order, OrderLine
from ..states import PRINTED_OR_LATER, State
from ._common import locked, require_cap

ADDRESS_KEYS = ("customer_name", "customer_phone", "province", "city", "district",
                "address_detail")
TEXT_FIELDS = {"courier": 30, "invoice_title": 100, "gift_card_text": 300, "delivery_time": 100}
CLOSED = {State.SHIPPED, State.DELIVERED, State.COMPLETED, State.CANCELLED}
# Goods already picked cannot silently become other goods: that is an exchange now.
SKU_LOCKED = CLOSED | {State.PICKED, State.VERIFIED, State.PACKED}


@transaction.atomic
def amend_order(*, actor, order, field, value, reason, line=None) -> Amendment:
    """field: address (value: dict of ADDRESS_KEYS, missing keys unchanged), courier,
    invoice_title, gift_card_text, delivery_time (value: text), sku (line + value: Sku)."""
    require_cap(actor, "orders.amend")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写修改原因。", "Please give a reason.")
    order = locked(order)
    if order.state in CLOSED:
        raise UserError("order_closed", "订单 {number} {state}，不能再修改。",
                        "Order {number} can no longer be amended.", number=order.number,
                        state=order.get_state_display())
    if field == Amendment.Field.ADDRESS:
        before, after, updates = _address(order, value)
    elif field in TEXT_FIELDS:
        text = (value or "").strip()[:TEXT_FIELDS[field]]
        before, after, updates = getattr(order, field), text, {field: text}
    elif field == Amendment.Field.SKU:
        return _amend_sku(actor, order, line, value, reason)
    else:
        raise UserError("bad_field", "不能修改此项：{field}", "Cannot amend {field}.", field=field)
    if before == after:
        raise UserError("no_change", "新值与原值相同，未修改。", "The new value is the same.")
    return _finish(actor, order, field, before, after, reason, updates)


def _address(order, value):
    value = value or {}
    before = {k: getattr(order, k) for k in ADDRESS_KEYS}
    after = {k: str(value[k]).strip() if k in value else before[k] for k in ADDRESS_KEYS}
    blank = [str(Order._meta.get_field(k).verbose_name) for k in ADDRESS_KEYS
             if k != "district" and not after[k]]
    if blank:
        raise UserError("incomplete_customer", "请填写：{fields}。", "Please fill in: {fields}.",
                        fields="、".join(blank))
    for k in ADDRESS_KEYS:
        after[k] = after[k][:Order._meta.get_field(k).max_length]
    return before, after, dict(after)


def _amend_sku(actor, order, line, sku, reason):
    if order.state in SKU_LOCKED:
        raise UserError("sku_locked", "订单 {number} 已配货，不能再换商品；请走换货流程。",
                        "Order {number} is picked: use an exchange.", number=order.number)
    if not isinstance(line, OrderLine) or line.order_id != order.pk:
        raise UserError("bad_line", "请选择要修改的订单行。", "Choose the order line to amend.")
    if not isinstance(sku, Sku):
        raise UserError("bad_sku", "请选择新的 SKU。", "Choose the new SKU.")
    line = OrderLine.objects.select_related("reservation", "sku").get(pk=line.pk)
    if sku.pk == line.sku_id:
        raise UserError("no_change", "新值与原值相同，未修改。", "The new value is the same.")
    if not sku.active:
        raise UserError("sku_inactive", "{sku} 已停用，不能下单。", "{sku} is inactive.",
                        sku=sku.code)
    before = {"sku": line.sku.code, "title": line.title}
    title = f"{sku.product.title} {sku.spec_label}".strip()[:200]
    # Release first so that a change of colour within the same stock can reuse the units;
    # a shortage raises and the savepoint puts the old reservation back.
    if line.reservation_id:
        ledger.release(actor=actor, reservation=line.reservation, note=f"订单修改：{reason}")
    reservation = ledger.reserve(actor=actor, sku=sku, warehouse=order.warehouse,
                                 quantity=line.quantity, reference=line.reference)
    OrderLine.objects.filter(pk=line.pk).update(sku=sku, title=title, reservation=reservation)
    after = {"sku": sku.code, "title": title}
    return _finish(actor, order, Amendment.Field.SKU, before, after, reason, {}, line=line)


def _finish(actor, order, field, before, after, reason, updates, line=None):
    reprint = order.state in PRINTED_OR_LATER
    if reprint:
        updates["needs_reprint"] = True
    if updates:
        Order.objects.filter(pk=order.pk).update(**updates)
        for key, val in updates.items():
            setattr(order, key, val)
    amendment = Amendment.objects.create(
        order=order, field=field, line=line, before=before, after=after, reason=reason,
        author=actor if actor is not None and actor.pk else None, requires_reprint=reprint)
    label = zh(Amendment.Field(field).label)
    changes = ({k: [before[k], after[k]] for k in before if before[k] != after[k]}
               if isinstance(before, dict) else {field: [before, after]})
    record(actor=actor, verb="order.amended", obj=order,
           summary=f"{order.number} 修改{label}：{reason}" + ("（需重打）" if reprint else ""),
           changes=changes, data={"amendment": amendment.pk, "field": field, "reason": reason,
                                  "requires_reprint": reprint})
    return amendment
