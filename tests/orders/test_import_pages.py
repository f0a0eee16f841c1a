"""ORD-1 pages: upload → preview with every problem row → confirm; the unmatched-lines queue
(bounded queries over 30 lines) where typing a SKU code creates the order."""

from django.core.files.uploadedfile import SimpleUploadedFile

from shopops.orders.models import Order, OrderImport, UnmatchedLine

from .test_import_orders import JD, TAOBAO, jd, skus  # noqa: F401 (fixtures)


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_ord1_upload_preview_and_confirm_pages(skus, tmall, cs, client_for):  # noqa: F811
    client = client_for(cs)
    assert "天猫旗舰店" in _html(client.get("/orders/imports/"))
    response = client.post("/orders/imports/upload/", {
        "channel": tmall.pk, "file": SimpleUploadedFile("淘宝订单.csv", TAOBAO)})
    job = OrderImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/imports/{job.pk}/"
    html = _html(client.get(response["Location"]))
    assert "数量必须是正整数：两件" in html and "同一订单的其他行有错误，整单不导入" in html
    assert "未匹配SKU（商家编码 KS-CARD-MW-L" in html and "确认导入" in html
    assert Order.objects.count() == 0
    response = client.post(f"/orders/imports/{job.pk}/confirm/")
    assert response.status_code == 302 and Order.objects.count() == 3
    html = _html(client.get(f"/orders/imports/{job.pk}/"))
    assert "已新建订单" in html and "去处理未匹配订单行" in html


def test_ord1_upload_error_is_shown_and_nothing_stored(tmall, cs, client_for):
    client = client_for(cs)
    response = client.post("/orders/imports/upload/", {
        "channel": tmall.pk, "file": SimpleUploadedFile("x.csv", "名称,数量\n衬衫,1\n".encode())},
        follow=True)
    assert "无法识别的订单导出格式" in _html(response)
    assert OrderImport.objects.count() == 0


def test_ord1_unmatched_queue_bounded_queries_and_resolve(skus, jd, cs, client_for,  # noqa: F811
                                                          django_assert_max_num_queries):
    payload = {"order_no": "", "lines": [{"sku_id": None, "title": "不存在的商品", "quantity": 1,
                                          "unit_price_fen": None, "row": 2}]}
    for i in range(30):
        UnmatchedLine.objects.create(channel=jd, platform_order_no=f"JD{i}", row_number=i + 2,
                                     title="不存在的商品", quantity=1, reason="没有商家编码",
                                     payload=payload)
    client = client_for(cs)
    client.get("/orders/unmatched/")
    with django_assert_max_num_queries(12):
        html = _html(client.get("/orders/unmatched/"))
    assert html.count("JD2") >= 1 and html.count('name="sku"') == 30
    from .test_import_orders import confirm_import, start_import, upload

    confirm_import(actor=cs, job=start_import(actor=cs, channel=jd, upload=upload(
        JD, "jd.xlsx")))
    line = UnmatchedLine.objects.get(platform_order_no="280012345679")
    response = client.post(f"/orders/unmatched/{line.pk}/resolve/", {"sku": "nope"}, follow=True)
    assert "找不到商家编码或条码为“nope”的SKU" in _html(response)
    response = client.post(f"/orders/unmatched/{line.pk}/resolve/",
                           {"sku": skus["shirt"].barcode}, follow=True)
    order = Order.objects.get(platform_order_no="280012345679")
    assert f"已生成订单 {order.number}" in _html(response)
    assert order.lines.get().sku == skus["shirt"]


def test_ord1_import_pages_refuse_without_orders_create(make_user, client_for):
    client = client_for(make_user(roles=["picker"]))
    assert client.get("/orders/imports/").status_code == 403
    assert client.get("/orders/unmatched/").status_code == 403
