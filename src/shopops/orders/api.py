"""/api/v1/orders — order intake for integrations (ORD-1), the order list and an order.
Writes go through the actions; their UserErrors answer 4xx JSON (shopops.api handler)."""

from datetime import datetime

from django.db.models import Prefetch
from ninja import Router, Schema

from shopops.catalog.models import Channel
from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError, UserError
from shopops.inventory.models import Warehouse
from shopops.service.actions.privacy import reveal_pii
from shopops.service.privacy import mask_address, mask_detail, mask_name, mask_phone

from . import actions
from .forms import parse_lines
from .models import Order, OrderLine
from .states import State
from .views import search

router = Router(tags=["订单 orders"])
MAX_LIMIT = 200


class LineIn(Schema):
    sku: str  # 商家编码 or barcode
    quantity: int
    unit_price_fen: int | None = None
    title: str = ""


class OrderIn(Schema):
    # Defaults everywhere: the body is checked by the action (clear Chinese errors), and a
    # caller without orders.create gets 403 rather than a schema error.
    channel: str = ""  # channel code
    platform_order_no: str = ""
    warehouse: str = ""  # warehouse code; default warehouse when empty
    customer_name: str = ""
    customer_phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    address_detail: str = ""
    buyer_nick: str = ""
    buyer_message: str = ""
    seller_remark: str = ""
    invoice_title: str = ""
    gift_card_text: str = ""
    delivery_time: str = ""
    courier: str = ""
    shipping_fen: int = 0
    discount_fen: int = 0
    paid: bool = False
    paid_at: datetime | None = None
    lines: list[LineIn] = []


class LineOut(Schema):
    id: int
    sku_code: str
    title: str
    quantity: int
    unit_price_fen: int


class AmendmentOut(Schema):
    field: str
    before: dict | str | None
    after: dict | str | None
    reason: str
    author: str
    at: datetime
    requires_reprint: bool


class OrderOut(Schema):
    id: int
    number: str
    channel: str
    platform_order_no: str | None
    state: str
    state_label: str
    customer_name: str
    customer_phone: str
    address: str
    goods_fen: int
    shipping_fen: int
    discount_fen: int
    paid_fen: int
    created_at: datetime
    paid_at: datetime | None
    needs_reprint: bool
    lines: list[LineOut]


class OrderDetailOut(OrderOut):
    buyer_message: str
    seller_remark: str
    courier: str
    hold_reason: str
    amendments: list[AmendmentOut]


def _order(o, detail=False, full=False) -> dict:
    """`full`: the buyer's name, phone and address as they are; else masked (ROLE-6)."""
    out = {"id": o.pk, "number": o.number, "channel": o.channel.code,
           "platform_order_no": o.platform_order_no, "state": o.state,
           "state_label": o.get_state_display(),
           "customer_name": o.customer_name if full else mask_name(o.customer_name),
           "customer_phone": o.customer_phone if full else mask_phone(o.customer_phone),
           "address": o.address if full else mask_address(o.address), "goods_fen": o.goods_fen,
           "shipping_fen": o.shipping_fen, "discount_fen": o.discount_fen,
           "paid_fen": o.paid_fen, "created_at": o.created_at, "paid_at": o.paid_at,
           "needs_reprint": o.needs_reprint,
           "lines": [{"id": x.pk, "sku_code": x.sku.code, "title": x.title,
                      "quantity": x.quantity, "unit_price_fen": x.unit_price_fen}
                     for x in o.lines.all()]}
    if detail:
        out.update(buyer_message=o.buyer_message, seller_remark=o.seller_remark,
                   courier=o.courier, hold_reason=o.hold_reason, amendments=[
                       {"field": a.field, "before": _amended(a.before, full),
                        "after": _amended(a.after, full),
                        "reason": a.reason, "at": a.at, "requires_reprint": a.requires_reprint,
                        "author": a.author.display_name or a.author.username if a.author
                        else "系统"} for a in o.amendments.select_related("author")])
    return out


def _amended(value, full):
    if full or not isinstance(value, dict) or "customer_phone" not in value:
        return value
    return {**value, "customer_name": mask_name(value.get("customer_name", "")),
            "customer_phone": mask_phone(value.get("customer_phone", "")),
            "address_detail": mask_detail(value.get("address_detail", ""))}


def _orders():
    return Order.objects.select_related("channel").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("sku")))


def _by_code(model, code, label):
    row = model.objects.filter(code=code).first()
    if row is None:
        raise UserError("not_found", "{label}不存在：{value}", "No such {label_en}: {value}",
                        label=label, label_en=model._meta.model_name, value=code)
    return row


@router.post("/", response={201: OrderDetailOut})
@api_access("orders.create")
def create(request, payload: OrderIn):
    data = payload.dict()
    lines = []
    for line in payload.lines:
        found = parse_lines(line.sku)
        if not found:
            raise UserError("unknown_sku", "找不到商家编码或条码为 {value} 的商品。",
                            "No SKU has the code or barcode {value}.",
                            value=line.sku or "（空）")
        lines.append({"sku": found[0]["sku"], "quantity": line.quantity,
                      "unit_price_fen": line.unit_price_fen, "title": line.title})
    data.pop("lines")
    data["channel"] = _by_code(Channel, data["channel"], "渠道")
    data["warehouse"] = _by_code(Warehouse, data["warehouse"], "仓库") if data["warehouse"] \
        else None
    order = actions.create_order(actor=request.user, lines=lines, **data)
    # The caller just sent these details: they come back as sent.
    return 201, _order(_orders().get(pk=order.pk), detail=True, full=True)


@router.get("/", response=list[OrderOut])
@api_access("orders.view")
def list_orders(request, state: str = "", channel: str = "", q: str = "", offset: int = 0,
                limit: int = 50):
    rows = _orders()
    if state in State.values:
        rows = rows.filter(state=state)
    if channel:
        rows = rows.filter(channel__code=channel)
    rows = search(rows, q).order_by("-created_at", "-pk")
    offset, limit = max(0, offset), max(1, min(limit, MAX_LIMIT))
    return [_order(o) for o in rows[offset:offset + limit]]


@router.get("/{order_id}", response=OrderDetailOut)
@api_access("orders.view")
def detail(request, order_id: int, reveal: bool = False):
    """The buyer's personal data is masked; `reveal=true` returns it in full to a caller
    with service.reveal_pii, and the reveal is logged (ROLE-6)."""
    order = _orders().filter(pk=order_id).first()
    if order is None:
        raise NotFoundError("not_found", "订单不存在：{pk}", "No such order: {pk}", pk=order_id)
    if reveal:
        reveal_pii(actor=request.user, obj=order, reason="API")
    return _order(order, detail=True, full=reveal)
