"""Demo orders: 15 orders from the B2C site, Tmall and JD in the states a shift sees —
waiting for payment, paid, confirmed, on hold with a reason, out of stock, cancelled (stock
released) and one with an address amendment (红旗备注). Everything through the order
actions, as the person whose post does it. Called by ops.demo after the catalog and
inventory demos (people: username → User)."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from shopops.catalog.models import Channel
from shopops.inventory.models import Stock, Warehouse

from . import actions
from .states import HoldReason

CUSTOMERS = [
    ("陈静", "13800138001", "浙江省", "杭州市", "西湖区", "文三路 90 号东部软件园 3 幢 501"),
    ("李婷", "13912345678", "上海市", "上海市", "浦东新区", "张杨路 500 号时代广场 12 楼"),
    ("王芳", "13711112222", "江苏省", "南京市", "鼓楼区", "中山北路 28 号江苏商厦 8 楼"),
    ("张丽", "13622223333", "广东省", "广州市", "天河区", "天河路 385 号太古汇一座 22 楼"),
    ("刘娜", "13533334444", "北京市", "北京市", "朝阳区", "建国路 93 号万达广场 6 号楼 1506"),
    ("赵敏", "13344445555", "四川省", "成都市", "锦江区", "红星路三段 1 号国际金融中心 2 号楼"),
    ("孙悦", "13255556666", "湖北省", "武汉市", "江汉区", "解放大道 690 号武汉国际广场"),
    ("周洁", "13166667777", "浙江省", "宁波市", "鄞州区", "天童南路 588 号宁波文化广场"),
]
# channel, platform no. prefix, buyer message
CHANNELS = [("tmall", "31205", "请发顺丰，谢谢"), ("jd", "2412", ""), ("b2c", "", "生日礼物，请不要放发票"),
            ("tmall", "31206", ""), ("jd", "2413", "工作日白天送货")]


def _stocked(warehouse):
    return list(Stock.objects.filter(warehouse=warehouse, on_hand__gte=F("reserved") + 5)
                .select_related("sku__product").order_by("sku__code"))


def load(people):
    warehouse = Warehouse.objects.filter(code="hz-main").first()
    stocks = _stocked(warehouse) if warehouse else []
    channels = {c.code: c for c in Channel.objects.filter(code__in=["tmall", "jd", "b2c"])}
    if len(stocks) < 4 or len(channels) < 3:
        return
    cs, boss = people["presale_cs"], people["cs_supervisor"]
    now = timezone.now()
    orders = []
    for n in range(15):
        code, prefix, message = CHANNELS[n % len(CHANNELS)]
        name, phone, province, city, district, detail = CUSTOMERS[n % len(CUSTOMERS)]
        lines = [{"sku": stocks[(n * 3) % len(stocks)].sku, "quantity": 1 + n % 2}]
        if n % 3 == 0:
            lines.append({"sku": stocks[(n * 3 + 1) % len(stocks)].sku, "quantity": 1})
        orders.append(actions.create_order(
            actor=None if prefix else cs, channel=channels[code], lines=lines,
            platform_order_no=f"{prefix}{8800120 + n}" if prefix else None, warehouse=warehouse,
            customer_name=name, customer_phone=phone, province=province, city=city,
            district=district, address_detail=detail, buyer_message=message,
            buyer_nick=f"{name[0]}小姐_{n:02d}" if prefix else "", shipping_fen=0 if n % 2 else 1000,
            paid=n not in (0, 1), created_at=now - timedelta(hours=15 - n)))
    for order in orders[4:11]:
        actions.confirm(actor=cs, order=order)
    actions.hold(actor=cs, order=orders[5], reason=HoldReason.ADDRESS,
                 note="地址缺门牌号，已旺旺联系买家")
    actions.hold(actor=cs, order=orders[6], reason=HoldReason.CUSTOMER_REQUEST,
                 note="客户出差，要求下周一再发")
    actions.mark_out_of_stock(actor=cs, order=orders[11], note="尺码 M 实物短缺，已通知客户")
    actions.cancel(actor=boss, order=orders[12], reason="客户拍错颜色，申请取消")
    actions.cancel(actor=boss, order=orders[1], reason="超时未付款，客户表示不要了")
    actions.amend_order(actor=cs, order=orders[7], field="address", reason="客户要求修改地址",
                        value={"city": "苏州市", "district": "工业园区",
                               "address_detail": "星海街 200 号星海广场 1 幢 808"})
    actions.amend_order(actor=cs, order=orders[8], field="courier", value="顺丰速运",
                        reason="客户愿意补运费改发顺丰")
