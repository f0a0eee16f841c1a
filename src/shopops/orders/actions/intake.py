"""ORD-1: an order arrives (API, manual entry; imports later). One transaction: the order,
its lines and a stock reservation per line (INV-2) — all of it or nothing."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.numbering import next_number
from shopops.inventory import ledger
from shopops.inventory.models import Warehouse

from ..models import Order, OrderLine
from ..states import State
from . import deadlines
from ._common import require_cap

ADDRESS_FIELDS = ("customer_name", "customer_phone", "province", "city", "address_detail")


def default_warehouse():
    warehouse = (Warehouse.objects.filter(active=True, kind=Warehouse.Kind.WAREHOUSE,
                                          sellable=True).order_by("code").first())
    if warehouse is None:
        raise UserError("no_warehouse", "没有可发货的仓库，请先建立仓库。",
                        "There is no active warehouse to ship from.")
    return warehouse


def _duplicate(channel, platform_order_no):
    return UserError("duplicate_order", "重复订单：{channel} 的平台订单号 {no} 已存在，未重复录入。",
                     "Duplicate order: {channel} order {no} already exists.",
                     channel=channel.name, no=platform_order_no)


def _clean_lines(lines):
    if not lines:
        raise UserError("no_lines", "订单至少要有一件商品。", "An order needs at least one line.")
    out = []
    for line in lines:
        sku, quantity = line["sku"], int(line.get("quantity") or 0)
        if quantity <= 0:
            raise UserError("bad_quantity", "{sku} 的数量必须是正整数。",
                            "The quantity of {sku} must be a positive whole number.", sku=sku.code)
        if not sku.active:
            raise UserError("sku_inactive", "{sku} 已停用，不能下单。", "{sku} is inactive.",
                            sku=sku.code)
        price = line.get("unit_price_fen")
        price = sku.price_fen if price is None else int(price)
        if price < 0:
            raise UserError("bad_price", "单价不能为负。", "A price cannot be negative.")
        title = line.get("title") or f"{sku.product.title} {sku.spec_label}".strip()
        out.append({"sku": sku, "quantity": quantity, "unit_price_fen": price,
                    "title": title[:200]})
    return out


@transaction.atomic
def create_order(*, actor, channel, lines, customer_name, customer_phone, province, city,
                 address_detail, district="", platform_order_no=None, warehouse=None,
                 buyer_nick="", buyer_message="", seller_remark="", invoice_title="",
                 gift_card_text="", delivery_time="", courier="", shipping_fen=0,
                 discount_fen=0, paid=False, paid_at=None, paid_fen=None,
                 created_at=None, customer=None) -> Order:
    """lines: [{"sku": Sku, "quantity": int, "unit_price_fen": int|None, "title": str|None}].
    paid=True (or paid_at) creates the order already paid (platform orders usually are).
    customer: the buyer's record (service.Customer) when known (every shop order)."""
    require_cap(actor, "orders.create")
    platform_order_no = (platform_order_no or "").strip() or None
    values = {"customer_name": customer_name.strip(), "customer_phone": customer_phone.strip(),
              "province": province.strip(), "city": city.strip(),
              "address_detail": address_detail.strip()}
    missing = [Order._meta.get_field(f).verbose_name for f in ADDRESS_FIELDS if not values[f]]
    if missing:
        raise UserError("incomplete_customer", "请填写：{fields}。", "Please fill in: {fields}.",
                        fields="、".join(str(m) for m in missing))
    clean = _clean_lines(lines)
    if platform_order_no and Order.objects.filter(
            channel=channel, platform_order_no=platform_order_no).exists():
        raise _duplicate(channel, platform_order_no)
    goods = sum(line["quantity"] * line["unit_price_fen"] for line in clean)
    shipping_fen, discount_fen = int(shipping_fen or 0), int(discount_fen or 0)
    if shipping_fen < 0 or discount_fen < 0 or discount_fen > goods + shipping_fen:
        raise UserError("bad_amounts", "运费或优惠金额不正确。", "Bad shipping or discount amount.")
    now = timezone.now()
    is_paid = bool(paid or paid_at)
    order = Order(
        number=next_number("DD"), channel=channel, platform_order_no=platform_order_no,
        customer=customer,
        state=State.PAID if is_paid else State.PENDING_PAYMENT,
        warehouse=warehouse or default_warehouse(), buyer_nick=buyer_nick.strip(),
        district=district.strip(), buyer_message=buyer_message.strip(),
        seller_remark=seller_remark.strip(), invoice_title=invoice_title.strip(),
        gift_card_text=gift_card_text.strip(), delivery_time=delivery_time.strip(),
        courier=courier.strip(), goods_fen=goods, shipping_fen=shipping_fen,
        discount_fen=discount_fen,
        paid_fen=(goods + shipping_fen - discount_fen) if paid_fen is None else int(paid_fen),
        paid_at=(paid_at or now) if is_paid else None, created_at=created_at or now,
        created_by=actor if actor is not None and actor.pk else None, **values)
    try:
        with transaction.atomic():  # the unique constraint decides a race between two intakes
            order.save(force_insert=True)
    except IntegrityError:
        if platform_order_no and Order.objects.filter(
                channel=channel, platform_order_no=platform_order_no).exists():
            raise _duplicate(channel, platform_order_no) from None
        raise
    for data in clean:
        line = OrderLine.objects.create(order=order, **data)
        line.reservation = ledger.reserve(actor=actor, sku=data["sku"], warehouse=order.warehouse,
                                          quantity=data["quantity"], reference=line.reference)
        line.save(update_fields=["reservation"])
    record(actor=actor, verb="order.created", obj=order,
           summary=f"{channel.name} 订单 {order.number}"
                   + (f"（平台单号 {platform_order_no}）" if platform_order_no else ""),
           data={"channel": channel.code, "platform_order_no": platform_order_no,
                 "state": order.state, "paid_fen": order.paid_fen,
                 "lines": [[d["sku"].code, d["quantity"], d["unit_price_fen"]] for d in clean]})
    deadlines.order_created(actor=actor, order=order)
    return order
