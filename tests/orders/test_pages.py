"""ORD-1, ORD-4, ORD-6, ORD-7 on the pages: the list with filters and bounded queries, the
order page with amendments (红旗备注) and history, manual intake, amend, hold and cancel."""


from shopops.orders import actions
from shopops.orders.models import Amendment, Order


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_ord1_list_bounded_queries_over_30_orders(hz, dress, shirt, tmall, cs, client_for,
                                                  django_assert_max_num_queries):
    from shopops.inventory import ledger
    from shopops.orders.actions import create_order

    from .conftest import CUSTOMER
    ledger.receive(actor=None, sku=dress, warehouse=hz, quantity=100, reference="test")
    ledger.receive(actor=None, sku=shirt, warehouse=hz, quantity=100, reference="test")
    for i in range(30):
        create_order(actor=cs, channel=tmall, paid=True, platform_order_no=f"T{i}",
                     lines=[{"sku": dress, "quantity": 1}, {"sku": shirt, "quantity": 1},
                            {"sku": dress, "quantity": 2}], **CUSTOMER)
    client = client_for(cs)
    client.get("/orders/")
    with django_assert_max_num_queries(14):
        html = _html(client.get("/orders/"))
    assert html.count('data-state="paid"') == 30


def test_ord1_list_filters_by_state_channel_and_search(new_order, cs, b2c, client_for):
    a = new_order(platform_order_no="3120000000009", customer_name="陈静")
    b = new_order(channel=b2c, customer_name="周敏", customer_phone="13911112222", paid=False)
    client = client_for(cs)
    by_state = _html(client.get("/orders/?state=pending_payment"))
    assert b.number in by_state and a.number not in by_state
    by_channel = _html(client.get(f"/orders/?channel={b2c.pk}"))
    assert b.number in by_channel and a.number not in by_channel
    for q in ("3120000000009", "陈静", a.number):
        html = _html(client.get("/orders/", {"q": q}))
        assert a.number in html and b.number not in html
    html = _html(client.get("/orders/", {"q": "13911112222"}))
    assert b.number in html and a.number not in html


def test_ord4_detail_shows_lines_amounts_amendments_and_history(new_order, cs, dress,
                                                                 client_for):
    order = new_order(lines=[{"sku": dress, "quantity": 2}], shipping_fen=1000,
                      buyer_message="请尽快发货")
    actions.amend_order(actor=cs, order=order, field="address", reason="客户要求修改地址",
                        value={"address_detail": "文一西路 969 号"})
    html = _html(client_for(cs).get(f"/orders/{order.pk}/"))
    assert "P-DRESS-01" in html and "颜色:藏青" in html and "¥199.00" in html
    assert "¥408.00" in html  # 2 × 199 + 10
    assert "红旗备注" in html and "客户要求修改地址" in html and "刘洋" in html
    assert "文一西路 969 号" in html and "请尽快发货" in html
    assert "创建订单" in html and "修改订单（红旗备注）" in html  # event history
    assert "文三路 90 号 3 幢 501" in html  # the original value, in the history


def test_ord1_manual_intake_page_creates_and_reserves(hz, dress, shirt, tmall, cs, client_for):
    client = client_for(cs)
    assert _html(client.get("/orders/new/"))
    response = client.post("/orders/new/", {
        "channel": tmall.pk, "platform_order_no": "998877", "customer_name": "陈静",
        "customer_phone": "13800138000", "province": "浙江省", "city": "杭州市",
        "district": "西湖区", "address_detail": "文三路 90 号",
        "lines": f"{dress.code} 2\n{shirt.barcode} 1 99.50", "shipping": "10", "paid": "on"})
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"
    assert [(x.sku_id, x.quantity, x.unit_price_fen) for x in order.lines.all()] == [
        (dress.pk, 2, 19900), (shirt.pk, 1, 9950)]
    assert order.paid_fen == 2 * 19900 + 9950 + 1000 and order.state == "paid"


def test_ord1_manual_intake_errors_shown_and_nothing_created(hz, dress, tmall, cs,
                                                             client_for):
    client = client_for(cs)
    data = {"channel": tmall.pk, "customer_name": "陈静", "customer_phone": "138",
            "province": "浙江省", "city": "杭州市", "address_detail": "x", "lines": "NOPE 1"}
    response = client.post("/orders/new/", data)
    assert any("找不到商家编码或条码为 NOPE 的商品" in m for m in _messages(response))
    response = client.post("/orders/new/", {**data, "lines": f"{dress.code} 99"})
    assert any("库存不足" in m for m in _messages(response))
    assert Order.objects.count() == 0


def test_ord4_amend_page(new_order, cs, shirt, client_for):
    order = new_order()
    client = client_for(cs)
    assert "法律效力" in _html(client.get(f"/orders/{order.pk}/amend/"))
    response = client.post(f"/orders/{order.pk}/amend/", {
        "field": "sku", "line": order.lines.get().pk, "sku": shirt.code, "reason": "换衬衫"})
    assert response.status_code == 302
    assert order.lines.get().sku == shirt
    response = client.post(f"/orders/{order.pk}/amend/", {
        "field": "courier", "text": "顺丰", "reason": ""})
    assert response.status_code == 200 and Amendment.objects.count() == 1


def test_ord6_ord7_buttons_hold_cancel(new_order, cs, boss, client_for):
    order = new_order()
    cs_page = _html(client_for(cs).get(f"/orders/{order.pk}/"))
    assert 'data-testid="hold-form"' in cs_page and 'data-testid="cancel-form"' not in cs_page
    response = client_for(cs).post(f"/orders/{order.pk}/hold/",
                                   {"reason": "address", "note": "缺门牌号"})
    assert response.status_code == 302
    held = _html(client_for(cs).get(f"/orders/{order.pk}/"))
    assert "地址不完整或有误" in held and "缺门牌号" in held
    assert client_for(cs).post(f"/orders/{order.pk}/cancel/", {"reason": "x"}).status_code == 403
    response = client_for(boss).post(f"/orders/{order.pk}/cancel/", {"reason": "客户取消"},
                                     follow=True)
    assert "订单已取消，库存占用已释放。" in _messages(response)
    assert Order.objects.get().state == "cancelled"


def test_ord6_cancel_after_print_shows_the_reason(new_order, boss, client_for):
    order = new_order()
    Order.objects.filter(pk=order.pk).update(state="printed")
    response = client_for(boss).post(f"/orders/{order.pk}/cancel/", {"reason": "x"},
                                     follow=True)
    assert any("已登记拦截" in m for m in _messages(response))
    assert Order.objects.get(pk=order.pk).intercept == "cancel"


def test_ord_pages_permissions(new_order, client_for, make_user):
    order = new_order()
    picker = client_for(make_user(roles=["picker"]))
    assert picker.get("/orders/").status_code == 200
    assert picker.get(f"/orders/{order.pk}/").status_code == 200
    assert picker.get("/orders/new/").status_code == 403
    assert picker.get(f"/orders/{order.pk}/amend/").status_code == 403
    designer = client_for(make_user(roles=["designer"]))
    assert designer.get("/orders/").status_code == 403


def test_ord1_live_table_partial_follows_the_filters(new_order, cs, b2c, client_for):
    """The queue's live refresh fetches only the table, with the page's own filters."""
    new_order(customer_name="陈静")
    new_order(channel=b2c, customer_name="周敏", customer_phone="13911112222", paid=False)
    html = _html(client_for(cs).get("/orders/table/?state=pending_payment"))
    assert 'id="order-table"' in html and 'data-live-topics="orders"' in html
    # Names are masked on staff pages (ROLE-6): 周敏 → 周*.
    assert "周*" in html and "陈*" not in html and "<h1>" not in html
    page = _html(client_for(cs).get("/orders/"))
    assert 'data-live-url="/orders/table/"' in page and "live.js" in page


def test_ord2_ord3_order_page_shows_its_deadlines(new_order, cs, client_for):
    """The order page lists the order's deadlines with owner, due time and state."""
    order = new_order()  # paid: ORD-2 contact within 10 minutes is open
    actions.confirm(actor=cs, order=order)  # ORD-2 met, ORD-3 opened
    html = _html(client_for(cs).get(f"/orders/{order.pk}/"))
    assert 'data-testid="order-deadlines"' in html
    assert "ORD-2" in html and "已按时完成" in html
    assert "ORD-3" in html and "24 小时内移交运营跟踪" in html and "进行中" in html


def test_ord6_refund_before_print_holds_for_the_reviewer(new_order, cs, client_for):
    order = new_order()
    response = client_for(cs).post(f"/orders/{order.pk}/refund/", {"reason": "拍错尺码"},
                                   follow=True)
    assert any("已登记退款" in m for m in _messages(response))
    order.refresh_from_db()
    assert order.state == "on_hold" and order.hold_reason == "refund"
    assert order.hold_note == "拍错尺码"
    html = _html(client_for(cs).get(f"/orders/{order.pk}/"))
    assert "有退款申请" in html and 'data-testid="refund-form"' not in html


def test_ord6_refund_after_print_is_marked_for_interception(new_order, cs, client_for):
    order = new_order()
    Order.objects.filter(pk=order.pk).update(state="picked")
    response = client_for(cs).post(f"/orders/{order.pk}/refund/", {"reason": "客户不要了"},
                                   follow=True)
    assert any("已登记退款拦截" in m for m in _messages(response))
    order.refresh_from_db()
    assert order.state == "picked" and order.intercept == "refund"
    html = _html(client_for(cs).get(f"/orders/{order.pk}/"))
    assert 'data-testid="intercept"' in html and "该订单有退款" in html


def test_ord6_refund_refused_after_shipping_and_without_reason(new_order, cs, client_for):
    order = new_order()
    response = client_for(cs).post(f"/orders/{order.pk}/refund/", {"reason": ""}, follow=True)
    assert any("请填写原因" in m for m in _messages(response))
    Order.objects.filter(pk=order.pk).update(state="shipped")
    response = client_for(cs).post(f"/orders/{order.pk}/refund/", {"reason": "x"}, follow=True)
    assert any("请走售后流程" in m for m in _messages(response))
    assert Order.objects.get(pk=order.pk).intercept == ""


def test_ord7_history_stays_chinese_when_the_actor_reads_english(new_order, cs, client_for):
    """What is stored (the event log, the order's history) is in the department's
    language, whoever acted and whatever language they read."""
    from django.conf import settings

    from shopops.core.models import Event

    order = new_order()
    client = client_for(cs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(f"/orders/{order.pk}/hold/", {"reason": "address", "note": "缺门牌号"})
    event = Event.objects.get(verb="order.held")
    assert event.summary == f"{order.number} 异常挂起：地址不完整或有误（缺门牌号）"
