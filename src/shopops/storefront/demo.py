"""Demo of the B2C shop (五步商城, /shop/): the catalog's active products listed on the
shop's channel (proposed by the planner, approved by the manager, executed by the web
editor, CAT-2) with two 官网专享价 (CAT-4), four customers with accounts and addresses,
carts, and orders in the states a shop sees — paid through the sandbox provider and
shipped through the real warehouse line (review, print, pick, verify, pack, hand over,
tracking), delivered and reviewed (one bad review with its CS-6 task), one in transit,
one waiting for payment, one paid after a failed attempt, one cancelled, and a payment
that arrived after its order was cancelled (re-ordered).

Customers sign in with their mobile number and the demo password (DEMO_CUSTOMERS).
Called by ops.demo after the staff demo (people: username → User)."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from shopops.catalog.actions.listing import propose_listing
from shopops.catalog.actions.pricing import propose_price_change
from shopops.catalog.models import Listing, Product
from shopops.core.actions.approvals import approve_proposal, execute_proposal
from shopops.core.actors import customer_actor
from shopops.core.errors import ConflictError
from shopops.fulfillment.actions import handover, packing, picking, printing, review, verify
from shopops.fulfillment.actions.tracking import record_tracking
from shopops.fulfillment.models import Courier, Handover, Parcel, Slip
from shopops.inventory.models import Stock
from shopops.orders.actions.intake import default_warehouse
from shopops.orders.models import Order
from shopops.service.actions.reviews import submit_review

from . import payments
from .actions import accounts, my_orders
from .actions.cart import add_item, cart_for
from .actions.checkout import place_order
from .channel import shop_channel
from .models import Payment
from .payments.sandbox import sandbox

PASSWORD = "Demo@2026"
# mobile, name, address (province, city, district, detail)
DEMO_CUSTOMERS = [
    ("13800001111", "林小雨", ("浙江省", "杭州市", "西湖区", "文三路 90 号东部软件园 3 幢 501 室")),
    ("13800002222", "张伟", ("上海市", "上海市", "徐汇区", "漕溪北路 18 号上实大厦 1203 室")),
    ("13800003333", "王芳", ("北京市", "北京市", "朝阳区", "建国路 88 号 SOHO 现代城 2 号楼 1506")),
    ("13800004444", "陈晨", ("广东省", "广州市", "天河区", "天河路 385 号太古汇一座 21 楼")),
]


def shop_banner(base_url: str) -> str:
    """The shop's line of the start-up banner (shopops demo)."""
    mobile, name, _ = DEMO_CUSTOMERS[0]
    return (f"官网商城 Shop: {base_url}/shop/   顾客 customer: {mobile} / {PASSWORD}（{name}；"
            f"另有 {'、'.join(m for m, _, _ in DEMO_CUSTOMERS[1:])}）\n" + "-" * 60)


def load(people):
    channel = shop_channel()
    warehouse = default_warehouse()
    products = _list_on_shop(people, channel)
    stocked = [p for p in products if _units(p, warehouse) >= 6]
    if len(stocked) < 6:
        return
    _shop_prices(people, channel, stocked[:2])
    customers = [_customer(channel, *row) for row in DEMO_CUSTOMERS]
    _orders(people, channel, warehouse, customers, stocked)


# -- catalog: the shop's listings and prices ---------------------------------------------------


def _list_on_shop(p, channel):
    listed = set(Listing.objects.filter(channel=channel, state=Listing.State.LISTED)
                 .values_list("product_id", flat=True))
    active = list(Product.objects.filter(status=Product.Status.ACTIVE)
                  .prefetch_related("skus").order_by("code"))
    for n, product in enumerate(a for a in active if a.pk not in listed):
        try:
            proposal = propose_listing(actor=p["planner"] if n % 2 else p["product_manager"],
                                       product=product, channels=[channel],
                                       reason="官网商城同步上架：主图与详情已完成。")
        except ConflictError:  # the pricing demo's listing still waits for the manager
            continue
        approve_proposal(actor=p["manager"], proposal=proposal, comment="同意上架官网。")
        execute_proposal(actor=p["editor"], proposal=proposal)
    return list(Product.objects.filter(
        pk__in=[a.pk for a in active], listings__channel=channel,
        listings__state=Listing.State.LISTED).prefetch_related("skus").order_by("code"))


def _units(product, warehouse):
    return sum(max(0, s.on_hand - s.reserved) for s in Stock.objects.filter(
        sku__product=product, sku__active=True, warehouse=warehouse).order_by())


def _shop_prices(p, channel, products):
    """官网专享价: about 5 % under the base price, through the price approval."""
    for product in products:
        lines = [{"sku_id": s.pk, "channel_id": channel.pk,
                  "new_fen": max(900, (s.price_fen * 95 // 100) // 100 * 100 - 100)}
                 for s in product.skus.all() if s.active]
        proposal = propose_price_change(actor=p["product_manager"], product=product,
                                        prices=lines, title=f"官网专享价：{product.title}",
                                        reason="官网会员专享价，引导顾客到官网下单。")
        approve_proposal(actor=p["manager"], proposal=proposal, comment="同意。")
        execute_proposal(actor=p["editor"], proposal=proposal)


# -- customers, carts and orders ---------------------------------------------------------------


def _customer(channel, mobile, name, where):
    account = accounts.register_customer(mobile=mobile, name=name, password=PASSWORD,
                                         channel=channel)
    province, city, district, detail = where
    accounts.add_address(actor=customer_actor(account.customer), customer=account.customer,
                         values={"recipient": name, "phone": mobile, "province": province,
                                 "city": city, "district": district, "detail": detail})
    return account.customer


def _sku(product, n=0):
    skus = [s for s in product.skus.all() if s.active]
    return skus[n % len(skus)]


def _buy(customer, channel, items, message=""):
    cart = cart_for(customer=customer)
    for sku, quantity in items:
        add_item(cart=cart, sku_id=sku.pk, quantity=quantity, channel=channel)
    address = customer.addresses.get(is_default=True)
    return place_order(customer=customer, cart=cart, channel=channel, buyer_message=message,
                       address={f: getattr(address, f) for f in accounts.ADDRESS_FIELDS})


def _pay(customer, order, *results):
    for result in results:
        payment, _url = payments.start_payment(customer=customer, order=order,
                                               provider_code=sandbox.code)
        payments.receive_notification(provider_code=sandbox.code,
                                      data=sandbox.notification(payment, result))
    order.refresh_from_db()
    return order


def _orders(p, channel, warehouse, customers, products):
    lin, zhang, wang, chen = customers
    # Delivered and reviewed (林小雨, 张伟), one in transit (林小雨).
    delivered_a = _pay(lin, _buy(lin, channel, [(_sku(products[0]), 1), (_sku(products[1], 1), 1)],
                                 "麻烦尽快发货，周末要穿"), "success")
    delivered_b = _pay(zhang, _buy(zhang, channel, [(_sku(products[2]), 1)]), "success")
    in_transit = _pay(lin, _buy(lin, channel, [(_sku(products[3]), 2)]), "success")
    parcels = _ship(p, warehouse, [delivered_a, delivered_b, in_transit])
    now = timezone.now()
    for order in (delivered_a, delivered_b):
        parcel = parcels[order.pk]
        record_tracking(actor=None, parcel=parcel, status="delivered", at=now - timedelta(hours=5),
                        location=order.city, description=f"已签收，签收人：{order.customer_name}（本人）",
                        source="sandbox")
    _reviews(lin, zhang, delivered_a, delivered_b)

    # Paid, waiting for the warehouse (林小雨); paid after a failed attempt (王芳).
    _pay(lin, _buy(lin, channel, [(_sku(products[4]), 1)]), "success")
    _pay(wang, _buy(wang, channel, [(_sku(products[5]), 1)], "送人的，请不要放价格单"),
         "fail", "success")
    # Waiting for payment: the customer sees the time left (张伟).
    _buy(zhang, channel, [(_sku(products[1], 2), 1), (_sku(products[4], 1), 1)])
    # Cancelled by the customer before paying (王芳).
    cancelled = _buy(wang, channel, [(_sku(products[3], 1), 1)])
    my_orders.cancel_unpaid(customer=wang, order_id=cancelled.pk, reason="商品选错了")
    # A payment that arrived after its order was cancelled: the goods are there, so the
    # order is placed again, paid (王芳; staff see it on 商城支付).
    late = _buy(wang, channel, [(_sku(products[0], 1), 1)])
    payment, _url = payments.start_payment(customer=wang, order=late, provider_code=sandbox.code)
    my_orders.cancel_unpaid(customer=wang, order_id=late.pk, reason="付款遇到问题")
    payments.receive_notification(provider_code=sandbox.code,
                                  data=sandbox.notification(payment, "success"))
    # Carts: 林小雨 is choosing again, 陈晨 has just registered and filled a cart.
    add_item(cart=cart_for(customer=lin), sku_id=_sku(products[5], 1).pk, quantity=1,
             channel=channel)
    for product in products[1:3]:
        add_item(cart=cart_for(customer=chen), sku_id=_sku(product).pk, quantity=1,
                 channel=channel)


def _free_courier(warehouse):
    """A courier with no sheet open and no packed parcel waiting in this warehouse, so the
    demo's own handover carries only the shop's parcels (the warehouse demo's queues stay
    as they are)."""
    busy = set(Handover.objects.filter(warehouse=warehouse, state=Handover.State.OPEN)
               .values_list("courier_id", flat=True)) | set(
        Parcel.objects.filter(warehouse=warehouse, state=Parcel.State.PACKED,
                              handover__isnull=True).values_list("courier_id", flat=True))
    return Courier.objects.filter(active=True).exclude(pk__in=busy).order_by("sort_order").first()


def _ship(p, warehouse, orders):
    """The real line, as each post: review, print, hand to the picker, pick, verify, pack,
    hand over to the courier (shipped), the courier's first scans. {order id: parcel}."""
    courier = _free_courier(warehouse)
    for order in orders:
        review.review_order(actor=p["reviewer"], order=order, courier=courier.name)
    waves = printing.create_waves(actor=p["printer"], warehouse=warehouse, orders=orders)
    for wave in waves:
        printing.print_wave(actor=p["printer"], wave=wave)
        printing.hand_to_picker(actor=p["printer"], wave=wave, picker=p["picker"])
        picking.complete_pick(actor=p["picker"], wave=wave)
    for order in orders:
        slip = Slip.objects.get(order=order, state=Slip.State.ACTIVE)
        result = verify.start_verify(actor=p["verifier"], code=slip.waybill_no)
        for line in order.lines.select_related("sku"):
            for _ in range(line.quantity):
                result = verify.scan_item(actor=p["verifier"], session=result.session,
                                          barcode=line.sku.barcode)
        packing.pack_order(actor=p["packer"], order=order, checklist={"slip": True})
    sheet = handover.open_handover(actor=p["packer"], courier=courier, warehouse=warehouse,
                                   driver_name=f"{courier.name} 李师傅")
    for waybill in sheet.parcels.values_list("waybill_no", flat=True):
        handover.scan_parcel(actor=p["packer"], handover=sheet, code=waybill)
    handover.close_handover(actor=p["packer"], handover=sheet)
    _backdate(orders, sheet, timedelta(days=3))
    parcels = {}
    start = timezone.now() - timedelta(days=2, hours=20)
    for parcel in Parcel.objects.filter(handover=sheet).prefetch_related("orders"):
        order = parcel.orders.all()[0]
        record_tracking(actor=None, parcel=parcel, status="collected", at=start,
                        location="杭州", description=f"{courier.name}杭州转运中心已揽收",
                        source="sandbox")
        record_tracking(actor=None, parcel=parcel, status="in_transit",
                        at=start + timedelta(hours=30), location=order.city,
                        description=f"快件已到达{order.city}转运中心", source="sandbox")
        parcels[order.pk] = parcel
    return parcels


def _backdate(orders, sheet, delta):
    """These orders were placed three days ago (demo setup, like the other demos'
    backdating; the event log is append-only and keeps when the demo ran): their times,
    parcels and payments move back together, so the customer's timeline reads
    下单 → 付款 → 发货 → 揽收 → 签收 in order."""
    ids = [o.pk for o in orders]
    fields = ("created_at", "paid_at", "reviewed_at", "picked_at", "verified_at", "packed_at",
              "shipped_at")
    Order.objects.filter(pk__in=ids).update(**{f: F(f) - delta for f in fields})
    Parcel.objects.filter(handover=sheet).update(packed_at=F("packed_at") - delta,
                                                 shipped_at=F("shipped_at") - delta)
    Payment.objects.filter(order_id__in=ids).update(created_at=F("created_at") - delta,
                                                    finished_at=F("finished_at") - delta)
    for order in orders:
        order.refresh_from_db()


def _reviews(lin, zhang, ordered, other):
    first, second = ordered.lines.order_by("pk")
    submit_review(actor=customer_actor(lin), line=first, rating=5,
                  body="面料很舒服，颜色和图片一样，尺码标准，会回购。")
    submit_review(actor=customer_actor(lin), line=second, rating=4,
                  body="做工不错，就是快递慢了一天。")
    bad = other.lines.order_by("pk").first()
    submit_review(actor=customer_actor(zhang), line=bad, rating=2,
                  body="洗了一次就起球了，和描述的不一样，希望客服联系我处理。")

