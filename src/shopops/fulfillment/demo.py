"""Demo of the warehouse line (FUL-1…FUL-7): a morning at 杭州主仓 after the 10:00 batch.
Every step through the real actions, as the person of each post, so each of them logs in
to work waiting in their queue and a history behind it:

  审单 马晓燕   the batch passed most orders; holds with their rule and trace (address, remark
              keyword, 香港 address), a merged pair to one recipient; a draft rule set v2
              dry-run against the past days
  打单 朱涛     two waves printed (PDFs on disk), one handed to the picker late, one order
              amended after printing and waiting for its reprint; one wave not printed yet
  备货 赵强     a picked wave with a SKU short for two orders: two transfer requests, both
              unmet (the "discontinued?" question to operations)
  验货 胡静     verified orders, a wrong barcode stopped, a refund intercepted ("该订单有退款")
  打包 林峰     parcels packed, one stopped by the scale for the supervisor; a handover to
              中通 closed (shipped, 交接单 PDF); another courier's sheet opened when it has
              parcels waiting
  物流         tracking on the sandbox adapter: delivered, in transit, one delayed (a task for
              customer service); the day's shipping and sales summary

Called by ops.demo after the orders demos (people: username → User)."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from shopops.catalog.models import Channel
from shopops.inventory.models import Stock, Warehouse
from shopops.orders import actions as orders
from shopops.orders.models import Order

from .actions import (
    handover,
    packing,
    picking,
    printing,
    review,
    review_rulesets,
    summaries,
    tracking,
    transfers,
    verify,
)
from .models import Courier, ReviewRuleSet, Slip

CUSTOMERS = [
    ("黄晓梅", "13858101234", "浙江省", "杭州市", "滨江区", "江南大道 3850 号创新大厦 1201 室"),
    ("陆佳怡", "13916207788", "上海市", "上海市", "徐汇区", "漕溪北路 88 号圣爱大厦 15 楼"),
    ("韩雪", "13701013456", "北京市", "北京市", "海淀区", "中关村大街 27 号中关村大厦 9 层"),
    ("邓丽君", "13922223344", "广东省", "深圳市", "福田区", "深南大道 6008 号特区报业大厦 18 楼"),
    ("曹颖", "13555556666", "湖南省", "长沙市", "岳麓区", "麓谷大道 658 号麓谷信息港 A 座"),
    ("潘婷", "13688889999", "福建省", "厦门市", "思明区", "鹭江道 8 号国际银行大厦 21 楼"),
    ("宋佳", "13377778888", "山东省", "青岛市", "市南区", "香港中路 61 号远洋大厦 B 座 1605"),
    ("唐嫣", "13266665555", "重庆市", "重庆市", "渝中区", "民族路 188 号环球金融中心 33 楼"),
    ("许晴", "13145678901", "江苏省", "苏州市", "工业园区", "苏州大道东 265 号现代传媒广场 2 楼"),
    ("冯琳", "13812344321", "陕西省", "西安市", "雁塔区", "科技路 48 号创业广场 B 座 1101"),
]
MESSAGES = ["", "", "请尽快发货，谢谢", "", "送人的，麻烦包装好一点", "", "", "要顺丰，运费已补"]


def load(people):
    warehouse = Warehouse.objects.filter(code="hz-main").first()
    channels = {c.code: c for c in Channel.objects.filter(code__in=["tmall", "jd", "b2c"])}
    stocks = list(Stock.objects.filter(warehouse=warehouse, on_hand__gte=F("reserved") + 8)
                  .select_related("sku__product").order_by("sku__code")) if warehouse else []
    if warehouse is None or len(stocks) < 6 or len(channels) < 3:
        return
    p = people
    Courier.objects.filter(code="zto").update(adapter="sandbox")  # live tracking in the demo
    _new_orders(p, warehouse, channels, stocks)
    _rules(p)
    review.run_review_batch(actor=p["reviewer"], warehouse=warehouse)
    waves = printing.create_waves(actor=p["printer"], warehouse=warehouse, size=10)
    if len(waves) < 3:
        return
    first, second = waves[0], waves[1]
    for wave in (first, second):
        printing.print_wave(actor=p["printer"], wave=wave)
    printing.hand_to_picker(actor=p["printer"], wave=first, picker=p["picker"])
    _pick(p, first)
    _verify_and_pack(p, first, warehouse)
    _amend_after_print(p, second)
    _discontinued_question(p)
    _summaries()


def _new_orders(p, warehouse, channels, stocks):
    """Thirty paid orders of this morning, as the platforms' APIs deliver them."""
    now = timezone.now()
    codes = ["tmall", "jd", "b2c"]
    for n in range(30):
        name, phone, province, city, district, detail = CUSTOMERS[n % len(CUSTOMERS)]
        # Different buyers with the same first names; only n == 7 is 韩雪 again, whose two
        # orders of today review merges into one parcel.
        phone = f"{phone[:-2]}{(int(phone[-2:]) + n) % 100:02d}"
        if n == 7:
            name, phone, province, city, district, detail = CUSTOMERS[2]
            phone = f"{phone[:-2]}{(int(phone[-2:]) + 2) % 100:02d}"
        lines = [{"sku": stocks[(n * 5) % len(stocks)].sku, "quantity": 1}]
        if n % 4 == 0:
            lines.append({"sku": stocks[(n * 5 + 2) % len(stocks)].sku, "quantity": 1})
        message = MESSAGES[n % len(MESSAGES)]
        if n == 11:
            message = "地址写错了，要改地址，稍后联系客服"
        if n == 17:
            province, city, district, detail = "香港特别行政区", "香港", "湾仔区", "告士打道 138 号"
        if n == 23:
            detail = "1号"
        paid_at = now - timedelta(hours=6, minutes=-n * 9)
        orders.create_order(
            actor=None, channel=channels[codes[n % 3]], lines=lines, warehouse=warehouse,
            platform_order_no=f"{'3121' if n % 3 == 0 else '2415' if n % 3 == 1 else 'B'}"
                              f"{7700500 + n}" if n % 3 != 2 else None,
            customer_name=name, customer_phone=phone, province=province, city=city,
            district=district, address_detail=detail, buyer_message=message,
            buyer_nick=f"{name[0]}{'小姐' if n % 2 else '先生'}_{n:02d}", paid=True,
            paid_at=paid_at, created_at=paid_at - timedelta(minutes=2),
            gift_card_text="生日快乐！愿你每天都开心" if n == 4 else "",
            invoice_title="杭州云栖科技有限公司" if n == 9 else "")


def _rules(p):
    """The manager drafts v2 (a lower amount threshold) and dry-runs it on the past days."""
    active = ReviewRuleSet.objects.filter(state=ReviewRuleSet.State.ACTIVE).first()
    if active is None:
        return
    rules = [dict(r, params=dict(r.get("params", {}))) for r in active.rules]
    for rule in rules:
        if rule["code"] == "amount":
            rule["params"]["max_paid_yuan"] = 300
    draft = review_rulesets.create_rule_set(
        actor=p["manager"], rules=rules, name="大额订单人工复核（草案）", based_on=active,
        note="双十一前：300 元以上订单人工审核")
    now = timezone.now()
    review_rulesets.dry_run(actor=p["manager"], rule_set=draft, since=now - timedelta(days=3),
                            until=now + timedelta(minutes=1))


def _pick(p, wave):
    """The picker walks the first wave; a SKU two of its orders need is short on the shelf
    (two transfer requests, see _discontinued_question)."""
    from collections import defaultdict

    from shopops.orders.models import OrderLine

    by_sku = defaultdict(list)
    for pk, sku in (OrderLine.objects.filter(order__wave_member__wave=wave,
                                             order__state="printed")
                    .order_by("pk").values_list("pk", "sku_id")):
        by_sku[sku].append(pk)
    twice = next((lines for lines in by_sku.values() if len(lines) >= 2), None)
    short = twice[:2] if twice else [max(pk for lines in by_sku.values() for pk in lines)]
    picking.complete_pick(actor=p["picker"], wave=wave, shortages=[
        {"line": pk, "missing": 1, "note": "货架上只剩破损的一件"} for pk in short])


def _verify_and_pack(p, wave, warehouse):
    picked = list(Order.objects.filter(wave_member__wave=wave, state="picked",
                                       merged_into__isnull=True)
                  .prefetch_related("lines__sku", "merged_orders__lines__sku").order_by("pk"))
    if len(picked) < 3:
        return
    refund = picked.pop()  # the customer asks for a refund while the box is being made
    orders.request_refund(actor=p["presale_cs"], order=refund, reason="买家申请退款：不想要了")
    for n, order in enumerate(picked):
        for each in [order, *order.merged_orders.all()]:
            _verify(p, each, wrong_first=(n == 0))
    _verify(p, refund)  # stopped: 该订单有退款
    for n, order in enumerate(picked):
        order.refresh_from_db()
        if order.state != "verified":
            continue
        checklist = {"slip": True, "gift_card": True, "invoice": True, "gift": True}
        estimate = packing.estimate_weight(list(order.lines.select_related("sku")))
        weight = estimate * 2 if n == 1 else estimate + 20  # the scale stops the second box
        packing.pack_order(actor=p["packer"], order=order, checklist=checklist,
                           weight_g=weight)
    zto = Courier.objects.get(code="zto")
    try:
        sheet = handover.open_handover(actor=p["packer"], courier=zto, warehouse=warehouse,
                                       driver_name="中通 王师傅")
    except Exception:  # noqa: BLE001 — no 中通 parcel packed in this demo's data
        return
    for waybill in sheet.parcels.values_list("waybill_no", flat=True):
        handover.scan_parcel(actor=p["packer"], handover=sheet, code=waybill)
    handover.close_handover(actor=p["packer"], handover=sheet)
    tracking.poll_trackers(now=timezone.now() + timedelta(hours=30))
    for courier in Courier.objects.exclude(pk=zto.pk).filter(parcels__state="packed").distinct():
        handover.open_handover(actor=p["packer"], courier=courier, warehouse=warehouse,
                               driver_name="")  # waiting for this courier's pickup
        break


def _verify(p, order, wrong_first=False):
    slip = Slip.objects.filter(order=order, state="active").first()
    result = verify.start_verify(actor=p["verifier"], code=slip.waybill_no if slip
                                 else order.number)
    if not result.ok:
        return
    if wrong_first:
        verify.scan_item(actor=p["verifier"], session=result.session, barcode="6901234567892")
    for line in order.lines.all():
        for _ in range(line.quantity):
            result = verify.scan_item(actor=p["verifier"], session=result.session,
                                      barcode=line.sku.barcode)


def _amend_after_print(p, wave):
    """A customer changes the address of a printed order: the slip must be reprinted."""
    order = Order.objects.filter(wave_member__wave=wave, state="printed").order_by("pk").first()
    if order is not None:
        orders.amend_order(actor=p["presale_cs"], order=order, field="address",
                           reason="客户来电要求改送公司地址",
                           value={"address_detail": "文一西路 969 号阿里巴巴西溪园区 5 号楼"})


def _discontinued_question(p):
    """The short SKU is nowhere to be found: both transfer requests go unmet, two in a row,
    so operations is asked whether it is discontinued."""
    from .models import TransferRequest

    for request in TransferRequest.objects.filter(state="open").order_by("pk"):
        transfers.resolve_transfer(actor=p["warehouse_supervisor"], request=request,
                                   fulfilled=False, note="上海南京路分店也没有这个码，供应商断货")


def _summaries():
    today = timezone.localdate()
    for day in (today - timedelta(days=1), today):
        summaries.generate_summary(period="day", start=day)
    summaries.generate_summary(period="week", start=today - timedelta(days=today.weekday()))
