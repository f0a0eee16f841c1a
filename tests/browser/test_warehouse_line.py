"""The whole warehouse line in a real browser (issue 4, "done when"): a Taobao order export
(GB18030, the platform's Chinese headers) is imported by customer service, then each post
does its step on its own page — review, print (the PDFs read back: order number, Chinese
address, Code128 barcode), hand to the picker, pick, scan verification with keystrokes like
a keyboard-wedge scanner, packing, the courier handover — and the order ends up 已发货."""

import csv
import io
import re
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.utils import timezone

from shopops.fulfillment.models import Handover, Parcel, Slip
from shopops.inventory.models import Reservation, Stock
from shopops.orders.models import Order
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.fulfillment import conftest as line_fixtures

# The warehouse-line fixtures (tests/fulfillment/conftest.py), used here as they are.
bins = line_fixtures.bins
dress = line_fixtures.dress
hz = line_fixtures.hz
people = line_fixtures.people
shirt = line_fixtures.shirt
tmall = line_fixtures.tmall

TAOBAO_HEADERS = ["订单编号", "买家会员名", "买家应付货款", "买家实际支付金额", "邮费", "订单状态",
                  "收货人姓名", "收货地址", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题",
                  "宝贝总数量", "买家留言", "商家备注", "商家编码"]
PLATFORM_NO = "3120456789099990001"
ADDRESS = "浙江省 杭州市 西湖区 文三路 90 号 3 幢 501"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the live server runs in this process


def taobao_export(dress, shirt) -> bytes:
    """One paid order, two lines (1 × dress, 2 × shirt), as the Taobao seller centre writes
    it: one row per line, order columns repeated, GB18030."""
    now = timezone.localtime()
    created = (now - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S")
    paid = (now - timedelta(minutes=29)).strftime("%Y-%m-%d %H:%M:%S")
    order = [PLATFORM_NO, "小鹿爱吃草", "457.00", "457.00", "0.00", "买家已付款，等待卖家发货",
             "陈静", f"{ADDRESS}(310012)", "'13800138000", created, paid]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TAOBAO_HEADERS)
    writer.writerow([*order, "真丝印花连衣裙 颜色:藏青", "1", "谢谢", "", dress.code])
    writer.writerow([*order, "棉麻衬衫 颜色:白", "2", "谢谢", "", shirt.code])
    return out.getvalue().encode("gb18030")


def submit(page, selector):
    """Click a button that posts a form and wait for the page it leads to (pages with a live
    region keep an EventSource open, so "networkidle" would never come)."""
    with page.expect_navigation(wait_until="load"):
        page.click(selector)


def messages(page) -> str:
    return " ".join(page.locator("ul.messages li").all_inner_texts())


def as_user(new_page, username):
    page = new_page()
    login(page, username, PASSWORD)
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    return page


def fetch_pdf(page, href) -> bytes:
    """Download a PDF link with the browser context's cookies (the person's session)."""
    response = page.request.get(href)
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF")
    return body


def pdf_pages(data: bytes):
    return list(pdfium.PdfDocument(data))


def page_text(pdf_page) -> str:
    return pdf_page.get_textpage().get_text_range().replace("\r\n", "\n")


def test_ful_whole_line_from_a_taobao_import_to_shipping(new_page, people, hz, dress, shirt,
                                                         tmall, shot):
    # -- customer service imports the Taobao export ----------------------------------------
    cs = as_user(new_page, "liuyang")
    cs.goto("/orders/imports/")
    cs.select_option("#channel", value=str(tmall.pk))
    cs.set_input_files("#file", files=[{"name": "淘宝订单导出-双十一.csv", "mimeType": "text/csv",
                                        "buffer": taobao_export(dress, shirt)}])
    shot(cs, "01-import-form")
    submit(cs, "[data-testid=order-import-upload]")
    counts = cs.get_by_test_id("order-import-counts").inner_text()
    assert re.search(r"新建订单\s*1\b", counts), counts
    assert re.search(r"有错误（跳过）\s*0\b", counts), counts
    assert cs.get_by_test_id("order-import-problems").count() == 0
    shot(cs, "02-import-preview")
    submit(cs, "[data-testid=order-import-confirm]")
    applied = cs.get_by_test_id("order-import-applied").inner_text()
    assert re.search(r"已新建订单\s*1\b", applied), applied
    shot(cs, "03-import-done")

    cs.goto(f"/orders/?q={PLATFORM_NO}")
    row = cs.locator("[data-testid=order-list] tbody tr").filter(has_text=PLATFORM_NO)
    assert row.count() == 1
    assert "已付款" in row.inner_text() and "陈*" in row.inner_text()  # masked (ROLE-6)
    number = row.locator("a").first.inner_text().strip()
    order_url = row.locator("a").first.get_attribute("href")
    assert number.startswith("DD"), number
    cs.goto(order_url)
    assert cs.get_by_test_id("order-state").inner_text() == "已付款"
    body = cs.content()
    assert "文三路" not in body and "浙江省 杭州市 西湖区 ****" in body  # masked (ROLE-6)
    cs.get_by_test_id("reveal-pii").click()  # customer service may reveal; it is logged
    cs.get_by_text("完整信息已显示").wait_for()
    body = cs.content()
    assert "文三路 90 号 3 幢 501" in body and "小鹿爱吃草" in body
    shot(cs, "04-order-paid")

    # -- the reviewer runs the review batch ----------------------------------------------
    reviewer = as_user(new_page, "zhaomin")
    reviewer.goto("/fulfillment/review-queue/")
    queue = reviewer.get_by_test_id("review-queue")
    assert queue.locator(f"tr[data-order='{number}']").count() == 1
    shot(reviewer, "05-review-queue")
    submit(reviewer, "[data-testid=review-run] button")
    assert "审单完成：通过 1 单，挂起 0 单" in messages(reviewer)
    assert reviewer.locator(f"[data-testid=review-queue] tr[data-order='{number}']").count() == 0
    reviewer.click("[data-testid=tab-done]")
    reviewer.wait_for_load_state("load")
    done = reviewer.locator(f"[data-testid=review-queue] tr[data-order='{number}']")
    done.wait_for()
    assert "已审单" in done.inner_text() and "赵敏" in done.inner_text()
    assert "中通快递" in done.inner_text()  # the default courier rule
    shot(reviewer, "06-reviewed")

    # -- the printer makes a wave, prints it, checks the PDFs, hands it to the picker -----
    printer = as_user(new_page, "sunli")
    printer.goto("/fulfillment/waves/")
    assert "待建波次的已审单订单：1 单" in printer.get_by_test_id("waiting-count").inner_text()
    submit(printer, "[data-testid=wave-create]")
    assert "已生成 1 个波次" in messages(printer)
    wave_link = printer.locator("[data-testid=wave-row] a").first
    wave_number = wave_link.inner_text().strip()
    assert wave_number.startswith("BC"), wave_number
    with printer.expect_navigation(wait_until="load"):
        wave_link.click()
    wave_url = printer.url
    assert printer.get_by_test_id("wave-state").first.inner_text() == "待打印"
    shot(printer, "07-wave-open")
    submit(printer, "[data-testid=wave-print]")
    assert "已打印 1 单" in messages(printer)
    assert printer.get_by_test_id("wave-state").first.inner_text() == "已打印"
    wave_row = printer.locator(f"[data-testid=wave-order][data-order='{number}']")
    assert "已打单" in wave_row.inner_text() and "中通快递" in wave_row.inner_text()
    waybill = wave_row.get_by_test_id("waybill-no").inner_text().strip()
    assert waybill and waybill != "—"
    summary_rows = printer.get_by_test_id("wave-summary").locator("tbody tr").all_inner_texts()
    assert [r.split()[0] for r in summary_rows] == ["A-01-01", "B-02-03"]  # walk order
    shot(printer, "08-wave-printed")

    run = printer.get_by_test_id("print-run").first
    waybills = pdf_pages(fetch_pdf(printer, run.get_by_test_id("pdf-waybills")
                                   .get_attribute("href")))
    assert len(waybills) == 1
    label = waybills[0]
    label_text = page_text(label)
    assert number in label_text
    assert ADDRESS in label_text.replace("\n", "")
    assert "陈静" in label_text and "中通快递" in label_text
    decoded = zxingcpp.read_barcodes(label.render(scale=3).to_pil())
    assert [(b.format.name, b.text) for b in decoded] == [("Code128", waybill)]
    slips = pdf_pages(fetch_pdf(printer, run.get_by_test_id("pdf-slips").get_attribute("href")))
    slip_text = "".join(page_text(p) for p in slips)
    assert number in slip_text and "谢谢" in slip_text  # the buyer's message for the packer
    sheet = pdf_pages(fetch_pdf(printer, run.get_by_test_id("pdf-summary")
                                .get_attribute("href")))
    sheet_text = "".join(page_text(p) for p in sheet)
    assert dress.code in sheet_text and shirt.code in sheet_text and "A-01-01" in sheet_text

    printer.select_option("#picker", label="周强")
    submit(printer, "[data-testid=wave-hand]")
    assert "已交给备货员 周强" in messages(printer)
    assert printer.get_by_test_id("wave-state").first.inner_text() == "已交备货"
    shot(printer, "09-wave-handed")

    # -- the picker walks the pick list and completes the pick --------------------------------
    picker = as_user(new_page, "zhouqiang")
    picker.goto(wave_url)
    with picker.expect_navigation(wait_until="load"):
        picker.get_by_test_id("pick-list-link").click()
    assert wave_number in picker.locator("h1").inner_text()
    walk = picker.get_by_test_id("pick-row").all_inner_texts()
    assert len(walk) == 2
    assert walk[0].split()[:2] == ["A-01-01", dress.code]
    assert walk[1].split()[:2] == ["B-02-03", shirt.code]
    assert "2" in walk[1].split()
    shot(picker, "10-pick-list")
    submit(picker, "[data-testid=pick-done]")
    assert "配货完成：1 单" in messages(picker)
    assert picker.get_by_test_id("wave-state").first.inner_text() == "已配货"
    shot(picker, "11-picked")

    # -- the verifier scans at the station (a keyboard-wedge scanner types + Enter) ----------
    verifier = as_user(new_page, "zhengjie")
    verifier.goto("/fulfillment/verify-station/")
    station = verifier.get_by_test_id("station-input")
    station.wait_for()
    verifier.wait_for_function("document.activeElement && "
                               "document.activeElement.id === 'station-input'")
    feedback = verifier.get_by_test_id("station-feedback")
    assert "请扫描快递单开始验货" in feedback.inner_text()
    verifier.keyboard.type(waybill)
    verifier.keyboard.press("Enter")
    verifier.wait_for_function(
        "document.querySelector('[data-testid=station-feedback]').textContent"
        ".includes('开始验货：')")
    assert f"开始验货：{number}" in feedback.inner_text()
    assert "0 / 3" in verifier.get_by_test_id("station-order").inner_text()
    shot(verifier, "12-verify-started")
    # The items, scanned one after another as fast as a scanner does: the page queues them.
    for code in (dress.barcode, shirt.barcode, shirt.barcode):
        verifier.keyboard.type(code)
        verifier.keyboard.press("Enter")
    verifier.wait_for_function(
        "document.querySelector('[data-testid=station-feedback]').textContent"
        ".includes('验货完成')", timeout=15_000)
    assert f"验货完成：{number}，共 3 件" in feedback.inner_text()
    assert "ok" in (feedback.get_attribute("class") or "").split()
    recent = verifier.get_by_test_id("station-recent").locator("li")
    assert recent.count() == 4
    assert all("ok" in (c or "") for c in recent.evaluate_all("els => els.map(e => e.className)"))
    assert verifier.locator("[data-station-count]").inner_text() == "1"
    assert "3 / 3" in verifier.get_by_test_id("station-order").inner_text()
    assert verifier.evaluate("document.activeElement.id") == "station-input"
    shot(verifier, "13-verified")

    # -- the packer packs, opens the courier handover, scans the parcel, closes it ------------
    packer = as_user(new_page, "fengtao")
    packer.goto("/fulfillment/pack-station/")
    packer.fill("[data-testid=pack-code]", waybill)
    with packer.expect_navigation(wait_until="load"):
        packer.press("[data-testid=pack-code]", "Enter")
    box = packer.get_by_test_id("pack-box")
    assert number in box.inner_text() and "已验货" in box.inner_text()
    packer.get_by_test_id("check-slip").check()
    estimate = re.search(r"预估\s*(\d+)\s*克", box.inner_text())
    assert estimate, box.inner_text()
    packer.fill("[data-testid=pack-weight]", str(int(estimate.group(1)) + 10))
    shot(packer, "14-pack-form")
    submit(packer, "[data-testid=pack-submit]")
    assert f"已打包：中通快递 {waybill}" in messages(packer)
    shot(packer, "15-packed")

    packer.goto("/fulfillment/handover-list/")
    waiting = packer.get_by_test_id("handover-waiting").inner_text()
    assert "中通快递" in waiting and "杭州主仓" in waiting
    packer.select_option("#courier", label="中通快递")
    packer.select_option("#warehouse", label="杭州主仓")
    packer.fill("#driver", "老王")
    submit(packer, "[data-testid=handover-open] button[type=submit]")
    assert "应交 1 件" in messages(packer)
    assert packer.get_by_test_id("handover-state").inner_text() == "交接中"
    packer.wait_for_function("document.activeElement && "
                             "document.activeElement.id === 'station-input'")
    packer.keyboard.type(waybill)
    packer.keyboard.press("Enter")
    packer.wait_for_function(
        "document.querySelector('[data-testid=station-feedback]').textContent"
        ".includes('已扫描')")
    assert f"已扫描 {waybill}（1/1）" in packer.get_by_test_id("station-feedback").inner_text()
    assert packer.get_by_test_id("handover-scanned").inner_text() == "1"
    shot(packer, "16-handover-scanned")
    submit(packer, "[data-testid=handover-close]")
    assert "交接完成：1 件已发货" in messages(packer)
    assert packer.get_by_test_id("handover-state").inner_text() == "已交接"
    sheet = pdf_pages(fetch_pdf(packer, packer.get_by_test_id("handover-pdf")
                                .get_attribute("href")))
    sheet_text = "".join(page_text(p) for p in sheet)
    assert waybill in sheet_text and "中通快递" in sheet_text
    shot(packer, "17-handover-closed")

    # -- customer service sees the order shipped ------------------------------------------
    cs.goto(order_url)
    assert cs.get_by_test_id("order-state").inner_text() == "已发货"
    assert waybill in cs.content()
    shot(cs, "18-order-shipped")

    order = Order.objects.get(platform_order_no=PLATFORM_NO)
    assert order.number == number and order.state == Order.State.SHIPPED
    assert Slip.objects.get(order=order, state=Slip.State.ACTIVE).waybill_no == waybill
    assert Parcel.objects.get(orders=order).state == Parcel.State.SHIPPED
    assert Handover.objects.get().state == Handover.State.DONE
    stock = {s.sku_id: (s.on_hand, s.reserved) for s in Stock.objects.filter(warehouse=hz)}
    assert stock == {dress.pk: (19, 0), shirt.pk: (18, 0)}
    assert not Reservation.objects.filter(state=Reservation.State.ACTIVE).exists()
