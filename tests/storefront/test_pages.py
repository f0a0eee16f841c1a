"""The shop's pages as a customer sees them: the home shelf plan, categories, the product
page (SKU choice, per-SKU price and stock words), the cart's quantity changes and stock
problems, my orders (cancel unpaid, confirm receipt, tracking), another customer's order
not found; each list page holds its query count whatever the number of rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.catalog.models import ShelfSlot
from shopops.core.models import Event
from shopops.fulfillment.models import Courier, Parcel, TrackingEvent
from shopops.inventory import ledger
from shopops.inventory.models import Reservation
from shopops.orders.models import Order
from shopops.storefront.actions.cart import add_item, cart_for
from shopops.storefront.actions.checkout import place_order
from tests.storefront.conftest import ADDRESS


def slot(product, *, page="home", section="主推", position=1, category=None, live=True):
    now = timezone.now()
    starts = now - timedelta(days=1) if live else now + timedelta(days=2)
    return ShelfSlot.objects.create(page=page, category=category, section=section,
                                    product=product, position=position, starts_at=starts,
                                    ends_at=starts + timedelta(days=7))


def order_for(account, shop, *skus):
    cart = cart_for(customer=account.customer)
    for sku in skus:
        add_item(cart=cart, sku_id=sku.pk, quantity=1, channel=shop.channel)
    return place_order(customer=account.customer, cart=cart, channel=shop.channel,
                       address=ADDRESS)


def test_cat6_home_follows_the_shelf_plan(client, listed, shop):
    a, b, c = listed("夏季碎花连衣裙"), listed("真丝衬衫"), listed("百褶半身裙")
    hidden = listed("天猫专供款")
    hidden.listings.update(state="delisted")
    slot(b, section="主推", position=2)
    slot(a, section="主推", position=1)
    slot(c, section="新品", position=1)
    slot(hidden, section="主推", position=3)
    slot(c, section="主推", position=4, live=False)
    response = client.get("/shop/")
    sections = [(s.name, [p.title for p in s.products]) for s in response.context["sections"]]
    assert sections == [("主推", ["夏季碎花连衣裙", "真丝衬衫"]), ("新品", ["百褶半身裙"])]
    html = response.content.decode()
    assert "¥199.00" in html and "五步商城" in html


def test_category_page_shelf_first_then_all_products_sorted_and_paged(client, listed, shop,
                                                                      set_setting):
    set_setting("storefront.page_size", 4)
    cheap = listed("纯棉T恤连衣裙", price_fen=9900)
    dear = listed("真丝长裙", price_fen=89900)
    for n in range(4):
        listed(f"碎花连衣裙 {n}")
    slot(dear, page="category", category=shop.dresses, section="本周主推")
    response = client.get(f"/shop/c/{shop.women.pk}/", {"sort": "price"})
    assert response.context["page"].paginator.count == 6
    assert [p.title for p in response.context["page"].object_list][0] == cheap.title
    first = client.get(f"/shop/c/{shop.dresses.pk}/")
    assert [s.name for s in first.context["sections"]] == ["本周主推"]
    assert "真丝长裙" in first.content.decode()
    expensive_first = client.get(f"/shop/c/{shop.dresses.pk}/", {"sort": "-price", "page": 1})
    assert [p.title for p in expensive_first.context["page"].object_list][0] == "真丝长裙"
    assert client.get("/shop/c/987654/").status_code == 404


def test_product_page_sku_choice_prices_and_stock_words(client, listed, shop, set_setting):
    set_setting("storefront.low_stock_units", 3)
    dress = listed("夏季碎花连衣裙", skus=[{"颜色": c, "尺码": s} for c in ("碎花", "藏青")
                                       for s in ("S", "M")], price_fen=25900, stock=10)
    floral_s, floral_m, navy_s, navy_m = dress.skus.order_by("pk")
    from shopops.catalog.models import ChannelPrice

    ChannelPrice.objects.create(sku=navy_m, channel=shop.channel, price_fen=22900)
    ledger.reserve(actor=None, sku=floral_m, warehouse=shop.warehouse, quantity=8,
                   reference="test:others")
    ledger.reserve(actor=None, sku=navy_s, warehouse=shop.warehouse, quantity=10,
                   reference="test:others")
    response = client.get(f"/shop/p/{dress.pk}/")
    skus = {s.pk: (s.shop_price, s.stock.label) for s in response.context["skus"]}
    assert skus == {floral_s.pk: (25900, "有货"), floral_m.pk: (25900, "仅剩 2 件"),
                    navy_s.pk: (25900, "缺货"), navy_m.pk: (22900, "有货")}
    assert response.context["product"].options == [("颜色", ["碎花", "藏青"]),
                                                   ("尺码", ["S", "M"])]
    html = response.content.decode()
    assert "加入购物车" in html and "¥229.00" in html and "仅剩 2 件" in html


def test_cart_quantities_removal_and_stock_problems(shop_client, alice, listed, shop):
    dress = listed("夏季碎花连衣裙", stock=3)
    sku = dress.skus.get()
    client = shop_client(alice)
    client.post("/shop/cart/add/", {"sku": sku.pk, "quantity": 2})
    client.post("/shop/cart/add/", {"sku": sku.pk, "quantity": 2})
    cart = client.get("/shop/cart/").context["cart"]
    assert [(li.quantity, li.problem) for li in cart.lines] == [(4, "库存不足，仅剩 3 件")]
    html = client.get("/shop/cart/").content.decode()
    assert "以下商品有问题，请修改后再结算" in html and "「夏季碎花连衣裙 米白 / M」库存不足，仅剩 3 件" in html
    item = cart.lines[0].item
    client.post(f"/shop/cart/{item.pk}/update/", {"quantity": 3})
    cart = client.get("/shop/cart/").context["cart"]
    assert [(li.quantity, li.problem) for li in cart.lines] == [(3, "")]
    assert cart.total_fen == 3 * 19900
    bad = client.post(f"/shop/cart/{item.pk}/update/", {"quantity": "1000"}, follow=True)
    assert "每个规格最多购买 99 件。" in bad.content.decode()
    client.post(f"/shop/cart/{item.pk}/remove/")
    assert client.get("/shop/cart/").context["cart"].lines == []
    unknown = client.post("/shop/cart/add/", {"sku": 987654, "quantity": 1}, follow=True)
    assert "该商品已下架或规格不存在。" in unknown.content.decode()


def test_my_orders_cancel_an_unpaid_order_gives_the_stock_back(shop_client, alice, dress,
                                                                shop, make_customer):
    order = order_for(alice, shop, dress.skus.first())
    bob = make_customer("张伟")
    assert shop_client(bob).get(f"/shop/orders/{order.pk}/").status_code == 404
    shop_client(bob).post(f"/shop/orders/{order.pk}/cancel/", {"reason": "不想买了"})
    order.refresh_from_db()
    assert order.state == "pending_payment"
    client = shop_client(alice)
    listing = client.get("/shop/orders/", {"tab": "unpaid"}).content.decode()
    assert order.number in listing and "去付款" in listing
    response = client.post(f"/shop/orders/{order.pk}/cancel/", {"reason": "商品选错了"},
                           follow=True)
    assert f"订单 {order.number} 已取消，库存已释放。" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert Reservation.objects.get().state == "released"
    event = Event.objects.get(verb="order.cancelled")
    assert event.summary == f"{order.number} 取消：顾客取消：商品选错了"
    assert event.actor_name == f"顾客 林**（{order.customer.number}）"  # masked (ROLE-6)
    again = client.post(f"/shop/orders/{order.pk}/cancel/", {"reason": "x"}, follow=True)
    assert "不能自行取消" in again.content.decode()


def test_my_order_tracking_and_confirm_receipt(shop_client, alice, dress, shop):
    order = order_for(alice, shop, dress.skus.first())
    Order.objects.filter(pk=order.pk).update(state="shipped", shipped_at=timezone.now(),
                                             paid_at=timezone.now(), paid_fen=19900)
    courier = Courier.objects.get(code="zto")
    parcel = Parcel.objects.create(number="BG1", courier=courier, waybill_no="ZT7700123",
                                   warehouse=shop.warehouse, state="shipped",
                                   shipped_at=timezone.now())
    parcel.orders.add(order)
    now = timezone.now()
    TrackingEvent.objects.create(parcel=parcel, at=now - timedelta(hours=5), status="collected",
                                 location="杭州", description="快件已揽收")
    TrackingEvent.objects.create(parcel=parcel, at=now - timedelta(hours=1), status="in_transit",
                                 location="上海转运中心", description="快件已到达上海转运中心")
    client = shop_client(alice)
    html = client.get(f"/shop/orders/{order.pk}/").content.decode()
    assert "已发货，运输中" in html and "中通快递" in html and "ZT7700123" in html
    assert html.index("快件已到达上海转运中心") < html.index("快件已揽收")
    assert "确认收货" in html
    response = client.post(f"/shop/orders/{order.pk}/confirm/", follow=True)
    assert "已确认收货" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "delivered" and order.delivered_at is not None
    assert Event.objects.get(verb="order.delivered").summary == \
        f"{order.number} 已签收（顾客确认收货）"
    assert "提交评价" in client.get(f"/shop/orders/{order.pk}/").content.decode()


# -- query counts ------------------------------------------------------------------------------


@pytest.fixture
def many(listed, shop, alice):
    def make(n):
        products = [listed(f"夏季碎花连衣裙 {i}", skus=[{"颜色": "碎花", "尺码": s}
                                                  for s in ("S", "M")]) for i in range(n)]
        for i, product in enumerate(products):
            slot(product, section="主推" if i % 2 else "新品", position=i)
            slot(product, page="category", category=shop.dresses, position=i)
        for product in products[:n // 2]:
            order = order_for(alice, shop, product.skus.first())
            Order.objects.filter(pk=order.pk).update(state="delivered")
        return products

    return make


@pytest.mark.parametrize("url", ["/shop/", "/shop/c/{women}/", "/shop/c/{dresses}/",
                                 "/shop/search/?q=夏季连衣裙", "/shop/p/{product}/",
                                 "/shop/orders/", "/shop/cart/"])
def test_shop_pages_hold_their_query_count(shop_client, alice, many, shop, url):
    """2 products (1 ordered), then 12 (6 ordered, 6 in the cart): the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = shop_client(alice)
    counts, products = [], []
    for n in (2, 10):
        products += many(n)
        for product in products[-3:]:
            client.post("/shop/cart/add/", {"sku": product.skus.first().pk, "quantity": 1})
        target = url.format(women=shop.women.pk, dresses=shop.dresses.pk,
                            product=products[0].pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        counts.append(len(queries))
    assert counts[1] == counts[0] <= 16, (url, counts, "\n".join(q["sql"][:250] for q in queries))


def test_staff_payments_page_holds_its_query_count(client_for, make_user, alice, dress, shop,
                                                   django_assert_max_num_queries):
    from shopops.storefront import payments
    from shopops.storefront.payments.sandbox import sandbox

    for _ in range(5):
        order = order_for(alice, shop, dress.skus.first())
        payment, _url = payments.start_payment(customer=alice.customer, order=order,
                                               provider_code="sandbox")
        payments.receive_notification(provider_code="sandbox",
                                      data=sandbox.notification(payment, "success"))
    client = client_for(make_user(roles=["cs_supervisor"]))
    with django_assert_max_num_queries(14):
        response = client.get("/shop/manage/payments/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5


def test_a_fresh_installation_opens_the_shops_channel_on_the_first_visit(client, db):
    from shopops.catalog.models import Channel

    assert not Channel.objects.exists()
    assert client.get("/shop/").status_code == 200
    channel = Channel.objects.get()
    assert (channel.code, channel.name, channel.kind, channel.active) == (
        "b2c", "官网商城", "b2c", True)
    assert Event.objects.get(verb="channel.created").summary == \
        "官网商城开张：系统建立 B2C 销售渠道「官网商城」"
    client.get("/shop/search/", {"q": "连衣裙"})
    assert Channel.objects.count() == 1


def test_a_b2c_channel_staff_made_is_the_shops(client, db):
    from shopops.catalog.models import Channel

    Channel.objects.create(code="tmall", name="天猫旗舰店", kind="taobao")
    web = Channel.objects.create(code="web", name="五步官网", kind="b2c")
    client.get("/shop/")
    assert list(Channel.objects.filter(kind="b2c")) == [web]


def test_category_sorted_by_sales_puts_the_best_seller_first(client, listed, shop, alice):
    quiet, popular = listed("百褶半身裙"), listed("高腰A字半身裙")
    for _ in range(2):
        order_for(alice, shop, popular.skus.get())
    order_for(alice, shop, quiet.skus.get())
    cancelled = order_for(alice, shop, quiet.skus.get())
    Order.objects.filter(pk=cancelled.pk).update(state="cancelled")  # does not count
    response = client.get(f"/shop/c/{shop.dresses.pk}/", {"sort": "sales"})
    assert [p.title for p in response.context["page"].object_list] == ["高腰A字半身裙",
                                                                       "百褶半身裙"]
