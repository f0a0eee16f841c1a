"""Demo ORD-1 import: the morning's Tmall 订单报表 as the seller centre exports it (GB18030
CSV), uploaded and confirmed by the pre-sales clerk: five orders match the catalog and are
created paid, one line with an unknown 商家编码 waits in the unmatched queue, and a row
repeating an order already imported is reported as a duplicate. Called by ops.demo after
the orders demo (people: username → User)."""

import csv
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from shopops.catalog.models import Channel
from shopops.inventory.models import Stock

from .actions.imports import confirm_import, start_import

HEADERS = ["订单编号", "买家会员名", "买家应付货款", "买家实际支付金额", "邮费", "订单状态", "收货人姓名",
           "收货地址", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝总数量", "买家留言",
           "商家备注", "商家编码"]
BUYERS = [
    ("小鹿爱吃草", "陈晓雯", "浙江省 杭州市 拱墅区 莫干山路 1418 号 2 幢 302(310011)", "13857112345", "请尽快发货"),
    ("江南小雨", "李娜", "江苏省 苏州市 姑苏区 人民路 1188 号(215005)", "13912345678", ""),
    ("米粒妈妈", "王芳", "广东省 深圳市 南山区 科技园南路 1 号(518057)", "13700137000", "要顺丰"),
    ("阿杰在路上", "周杰", "四川省 成都市 武侯区 人民南路四段 12 号(610041)", "13608001234", ""),
    ("晴天的猫", "吴霞", "湖北省 武汉市 洪山区 珞喻路 1037 号(430074)", "13507101234", "生日礼物，不要放价格单"),
]
WAITING = "买家已付款，等待卖家发货"


def export_csv(skus, now) -> bytes:
    rows = []
    for n, (nick, name, address, phone, message) in enumerate(BUYERS):
        sku = skus[n % len(skus)]
        price = sku.price_fen / 100
        at = now - timedelta(minutes=90 - n * 11)
        rows.append([f"3120{now:%m%d}{n:011d}", nick, f"{price:.2f}", f"{price:.2f}", "0.00",
                     WAITING, name, address, phone, f"{at:%Y-%m-%d %H:%M:%S}",
                     f"{at + timedelta(seconds=40):%Y-%m-%d %H:%M:%S}",
                     f"{sku.product.title} {sku.spec_label}".strip(), "1", message, "",
                     sku.code])
    # A product the shop listed on Tmall but never entered here: the unmatched queue.
    rows.append([f"3120{now:%m%d}{99:011d}", "豆豆龙", "89.00", "89.00", "0.00", WAITING, "赵敏",
                 "北京市 北京市 朝阳区 建国路 93 号万达广场 6 号楼 1506(100022)", "13344445555",
                 f"{now - timedelta(minutes=20):%Y-%m-%d %H:%M:%S}",
                 f"{now - timedelta(minutes=19):%Y-%m-%d %H:%M:%S}", "真丝发圈 三件套 礼盒装",
                 "1", "", "", "TM-HAIR-SET3"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("gb18030")


def load(people):
    tmall = Channel.objects.filter(code="tmall").first()
    stocks = list(Stock.objects.filter(warehouse__code="hz-main", on_hand__gte=F("reserved") + 10)
                  .select_related("sku__product").order_by("-on_hand", "sku__code")[:5])
    if tmall is None or len(stocks) < 3:
        return
    clerk = people["presale_cs"]
    data = export_csv([s.sku for s in stocks], timezone.localtime())
    job = start_import(actor=clerk, channel=tmall,
                       upload=SimpleUploadedFile("天猫订单报表.csv", data))
    confirm_import(actor=clerk, job=job)
    # The same report downloaded again an hour later: every order is a duplicate.
    start_import(actor=clerk, channel=tmall, upload=SimpleUploadedFile("天猫订单报表(1).csv", data))
