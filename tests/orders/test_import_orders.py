"""ORD-1: orders imported from platform exports — the Taobao CSV (GB18030 and UTF-8) and the
JD xlsx samples in src/shopops/orders/samples. Matched lines become paid orders with stock
reserved; unmatched lines wait in a queue until staff pick the SKU; duplicates and broken
rows are reported per row and never create an order, not even part of one."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.timezone import localtime

from shopops.core.errors import ConflictError, UserError
from shopops.core.models import Event
from shopops.inventory import ledger
from shopops.inventory.models import Stock
from shopops.orders.actions.imports import confirm_import, resolve_unmatched, start_import
from shopops.orders.models import Order, OrderImport, UnmatchedLine
from tests.factories import channel, make_product

SAMPLES = Path(__file__).resolve().parents[2] / "src/shopops/orders/samples"
TAOBAO = (SAMPLES / "taobao_orders.csv").read_bytes()
JD = (SAMPLES / "jd_orders.xlsx").read_bytes()


def upload(data, name="taobao_orders.csv"):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def skus(hz):
    dress = make_product(title="真丝印花连衣裙", skus=[{"颜色": "藏青"}],
                         price_fen=19900).skus.get()
    shirt = make_product(title="棉麻衬衫", skus=[{"颜色": "白"}], price_fen=12900).skus.get()
    dress.code, shirt.code, shirt.barcode = "TB-DRESS-NV", "TB-SHIRT-WH", "6920000000017"
    dress.save()
    shirt.save()
    for sku in (dress, shirt):
        ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=20, reference="test:setup")
    return {"dress": dress, "shirt": shirt}


@pytest.fixture
def jd(db):
    return channel("jd")


def _reserved(sku, hz):
    return Stock.objects.get(sku=sku, warehouse=hz).reserved


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_ord1_taobao_preview_lists_every_problem_row_and_creates_nothing(
        encoding, skus, tmall, cs):
    data = TAOBAO.decode("gb18030").encode(encoding)
    job = start_import(actor=cs, channel=tmall, upload=upload(data))
    assert job.state == "preview" and job.platform == "taobao"
    assert job.summary["counts"] == {"ready": 3, "unmatched": 1, "duplicate": 0, "error": 1}
    problems = {(p["row"], p["order_no"]): p["message"] for p in job.errors}
    assert problems[(5, "3120456789012345680")].startswith("未匹配SKU（商家编码 KS-CARD-MW-L")
    assert problems[(7, "3120456789012345681")] == "数量必须是正整数：两件"
    assert problems[(6, "3120456789012345681")] == "同一订单的其他行有错误，整单不导入"
    assert len(job.errors) == 3
    assert Order.objects.count() == 0 and UnmatchedLine.objects.count() == 0


def test_ord1_taobao_confirm_creates_paid_orders_with_reservations(skus, tmall, cs, hz):
    job = start_import(actor=cs, channel=tmall, upload=upload(TAOBAO))
    job = confirm_import(actor=cs, job=job)
    assert job.state == "done"
    assert job.summary["applied"] == {"created": 3, "queued": 1, "duplicate": 0, "failed": 0}
    first = Order.objects.get(platform_order_no="3120456789012345678")
    assert first.state == "paid" and first.channel == tmall
    assert (first.customer_name, first.customer_phone) == ("陈静", "13800138000")
    assert (first.province, first.city, first.district, first.address_detail) == (
        "浙江省", "杭州市", "西湖区", "文三路 90 号 3 幢 501")
    assert first.buyer_nick == "小鹿爱吃草" and first.buyer_message == "请尽快发货，谢谢"
    assert first.paid_fen == 19900 and localtime(first.paid_at).strftime("%F %T") == "2026-11-11 00:01:45"
    two = Order.objects.get(platform_order_no="3120456789012345679")
    assert [(x.sku.code, x.quantity) for x in two.lines.all()] == [
        ("TB-SHIRT-WH", 1), ("TB-DRESS-NV", 1)]  # the shirt matched by its title
    assert two.paid_fen == 31800 and two.seller_remark == "送运费险"
    assert all(x.reservation.state == "active" for x in two.lines.all())
    unpaid = Order.objects.get(platform_order_no="3120456789012345682")
    assert unpaid.state == "pending_payment" and unpaid.paid_at is None  # matched by barcode
    assert _reserved(skus["dress"], hz) == 2 and _reserved(skus["shirt"], hz) == 2
    assert not Order.objects.filter(platform_order_no="3120456789012345681").exists()
    assert Event.objects.filter(verb="order.paid").count() == 2
    assert Event.objects.filter(verb="orders.import_applied").count() == 1


def test_ord1_reimport_reports_every_order_as_duplicate_and_creates_nothing(skus, tmall, cs):
    confirm_import(actor=cs, job=start_import(actor=cs, channel=tmall, upload=upload(TAOBAO)))
    before = (Order.objects.count(), UnmatchedLine.objects.count())
    again = start_import(actor=cs, channel=tmall, upload=upload(TAOBAO))
    assert again.summary["counts"] == {"ready": 0, "unmatched": 0, "duplicate": 4, "error": 1}
    dupes = [p for p in again.errors if p["message"] == "重复订单"]
    assert [p["row"] for p in dupes] == [2, 3, 4, 5, 8]
    confirm_import(actor=cs, job=again)
    assert (Order.objects.count(), UnmatchedLine.objects.count()) == before


def test_ord1_duplicate_found_at_confirm_is_skipped(skus, tmall, cs):
    first = start_import(actor=cs, channel=tmall, upload=upload(TAOBAO))
    second = start_import(actor=cs, channel=tmall, upload=upload(TAOBAO))
    confirm_import(actor=cs, job=first)
    second = confirm_import(actor=cs, job=second)
    assert second.summary["applied"] == {"created": 0, "queued": 0, "duplicate": 4, "failed": 0}
    assert Order.objects.filter(platform_order_no="3120456789012345678").count() == 1


def test_ord1_confirm_twice_is_refused(skus, tmall, cs):
    job = start_import(actor=cs, channel=tmall, upload=upload(TAOBAO))
    confirm_import(actor=cs, job=job)
    with pytest.raises(ConflictError):
        confirm_import(actor=cs, job=OrderImport.objects.get(pk=job.pk))
    assert Order.objects.count() == 3


def test_ord1_stock_shortage_fails_that_order_only(skus, tmall, cs, hz):
    ledger.issue(actor=None, sku=skus["shirt"], warehouse=hz, quantity=20, reference="test")
    job = confirm_import(actor=cs, job=start_import(actor=cs, channel=tmall,
                                                    upload=upload(TAOBAO)))
    assert job.summary["applied"] == {"created": 1, "queued": 1, "duplicate": 0, "failed": 2}
    assert job.summary["failures"][0]["message"].startswith("库存不足")
    assert list(Order.objects.values_list("platform_order_no", flat=True)) == [
        "3120456789012345678"]
    assert _reserved(skus["dress"], hz) == 1  # the failed two-line order reserved nothing


def test_ord1_jd_xlsx_matched_and_unmatched_then_resolved(skus, jd, cs, hz):
    job = start_import(actor=cs, channel=jd, upload=upload(JD, "jd_orders.xlsx"))
    assert job.platform == "jd"
    assert job.summary["counts"] == {"ready": 1, "unmatched": 1, "duplicate": 0, "error": 0}
    confirm_import(actor=cs, job=job)
    order = Order.objects.get(platform_order_no="280012345678")
    assert order.state == "paid" and order.channel == jd
    assert (order.province, order.city, order.district) == ("上海", "上海市", "浦东新区")
    assert order.seller_remark == "周末送货" and order.paid_fen == 12900
    line = UnmatchedLine.objects.get()
    assert (line.platform_order_no, line.row_number, line.title, line.state) == (
        "280012345679", 3, "天丝刺绣床品四件套 1.8m", "open")
    assert line.raw["商品ID"] == "100099999"
    bedding = make_product(title="天丝刺绣床品四件套", skus=[{"尺寸": "1.8m"}],
                           price_fen=39900).skus.get()
    ledger.receive(actor=None, sku=bedding, warehouse=hz, quantity=3, reference="test")
    created = resolve_unmatched(actor=cs, line=line, sku=bedding)
    assert created.state == "paid" and created.platform_order_no == "280012345679"
    assert created.customer_name == "吴磊" and created.lines.get().sku == bedding
    assert _reserved(bedding, hz) == 1
    line.refresh_from_db()
    assert (line.state, line.order, line.resolved_by) == ("resolved", created, cs)
    with pytest.raises(ConflictError):
        resolve_unmatched(actor=cs, line=line, sku=bedding)
    assert Order.objects.filter(platform_order_no="280012345679").count() == 1


def test_ord1_unmatched_taobao_line_resolved_creates_the_order(skus, tmall, cs, hz):
    confirm_import(actor=cs, job=start_import(actor=cs, channel=tmall, upload=upload(TAOBAO)))
    line = UnmatchedLine.objects.get(platform_order_no="3120456789012345680")
    order = resolve_unmatched(actor=cs, line=line, sku=skus["dress"])
    assert order.state == "paid" and order.shipping_fen == 1000 and order.paid_fen == 25900
    assert order.lines.get().title == "羊毛针织开衫 米白 L"


def test_ord1_import_refuses_a_non_platform_channel_and_unknown_files(b2c, tmall, cs):
    with pytest.raises(UserError, match="淘宝/天猫或京东"):
        start_import(actor=cs, channel=b2c, upload=upload(TAOBAO))
    with pytest.raises(UserError, match="无法识别的订单导出格式"):
        start_import(actor=cs, channel=tmall, upload=upload("名称,数量\n衬衫,1\n".encode()))
    assert OrderImport.objects.count() == 0


def test_ord1_import_needs_orders_create(make_user, tmall):
    picker = make_user(roles=["picker"])
    with pytest.raises(UserError):
        start_import(actor=picker, channel=tmall, upload=upload(TAOBAO))


def test_ord1_closed_orders_and_unreadable_addresses_are_reported_per_row(skus, tmall, cs):
    csv = ("订单编号,收货人姓名,收货地址,联系手机,宝贝标题,宝贝总数量,商家编码,订单状态,买家应付货款,"
           "订单付款时间\n"
           "T1,陈静,火星 某处,13800138000,x,1,TB-DRESS-NV,买家已付款，等待卖家发货,1,\n"
           "T2,陈静,浙江省 杭州市 西湖区 文三路 1 号,13800138000,x,1,TB-DRESS-NV,交易关闭,1,\n"
           "T3,陈静,浙江省 杭州市 西湖区 文三路 1 号,13800138000,x,2,TB-DRESS-NV,"
           "买家已付款，等待卖家发货,1.x,\n"
           "T4,陈静,浙江省 杭州市 西湖区 文三路 1 号,13800138000,x,2,TB-DRESS-NV,"
           "买家已付款，等待卖家发货,358.00,2026/11/11 10:00\n")
    job = start_import(actor=cs, channel=tmall, upload=upload(csv.encode("gb18030")))
    assert [(p["row"], p["message"]) for p in job.errors] == [
        (2, "收货地址无法识别省市：火星 某处"), (3, "订单状态为“交易关闭”，不导入"),
        (4, "货款金额不正确：1.x")]
    confirm_import(actor=cs, job=job)
    order = Order.objects.get()
    assert order.platform_order_no == "T4" and order.state == "paid"
    assert [(x.quantity, x.unit_price_fen) for x in order.lines.all()] == [(2, 17900)]


def test_ord1_unmatched_order_can_be_discarded_whole(skus, tmall, cs):
    """A queued platform order that will never be sold here is given up with a reason:
    all its open lines leave the queue and no order is created."""
    from shopops.orders.actions.imports import discard_unmatched

    confirm_import(actor=cs, job=start_import(actor=cs, channel=tmall, upload=upload(TAOBAO)))
    line = UnmatchedLine.objects.get(platform_order_no="3120456789012345680")
    with pytest.raises(UserError, match="请填写放弃原因"):
        discard_unmatched(actor=cs, line=line, reason=" ")
    assert discard_unmatched(actor=cs, line=line, reason="买家已在平台取消") == 1
    line.refresh_from_db()
    assert (line.state, line.discard_reason) == ("discarded", "买家已在平台取消")
    assert not Order.objects.filter(platform_order_no="3120456789012345680").exists()
    with pytest.raises(ConflictError):
        resolve_unmatched(actor=cs, line=line, sku=skus["dress"])
    assert Event.objects.filter(verb="orders.unmatched_discarded").count() == 1
