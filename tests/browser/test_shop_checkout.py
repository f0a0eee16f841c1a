"""The whole shop in a real browser (ORD-1, INV-2, payments): a new customer registers,
searches 连衣裙, picks colour and size, adds to the cart, checks out and pays in the
sandbox; in a second browser context customer service has the order list open, and the
shop order appears there without a reload."""

from shopops.orders.models import Order
from shopops.storefront.models import Payment
from tests.browser.test_live_queue import ARRIVAL_MS, open_live
from tests.storefront.conftest import listed, shop  # noqa: F401  (fixtures used as they are)


def with_photos(product, designer, colours):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shopops.catalog.actions import media
    from shopops.catalog.demo import product_image

    for n, (name, rgb) in enumerate(colours):
        media.upload_media(actor=designer, product=product, upload=SimpleUploadedFile(
            f"{product.code}-{n}.jpg", product_image(product.title, rgb, caption=name),
            content_type="image/jpeg"))


def test_ord1_new_customer_registers_searches_checks_out_pays_and_cs_sees_it_live(
        new_page, make_user, listed, shop, shot, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    dress = listed("夏季碎花连衣裙", skus=[{"颜色": c, "尺码": s} for c in ("碎花", "藏青")
                                       for s in ("S", "M")], price_fen=25900, stock=8,
                   channel_price=23900)
    with_photos(dress, make_user(roles=["designer"]), [("碎花", (230, 170, 180)),
                                                       ("藏青", (31, 45, 84))])
    listed("真丝长袖衬衫", skus=[{"颜色": "米白"}], category=shop.shirts)
    make_user(roles=["presale_cs"], username="wuqian", display_name="吴倩")
    cs = open_live(new_page, "wuqian", "/orders/", "#order-table")
    shot(cs, "cs-orders-before")

    page = new_page()
    page.goto("/shop/")
    page.get_by_role("link", name="免费注册").click()
    page.fill("input[name=mobile]", "13912345678")
    page.fill("input[name=name]", "陈静")
    page.fill("input[name=password]", "Spring2026")
    page.fill("input[name=password2]", "Spring2026")
    shot(page, "1-register")
    page.get_by_role("button", name="注册").click()
    page.get_by_text("注册成功，欢迎您，陈静！").wait_for()

    page.fill(".shop-search input[name=q]", "连衣裙")
    page.press(".shop-search input[name=q]", "Enter")
    results = page.locator("#results .card")
    results.first.wait_for()
    assert results.locator(".title").all_inner_texts() == ["夏季碎花连衣裙"]
    assert results.locator(".price").all_inner_texts() == ["¥239.00"]
    shot(page, "2-search")
    results.first.click()

    page.locator("fieldset[data-option='颜色'] label", has_text="藏青").click()
    page.locator("fieldset[data-option='尺码'] label", has_text="M").click()
    page.locator("#stock", has_text="有货").wait_for()
    assert page.locator("#price").inner_text() == "¥239.00"
    page.fill("input[name=quantity]", "2")
    shot(page, "3-product")
    page.get_by_test_id("add-to-cart").click()
    page.get_by_text("已加入购物车：夏季碎花连衣裙").wait_for()
    assert page.get_by_test_id("cart-count").inner_text() == "2"

    page.get_by_test_id("cart-link").click()
    assert page.get_by_test_id("cart-total").inner_text() == "¥478.00"
    shot(page, "4-cart")
    page.get_by_test_id("checkout").click()

    # A new customer has no address yet: the checkout asks for one.
    page.fill("input[name=recipient]", "陈静")
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=province]", "浙江省")
    page.fill("input[name=city]", "杭州市")
    page.fill("input[name=district]", "滨江区")
    page.fill("input[name=detail]", "江南大道 3850 号创新大厦 1201 室")
    assert page.get_by_test_id("checkout-total").inner_text() == "¥478.00"
    shot(page, "5-checkout")
    page.get_by_test_id("place-order").click()

    number = page.get_by_test_id("order-number").inner_text()
    order = Order.objects.get(number=number)
    assert (order.customer.name, order.state, order.goods_fen) == ("陈静", "pending_payment",
                                                                   47800)
    assert page.get_by_text("超时订单将自动取消").is_visible()
    shot(page, "6-placed")
    page.get_by_test_id("go-pay").click()
    page.get_by_text("沙箱环境 · 不会真实扣款").wait_for()
    shot(page, "7-sandbox")
    page.get_by_test_id("sandbox-success").click()
    assert page.get_by_test_id("pay-result").inner_text() == "支付成功"
    shot(page, "8-paid")
    order.refresh_from_db()
    assert order.state == "paid"
    assert Payment.objects.get(order=order).outcome == "paid"

    # Customer service's order list, open all along in the other browser, shows the order.
    row = cs.locator("#order-table tr").filter(has_text=number)
    row.wait_for(timeout=ARRIVAL_MS)
    cs.locator("#order-table tr", has_text=number).filter(has_text="已付款").wait_for(
        timeout=ARRIVAL_MS)
    assert "官网商城" in row.inner_text()
    assert cs.evaluate("window.__marker") == 1, "the staff page was reloaded"
    shot(cs, "cs-orders-after")

    page.get_by_role("link", name="查看订单").click()
    assert page.get_by_test_id("order-state").inner_text() == "待发货"
    shot(page, "9-my-order")
    assert dress.skus.count() == 4


def test_shop_pages_render_for_a_returning_customer(new_page, listed, shop, shot):  # noqa: F811
    from shopops.storefront.actions import accounts

    listed("夏季碎花连衣裙")
    accounts.register_customer(mobile="13800001111", name="林小雨", password="Summer2026",
                               channel=shop.channel)
    page = new_page()
    page.goto("/shop/login/")
    page.fill("input[name=mobile]", "13800001111")
    page.fill("input[name=password]", "wrong-one")
    page.locator("form button[type=submit]").click()
    page.get_by_text("手机号或密码不正确").wait_for()
    page.fill("input[name=password]", "Summer2026")
    page.locator("form button[type=submit]").click()
    page.get_by_text("欢迎来到 五步商城，林小雨").wait_for()
    page.goto("/shop/checkout/")
    page.get_by_text("购物车是空的，请先挑选商品再结算。").wait_for()
    shot(page, "empty-cart")
