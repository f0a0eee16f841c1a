"""Demo of after-sales (AS-1…AS-5), everything through the actions as the person whose post
does it, on ten orders that went through the whole warehouse line (review → print → pick
→ verify → pack → handover) and were delivered:

  退货退款 已退款   a shop customer (林晓, shop login 13700001001) returns a dress with a
                    quality problem: photos, approved, waybill, 何雪 signs and restocks it
                    into the ledger, 郑丽 refunds through the shop's payment provider;
                    liability: the brand merchant
  换货 发出中       a Tmall buyer's size exchange: signed, inspected, the first unit fails
                    the quality check, the second passes, the replacement order waits in
                    the review queue
  退货 已收到       the return arrived with a crushed box (photo): waiting for inspection,
                    liability split between the courier and the supplier
  退货 寄回中       the customer entered the waybill; the parcel is on its way
  待处理 + 维权     a JD buyer's complaint escalated on the platform (维权)
  待处理 已超时     waiting 30 hours: the scheduler escalates it to the CS supervisor
  已同意 逾期未寄回 approved 8 days ago, never shipped: the scheduler closes it
  已拒绝, 已撤销    a changed mind with the tags cut off; one withdrawn by the customer
  维修中            a zip replaced under warranty
  仅退款            two of the morning's unshipped orders: one held and refunded at once
                    (the order cancelled, stock released), one printed and marked for
                    interception, waiting for CS
  售后来件          a parcel refused (到付, no request), one signed although only the order
                    matched, and the supervisor's finding against the desk
"""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from shopops.catalog.models import Channel
from shopops.core.actors import customer_actor
from shopops.core.models import Deadline
from shopops.fulfillment.actions import handover, packing, picking, printing, review, tracking
from shopops.fulfillment.actions import verify as verifying
from shopops.fulfillment.models import Courier, Handover, Parcel, Slip
from shopops.inventory.models import Stock, Warehouse
from shopops.orders.actions import create_order
from shopops.orders.models import Order
from shopops.orders.states import State as OrderState

from .actions import handling, inspection, liability, receiving, refunds, requests
from .models import AfterSale
from .queries import refund_cap_fen

BUYERS = [  # name, phone, province, city, district, street, channel
    ("林晓", "13700001001", "浙江省", "杭州市", "拱墅区", "莫干山路 188 号白马公寓 2 幢 1203", "b2c"),
    ("许佳", "13700001002", "江苏省", "苏州市", "姑苏区", "人民路 1288 号 3 单元 502", "tmall"),
    ("蒋雯", "13700001003", "上海市", "上海市", "静安区", "南京西路 1515 号嘉里中心 2 座 1106",
     "tmall"),
    ("沈瑶", "13700001004", "浙江省", "宁波市", "海曙区", "中山西路 138 号天一豪景 8 楼", "b2c"),
    ("顾倩", "13700001005", "北京市", "北京市", "东城区", "东直门南大街 1 号来福士中心 12 层", "jd"),
    ("陶然", "13700001006", "广东省", "广州市", "越秀区", "环市东路 371 号世贸中心南塔 18 楼", "tmall"),
    ("方婷", "13700001007", "四川省", "成都市", "武侯区", "人民南路四段 3 号来福士广场 T1", "jd"),
    ("程颖", "13700001008", "湖北省", "武汉市", "武昌区", "中北路 109 号中铁 1818 中心 5 栋", "tmall"),
    ("薛敏", "13700001009", "江苏省", "南京市", "玄武区", "中山路 18 号德基广场二期 21 楼", "jd"),
    ("卢静", "13700001010", "浙江省", "杭州市", "上城区", "解放路 158 号银泰百货写字楼 9 楼", "b2c"),
]
SHOP_PASSWORD = "Demo@2026"


def load(people):
    warehouse = Warehouse.objects.filter(code="hz-main").first()
    channels = {c.code: c for c in Channel.objects.filter(code__in=["tmall", "jd", "b2c"])}
    courier = _free_courier(warehouse)
    variants = _stocked_pair(warehouse)
    if warehouse is None or len(channels) < 3 or courier is None or variants is None:
        return
    p = people
    orders = _delivered_orders(p, warehouse, channels, courier, variants)
    if len(orders) < len(BUYERS):
        return
    _requests(p, orders, variants)
    _shop_demo_customer()
    _before_shipping(p)
    _desk(p, orders)


# -- orders through the warehouse line -----------------------------------------------------


def _free_courier(warehouse):
    """A courier with no open handover sheet and nothing packed waiting, so this demo's
    parcels go out on a sheet of their own."""
    busy = set(Handover.objects.filter(state=Handover.State.OPEN).values_list("courier_id",
                                                                              flat=True))
    busy |= set(Parcel.objects.filter(state__in=["packed", "check"]).values_list("courier_id",
                                                                                 flat=True))
    return Courier.objects.filter(active=True).exclude(pk__in=busy).order_by("sort_order",
                                                                             "code").first()


def _in_stock(warehouse, spare):
    return [row.sku for row in Stock.objects.filter(
        warehouse=warehouse, on_hand__gte=F("reserved") + spare, sku__active=True)
        .select_related("sku__product").order_by("sku__product__code", "sku__code")]


def _stocked_pair(warehouse):
    """Two in-stock variants of one product (the exchange swaps one for the other)."""
    if warehouse is None:
        return None
    rows = _in_stock(warehouse, 4)
    by_product = {}
    for sku in rows:
        by_product.setdefault(sku.product_id, []).append(sku)
    pair = next((skus for skus in by_product.values() if len(skus) >= 2), None)
    return pair[:2] if pair else None


def _delivered_orders(p, warehouse, channels, courier, variants):
    stocked = [s for s in _in_stock(warehouse, 3) if s not in variants] or variants[:1]
    made = []
    for n, (name, phone, province, city, district, street, code) in enumerate(BUYERS):
        # The two exchange requests (许佳, 薛敏) swap variants[0] for variants[1].
        sku = variants[0] if n in (1, 8) else stocked[n % len(stocked)]
        customer = None
        if code == "b2c":
            from shopops.storefront.actions.accounts import register_customer

            customer = register_customer(mobile=phone, name=name, password=SHOP_PASSWORD,
                                         channel=channels["b2c"]).customer
        order = create_order(
            actor=None, channel=channels[code], warehouse=warehouse, customer=customer,
            lines=[{"sku": sku, "quantity": 1}], customer_name=name, customer_phone=phone,
            province=province, city=city, district=district, address_detail=street,
            platform_order_no=None if code == "b2c" else f"{'3129' if code == 'tmall' else '2419'}"
                                                          f"{66100200 + n}",
            buyer_nick="" if code == "b2c" else f"{name}_{n:02d}", paid=code != "b2c",
            shipping_fen=0 if n % 2 else 800)
        if customer is not None:
            _pay_in_shop(customer, order)
        made.append(order)
    for order in made:
        review.review_order(actor=p["reviewer"], order=order, courier=courier.name)
    waves = printing.create_waves(actor=p["printer"], warehouse=warehouse, orders=made)
    for wave in waves:
        printing.print_wave(actor=p["printer"], wave=wave, render=False)
        printing.hand_to_picker(actor=p["printer"], wave=wave, picker=p["picker"])
        picking.complete_pick(actor=p["picker"], wave=wave)
    for order in made:
        slip = Slip.objects.filter(order=order, state="active").first()
        result = verifying.start_verify(actor=p["verifier"], code=slip.waybill_no)
        for line in order.lines.select_related("sku"):
            for _ in range(line.quantity):
                result = verifying.scan_item(actor=p["verifier"], session=result.session,
                                             barcode=line.sku.barcode)
        packing.pack_order(actor=p["packer"], order=order, checklist={
            "slip": True, "gift_card": True, "invoice": True, "gift": True})
    sheet = handover.open_handover(actor=p["packer"], courier=courier, warehouse=warehouse,
                                   driver_name=f"{courier.name} 李师傅")
    for waybill in sheet.parcels.values_list("waybill_no", flat=True):
        handover.scan_parcel(actor=p["packer"], handover=sheet, code=waybill)
    handover.close_handover(actor=p["packer"], handover=sheet)
    now = timezone.now()
    for parcel in Parcel.objects.filter(orders__in=made).distinct():
        tracking.record_tracking(actor=p["packer"], parcel=parcel, status="delivered",
                                 at=now, description="已签收，签收人：本人", source="demo")
    return list(Order.objects.filter(pk__in=[o.pk for o in made], state=OrderState.DELIVERED)
                .order_by("pk"))


def _pay_in_shop(customer, order):
    from shopops.storefront.payments import get_provider, receive_notification, start_payment

    payment, _url = start_payment(customer=customer, order=order, provider_code="sandbox")
    receive_notification(provider_code="sandbox",
                         data=get_provider("sandbox").notification(payment, "success"))


# -- requests in every interesting state ---------------------------------------------------


def photo(name, colour, flaw=(200, 200, 200)):
    """A small JPEG standing in for the customer's phone picture."""
    img = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle((140, 60, 340, 320), outline=(40, 40, 40), width=4)
    draw.line((170, 200, 300, 240), fill=flaw, width=6)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _open(actor, order, kind, reason, text, refund=True, photos=(), exchange_sku=None):
    line = order.lines.get()
    return requests.open_request(
        actor=actor, order=order, kind=kind, reason=reason, description=text,
        lines=[{"line": line, "quantity": 1, "exchange_sku": exchange_sku}],
        refund_fen=line.unit_price_fen if refund else 0, photos=list(photos))


def _refund_whole(actor, order, reason, text):
    """仅退款 of a whole unshipped order: every line, everything paid (shipping too)."""
    lines = list(order.lines.all())
    return requests.open_request(
        actor=actor, order=order, kind="refund", reason=reason, description=text,
        lines=[{"line": x, "quantity": x.quantity} for x in lines],
        refund_fen=refund_cap_fen(order, [(x, x.quantity) for x in lines]))


def _me(order):
    return customer_actor(order.customer) if order.customer_id else None


def _requests(p, orders, variants):
    agent, desk = p["aftersale_cs"], p["returns_receiver"]
    yto = Courier.objects.filter(code="yto").first()
    (shop_a, tm_b, tm_c, shop_d, jd_e, tm_f, jd_g, tm_h, jd_i, shop_j) = orders

    # A: returned and refunded through the shop's payment provider.
    me = _me(shop_a)
    a = _open(me, shop_a, "return", "quality", "裙摆内侧有一处抽丝，洗前就有，拍了照片。",
              photos=[photo("抽丝近照.jpg", (122, 30, 52)), photo("整体.jpg", (122, 30, 52))])
    handling.approve_request(actor=agent, request=a, note="非常抱歉，运费险会补偿寄回运费")
    requests.enter_return_waybill(actor=me, request=a, courier="圆通速递",
                                  waybill_no="YT3108816601")
    receiving.register_parcel(actor=desk, waybill_no="YT3108816601", courier=yto,
                              sender_name="林晓", sender_phone="13700001001", decision="signed")
    inspection.inspect_request(actor=desk, request=a, note="抽丝可修复，整烫后二次销售", lines=[
        {"line": a.lines.get(), "condition": "good", "plan": "restock"}])
    refunds.pay_refund(actor=agent, request=a)
    suggested = liability.suggestion(a)
    liability.assess_liability(actor=p["cs_supervisor"], request=a, shares=suggested["shares"],
                               basis="面料抽丝属于质量问题，按合同第五条由品牌商承担")

    # B: a size exchange, quality-checked twice, the replacement in the warehouse line.
    b = _open(agent, tm_b, "exchange", "size",
              f"旺旺：{variants[0].spec_label} 不合身，想换 {variants[1].spec_label}，吊牌未拆。",
              refund=False, exchange_sku=variants[1])
    handling.approve_request(actor=agent, request=b, note="请保留吊牌寄回")
    _returned(b, agent, desk, "YT3108816602", "许佳", "13700001002", yto)
    inspection.inspect_request(actor=desk, request=b, lines=[
        {"line": b.lines.get(), "condition": "good", "plan": "restock"}])
    inspection.check_exchange(actor=desk, request=b, passed=False, note="第一件领口有线头，换一件")
    inspection.check_exchange(actor=desk, request=b, passed=True, note="第二件外观、走线检测合格")

    # C: arrived with a crushed box; liability split courier / supplier.
    c = _open(agent, tm_c, "return", "damaged", "买家反映收到时外箱压扁，裙子有压痕。",
              photos=[photo("压痕.jpg", (30, 60, 120))])
    handling.approve_request(actor=agent, request=c)
    requests.enter_return_waybill(actor=agent, request=c, courier="圆通速递",
                                  waybill_no="YT3108816603")
    receiving.register_parcel(actor=desk, waybill_no="YT3108816603", courier=yto,
                              sender_name="蒋雯", sender_phone="13700001003", decision="signed",
                              packaging="damaged", packaging_note="外箱右上角压塌，胶带完好",
                              photos=[photo("外箱.jpg", (170, 140, 100), (90, 60, 30))])
    shares = liability.suggestion(c)["shares"]
    liability.assess_liability(actor=p["cs_supervisor"], request=c, shares=shares,
                               basis="外包装破损，压痕在破损处：快递与品牌商各半（合同第五条）")

    # D: on its way back.
    me = _me(shop_d)
    d = _open(me, shop_d, "return", "changed_mind", "颜色和图片有色差，不太喜欢，吊牌都在。")
    handling.approve_request(actor=agent, request=d)
    requests.enter_return_waybill(actor=me, request=d, courier="中通快递", waybill_no="ZT7710452208")

    # E: waiting, with a dispute on the platform.
    e = _open(agent, jd_e, "return", "not_as_described", "京东买家称面料不是真丝，已在平台发起维权。",
              photos=[photo("面料.jpg", (220, 210, 190))])
    handling.set_dispute(actor=agent, request=e, note="京东维权：要求退货并赔偿，已提交面料检测报告，等待平台介入")

    # F: waiting 30 hours — the scheduler escalates it.
    f = _open(agent, tm_f, "return", "size", "尺码偏大一号，想退。")
    _backdate(f, hours=30)

    # G: approved 8 days ago, never shipped — the scheduler closes it.
    g = _open(agent, jd_g, "return", "changed_mind", "不想要了。")
    handling.approve_request(actor=agent, request=g)
    _backdate(g, hours=8 * 24 + 2)

    # H: rejected; I: withdrawn by the customer.
    h = _open(agent, tm_h, "return", "changed_mind", "买家说不喜欢，但照片显示吊牌已剪、有穿着痕迹。")
    handling.reject_request(actor=agent, request=h, reason="吊牌已剪且有穿着痕迹，不符合七天无理由退货条件")
    i = _open(agent, jd_i, "exchange", "size", f"想换 {variants[1].spec_label}。", refund=False,
              exchange_sku=variants[1])
    requests.cancel_request(actor=agent, request=i, reason="客户来电：试穿后合适，不换了")

    # J: a warranty repair, in repair.
    me = _me(shop_j)
    j = _open(me, shop_j, "repair", "quality", "拉链头脱落，拉不上。", refund=False,
              photos=[photo("拉链.jpg", (20, 20, 20), (230, 200, 40))])
    handling.approve_request(actor=agent, request=j, freight_collect=True,
                             note="保修期内，运费到付")
    requests.enter_return_waybill(actor=me, request=j, courier="顺丰速运", waybill_no="SF1402267719")
    receiving.register_parcel(actor=desk, waybill_no="SF1402267719",
                              courier=Courier.objects.filter(code="sf").first(),
                              sender_name="卢静", sender_phone="13700001010", decision="signed",
                              freight_collect=True, freight_fen=2300)
    inspection.inspect_request(actor=desk, request=j, lines=[
        {"line": j.lines.get(), "condition": "defect", "plan": "repair",
         "note": "拉链头断裂，送修更换"}])


def _shop_demo_customer():
    """The shop demo's first customer (林小雨) asks for an exchange on a delivered order,
    so signing in to the shop shows a request in progress."""
    from shopops.storefront.models import ShopAccount

    account = ShopAccount.objects.filter(login="13800001111").select_related("customer").first()
    if account is None:
        return
    order = (Order.objects.filter(customer=account.customer, state=OrderState.DELIVERED,
                                  after_sales__isnull=True).order_by("pk").first())
    if order is None:
        return
    line = order.lines.select_related("sku__product").order_by("pk").first()
    other = line.sku.product.skus.filter(active=True).exclude(pk=line.sku_id).first()
    if other is None:
        return
    requests.open_request(
        actor=customer_actor(account.customer), order=order, kind="exchange", reason="size",
        description=f"{line.sku.spec_label} 穿着偏紧，想换 {other.spec_label}，吊牌还在。",
        lines=[{"line": line, "quantity": 1, "exchange_sku": other}])


def _returned(request, agent, desk, waybill, name, phone, courier):
    requests.enter_return_waybill(actor=agent, request=request, courier=courier.name,
                                  waybill_no=waybill)
    receiving.register_parcel(actor=desk, waybill_no=waybill, courier=courier, sender_name=name,
                              sender_phone=phone, decision="signed")


def _backdate(request, *, hours):
    """Demo history: the request (and the clock of the step it waits for) started `hours`
    ago, so the scheduler's first tick acts on it as it would have."""
    shift = timedelta(hours=hours)
    row = AfterSale.objects.get(pk=request.pk)
    AfterSale.objects.filter(pk=row.pk).update(
        created_at=row.created_at - shift, due_at=row.due_at - shift,
        decided_at=row.decided_at - shift if row.decided_at else None)
    Deadline.objects.filter(subject_type="aftersales.aftersale", subject_id=str(row.pk),
                            state=Deadline.State.PENDING).update(
        starts_at=F("starts_at") - shift, due_at=F("due_at") - shift)


def _before_shipping(p):
    """Refunds asked before the parcel left, on this morning's orders."""
    agent = p["aftersale_cs"]
    waiting = (Order.objects.filter(state=OrderState.REVIEWED, intercept="",
                                    after_sales__isnull=True).order_by("pk").first())
    if waiting is not None:
        request = _refund_whole(agent, waiting, "wrong_order", "买家旺旺：拍错颜色了，申请退款。")
        handling.approve_request(actor=agent, request=request,
                                 reference="TB20261206REFUND0087" if waiting.channel.code
                                 != "b2c" else "", method="offline" if waiting.channel.code
                                 == "b2c" else "", note="客户拍错，已退款")
    printed = (Order.objects.filter(state=OrderState.PRINTED, intercept="",
                                    after_sales__isnull=True).order_by("pk").first())
    if printed is not None:
        _refund_whole(agent, printed, "slow", "买家来电：等不及了，申请退款。")


# -- the returns desk ------------------------------------------------------------------------


def _desk(p, orders):
    desk = p["returns_receiver"]
    zto = Courier.objects.filter(code="zto").first()
    receiving.register_parcel(actor=desk, waybill_no="ZT7700129988", courier=zto,
                              sender_name="王先生", sender_phone="13511112222",
                              freight_collect=True, freight_fen=1800, decision="refused")
    other = orders[5]  # the Tmall order whose request is waiting: parcel came before approval
    parcel = receiving.register_parcel(
        actor=desk, waybill_no="YD4300887712", courier=Courier.objects.filter(code="yunda")
        .first(), sender_name=other.customer_name, sender_phone=other.customer_phone,
        order_ref=other.number, decision="signed", note="面单写了订单号，先签收转客服")
    receiving.mark_receiving_fault(
        actor=p["warehouse_supervisor"], parcel=parcel, kind="not_passed_on",
        note="登记后没有在群里提醒客服，客服次日才知道包裹已到")
