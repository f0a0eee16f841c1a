"""FUL-2 documents: the summary sheet, picking slips and courier waybills as PDF in Chinese,
read back with pdfium (text, page size) and zxing (the Code128 barcodes)."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.conf import settings

from shopops.fulfillment.actions.printing import create_waves, print_wave, render_print_run, reprint
from shopops.fulfillment.models import Slip
from shopops.orders.actions import amend_order

MM = 72 / 25.4


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def printed(paid_order, put_in_state, people, hz, dress, shirt):
    def make(*orders_kw, render=True):
        orders = [put_in_state(paid_order(**kw), "reviewed") for kw in orders_kw]
        wave = create_waves(actor=people.printer, warehouse=hz)[0]
        return wave, orders, print_wave(actor=people.printer, wave=wave, render=render)

    return make


def pages(run, kind):
    return pdfium.PdfDocument(Path(settings.MEDIA_ROOT) / run.files[kind])


def text(page):
    return page.get_textpage().get_text_range().replace("\r\n", "\n")


def flat(page):
    """The text without the line breaks the narrow label wraps an address with."""
    return text(page).replace("\n", "")


def barcodes(page):
    return [r.text for r in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]


def test_ful2_waybill_has_chinese_address_size_and_scannable_barcode(printed, dress, shirt):
    wave, (zto, sf), run = printed(
        {"buyer_message": "请周末送"},
        {"courier": "顺丰速运", "customer_name": "王芳", "province": "上海市", "city": "上海市",
         "district": "徐汇区", "address_detail": "漕溪北路 18 号 1203 室",
         "lines": [{"sku": shirt, "quantity": 2}]})
    slips = {s.order_id: s for s in Slip.objects.all()}

    doc = pages(run, "waybills")

    assert len(doc) == 2
    first, second = doc[0], doc[1]
    assert first.get_size() == pytest.approx((76 * MM, 130 * MM), abs=0.01)  # 中通 76×130
    assert second.get_size() == pytest.approx((100 * MM, 180 * MM), abs=0.01)  # 顺丰 100×180
    assert "浙江省 杭州市 西湖区 文三路 90 号 3 幢 501" in flat(first)
    assert zto.number in text(first) and "1/2" in text(first)
    assert "上海市 上海市 徐汇区 漕溪北路 18 号 1203 室" in flat(second)
    assert "王芳" in text(second) and "顺丰速运" in text(second) and sf.number in text(second)
    assert "寄件：杭州主仓" in text(second)
    assert barcodes(first) == [slips[zto.pk].waybill_no]
    assert barcodes(second) == [slips[sf.pk].waybill_no]


def test_ful2_slip_pairs_with_its_waybill_and_shows_what_the_packer_needs(printed):
    wave, (order,), run = printed({"buyer_message": "请周末送", "seller_remark": "送小样",
                                   "invoice_title": "杭州某某科技有限公司"})
    slip = Slip.objects.get(order=order)

    doc = pages(run, "slips")

    assert len(doc) == 1
    page = doc[0]
    assert page.get_size() == pytest.approx((148 * MM, 210 * MM), abs=0.01)  # A5
    content = text(page)
    # The slip goes into the box: the phone masked (ROLE-6); the waybill carries it in full.
    for expected in (order.number, "1/1", wave.number, slip.waybill_no, "中通快递", "陈静",
                     "138****8000", "浙江省 杭州市 西湖区 文三路 90 号 3 幢 501", "A-01-01",
                     "真丝印花连衣裙", "买家留言：请周末送", "商家备注：送小样",
                     "发票抬头：杭州某某科技有限公司"):
        assert expected in content, expected
    assert "原单作废" not in content and "13800138000" not in content
    assert barcodes(page) == [order.number]
    assert "13800138000" in text(pages(run, "waybills")[0])


def test_ful2_summary_sheet_lists_locations_in_walk_order(printed, dress, shirt):
    wave, orders, run = printed({"lines": [{"sku": shirt, "quantity": 1}]},
                                {"lines": [{"sku": dress, "quantity": 2},
                                           {"sku": shirt, "quantity": 1}]})

    doc = pages(run, "summary")

    content = text(doc[0])
    assert doc[0].get_size() == pytest.approx((595.28, 841.89), abs=0.1)  # A4
    assert f"汇总单 波次 {wave.number}" in content
    assert "仓库：杭州主仓" in content and "孙丽" in content
    assert content.index("A-01-01") < content.index("B-02-03")
    assert "P-DRESS-01" in content and "P-SHIRT-01" in content
    assert "合计" in content and "2 个SKU" in content and "2 单" in content
    # shirt: 1 + 1 at B-02-03 for orders at positions 1 and 2, after the dress at A-01-01
    assert content.index("P-SHIRT-01") > content.index("P-DRESS-01")


def test_ful2_reprinted_slip_shows_the_amendment_and_the_copy(printed, people):
    wave, (order,), _run = printed({}, render=False)
    amend_order(actor=people.cs, order=order, field="address", reason="客户要求修改地址",
                value={"address_detail": "古墩路 88 号"})

    run = reprint(actor=people.printer, wave=wave, reason="地址修改")

    content = text(pages(run, "slips")[0])
    assert "第2次打印 — 原单作废" in content
    assert "红旗备注：收货地址：" in content
    assert "文三路 90 号 3 幢 501" in content and "古墩路 88 号" in content
    assert "客户要求修改地址" in content and "刘洋" in content
    assert "地址：浙江省 杭州市 西湖区 古墩路 88 号" in content
    waybill = flat(pages(run, "waybills")[0])
    assert "古墩路 88 号" in waybill


def test_ful2_print_without_render_writes_pdfs_on_demand(printed, people, client_for):
    wave, (order,), run = printed({}, render=False)
    assert run.files == {}

    response = client_for(people.picker).get(f"/fulfillment/print-runs/{run.pk}/waybills.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    run.refresh_from_db()
    assert sorted(run.files) == ["slips", "summary", "waybills"]
    assert client_for(people.picker).get(
        f"/fulfillment/print-runs/{run.pk}/other.pdf").status_code == 404
    assert render_print_run(run) == run.files


def test_ful2_merged_orders_share_one_waybill_page(paid_order, put_in_state, people, hz):
    primary = put_in_state(paid_order(), "reviewed")
    merged = put_in_state(paid_order(), "reviewed", merged_into=primary)
    wave = create_waves(actor=people.printer, warehouse=hz)[0]

    run = print_wave(actor=people.printer, wave=wave)

    waybills, slips = pages(run, "waybills"), pages(run, "slips")
    assert (len(waybills), len(slips)) == (1, 2)
    assert f"合并订单：{merged.number}" in flat(waybills[0])
    assert f"与 {primary.number} 同一包裹" in flat(slips[1])
