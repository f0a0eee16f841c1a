"""Product pages (CAT-1): list with search and filters in bounded queries, detail, create and
edit with SKU rows, status changes, who may open what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shopops.catalog.actions import products as actions
from shopops.catalog.models import Listing, Media, Product, Sku
from shopops.core.models import Event
from tests.factories import channel, ean13, make_brand, make_category, make_product

LIST = reverse("catalog:product_list")
SIZES = [{"颜色": "藏青", "尺码": s} for s in ("S", "M", "L")]


def catalog_rows(n, category=None, start=0):
    b2c, tmall = channel("b2c"), channel("tmall")
    products = []
    for i in range(start, start + n):
        product = make_product(title=f"夏季碎花雪纺连衣裙{i:02d}", skus=SIZES, category=category)
        for order in (1, 2):
            Media.objects.create(product=product, kind="image", file=f"products/p{i}_{order}.png",
                                 thumbnail=f"products/thumbs/p{i}_{order}.png",
                                 original_name=f"{order}.png", content_type="image/png",
                                 size_bytes=1000, sort_order=order)
        Listing.objects.create(product=product, channel=b2c, state="listed")
        Listing.objects.create(product=product, channel=tmall, state="delisted",
                               delist_reason="stock_zero")
        products.append(product)
    return products


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_cat1_product_list_queries_do_not_grow_with_rows(client_for, editor,
                                                         django_assert_max_num_queries):
    catalog_rows(3)
    client = client_for(editor)
    client.get(LIST)  # the first request of a session does its own bookkeeping
    few, _ = count_queries(client, LIST)
    catalog_rows(27, start=3)
    many, response = count_queries(client, LIST)
    assert many == few
    with django_assert_max_num_queries(16):
        response = client.get(LIST)
    html = response.content.decode()
    assert html.count('data-testid="product-list"') == 1
    assert "夏季碎花雪纺连衣裙29" in html
    assert html.count("官网商城") == 30 and html.count("天猫旗舰店") == 30
    assert "共 30 个商品" in html
    assert "¥199.00" in html


def test_cat1_product_list_shows_the_first_image_sku_count_and_price_range(client_for, editor):
    product = catalog_rows(1)[0]
    actions.update_product(actor=None, product=product, title="纯棉衬衫")
    Sku.objects.filter(pk=product.skus.order_by("code").first().pk).update(price_fen=15900)
    first = product.media.get(sort_order=1)
    html = client_for(editor).get(LIST).content.decode()
    assert reverse("catalog:media_thumb", args=[first.pk]) in html
    assert "¥159.00 – ¥199.00" in html
    row = html.split("纯棉衬衫")[1]
    assert "<td>3</td>" in row


def test_cat1_list_is_paginated_by_50(client_for, editor):
    for i in range(51):
        make_product(title=f"抱枕{i}")
    client = client_for(editor)
    first = client.get(LIST).content.decode()
    assert "第 1 / 2 页，共 51 个商品" in first
    assert client.get(LIST + "?page=2").content.decode().count("抱枕") == 1


def test_cat1_search_by_chinese_text_and_filters(client_for, editor):
    women = make_category("女装")
    dresses = make_category("连衣裙", parent=women)
    home = make_category("家居")
    brand = make_brand("五步")
    actions.create_product(actor=editor, code="D1", title="夏季碎花雪纺连衣裙", category=dresses,
                           brand=brand, status="active")
    actions.create_product(actor=editor, code="D2", title="法式碎花衬衫", category=women)
    actions.create_product(actor=editor, code="H1", title="碎花床品四件套", category=home)
    client = client_for(editor)

    def titles(query):
        html = client.get(LIST + query).content.decode()
        return [t for t in ("夏季碎花雪纺连衣裙", "法式碎花衬衫", "碎花床品四件套") if t in html]

    assert titles("?q=碎花") == ["夏季碎花雪纺连衣裙", "法式碎花衬衫", "碎花床品四件套"]
    assert titles("?q=碎花 雪纺") == ["夏季碎花雪纺连衣裙"]
    # A category includes its subcategories.
    assert titles(f"?category={women.pk}") == ["夏季碎花雪纺连衣裙", "法式碎花衬衫"]
    assert titles(f"?category={dresses.pk}") == ["夏季碎花雪纺连衣裙"]
    assert titles(f"?brand={brand.pk}") == ["夏季碎花雪纺连衣裙"]
    assert titles("?status=draft") == ["法式碎花衬衫", "碎花床品四件套"]
    assert titles("?q=连衣裙") == ["夏季碎花雪纺连衣裙"]  # category name is searchable too


def test_cat1_scanning_a_barcode_opens_the_product(client_for, editor):
    product = make_product(title="针织开衫")
    sku = product.skus.get()
    actions.update_product(actor=None, product=product, title="羊毛针织开衫")
    client = client_for(editor)
    response = client.get(LIST, {"q": sku.barcode})
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:product_detail", args=[product.pk])
    assert client.get(LIST, {"q": sku.code})["Location"] == response["Location"]
    assert client.get(LIST, {"q": "羊毛"}).status_code == 200


def test_cat1_detail_page_shows_fields_skus_listings_and_history(client_for, editor):
    product = catalog_rows(1)[0]
    actions.update_product(actor=editor, product=product, selling_points="垂坠感好")
    html = client_for(editor).get(reverse("catalog:product_detail", args=[product.pk])).content.decode()
    assert product.title in html and "垂坠感好" in html
    for sku in product.skus.all():
        assert sku.code in html and sku.barcode in html
    assert "尺码：M" in html
    assert "官网商城" in html and "已上架" in html and "已下架" in html
    assert 'data-testid="history"' in html and "修改商品资料" in html


def test_cat8_detail_page_lists_channels_itself_without_the_pricing_panels(
        client_for, editor, monkeypatch):
    from shopops.catalog.views import products as views

    monkeypatch.setattr(views, "PRICING_TAGS", "shopops.catalog.templatetags.not_there")
    product = catalog_rows(1)[0]
    html = client_for(editor).get(reverse("catalog:product_detail", args=[product.pk])).content.decode()
    assert 'data-testid="listings"' in html and "库存为零自动下架" in html


def test_cat1_create_product_page_saves_product_and_sku_rows(client_for, editor):
    category = make_category("衬衫")
    client = client_for(editor)
    assert client.get(reverse("catalog:product_create")).status_code == 200
    data = {"code": "WB-C9", "title": "纯棉条纹衬衫", "category": str(category.pk),
            "skus-TOTAL_FORMS": "3", "skus-INITIAL_FORMS": "0",
            "skus-0-attributes": "颜色=蓝白条; 尺码=M", "skus-0-code": "WB-C9-M",
            "skus-0-barcode": ean13("690000077001"), "skus-0-weight_g": "220",
            "skus-0-cost": "45", "skus-0-price": "129.00",
            "skus-1-attributes": "颜色=蓝白条; 尺码=L", "skus-1-code": "WB-C9-L",
            "skus-1-barcode": ean13("690000077002"), "skus-1-price": "¥139.5"}
    response = client.post(reverse("catalog:product_create"), data)
    product = Product.objects.get(code="WB-C9")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:product_detail", args=[product.pk])
    assert sorted(product.skus.values_list("code", "price_fen", "cost_fen", "weight_g")) == [
        ("WB-C9-L", 13950, 0, 0), ("WB-C9-M", 12900, 4500, 220)]
    assert product.category == category and product.status == "draft"


def test_cat1_bad_barcode_on_the_form_shows_chinese_message_and_saves_nothing(client_for, editor):
    data = {"code": "WB-C8", "title": "衬衫", "skus-TOTAL_FORMS": "1", "skus-INITIAL_FORMS": "0",
            "skus-0-code": "WB-C8-M", "skus-0-barcode": "6901234567891"}
    response = client_for(editor).post(reverse("catalog:product_create"), data)
    assert response.status_code == 200
    assert "条码 6901234567891 校验位错误" in response.content.decode()
    assert not Product.objects.filter(code="WB-C8").exists()


def test_cat1_edit_page_adds_a_row_and_removes_a_sku(client_for, editor):
    product = make_product(status="draft", skus=SIZES)
    client = client_for(editor)
    url = reverse("catalog:product_edit", args=[product.pk])
    page = client.get(url)
    assert page.status_code == 200
    skus = list(product.skus.order_by("code"))
    data = {"code": product.code, "title": product.title,
            "category": str(product.category_id), "brand": str(product.brand_id),
            "skus-TOTAL_FORMS": "3", "skus-INITIAL_FORMS": "3"}
    for i, sku in enumerate(skus):
        data.update({f"skus-{i}-id": str(sku.pk), f"skus-{i}-code": sku.code,
                     f"skus-{i}-barcode": sku.barcode, f"skus-{i}-price": "199.00",
                     f"skus-{i}-cost": "80.00", f"skus-{i}-weight_g": "350",
                     f"skus-{i}-attributes": actions.format_attributes(sku.attributes)})
    more = client.post(url, {**data, "add_row": "1"})
    assert more.status_code == 200
    assert 'name="skus-3-code"' in more.content.decode()
    data.update({"skus-TOTAL_FORMS": "4", "skus-0-remove": "on", "skus-3-code": "NEW-XL",
                 "skus-3-barcode": ean13("690000088001"), "skus-3-attributes": "颜色=藏青; 尺码=XL",
                 "skus-3-price": "219"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert Sku.objects.get(pk=skus[0].pk).active is False
    assert Sku.objects.get(code="NEW-XL").price_fen == 21900
    verbs = list(Event.objects.filter(object_id=str(product.pk)).values_list("verb", flat=True))
    assert sorted(verbs) == ["sku.added", "sku.deactivated"]


def test_cat1_status_change_from_the_detail_page(client_for, editor):
    product = make_product(status="draft")
    client = client_for(editor)
    url = reverse("catalog:product_status", args=[product.pk])
    client.post(url, {"status": "active"})
    assert Product.objects.get(pk=product.pk).status == "active"
    response = client.post(url, {"status": "draft"}, follow=True)
    assert "不允许的状态变更" in response.content.decode()
    assert Product.objects.get(pk=product.pk).status == "active"


def test_cat1_list_offers_create_and_submit_to_those_who_may(client_for, editor, picker):
    html = client_for(editor).get(LIST).content.decode()
    assert reverse("catalog:product_create") in html
    assert reverse("catalog:submission_mine") in html
    html = client_for(picker).get(LIST).content.decode()
    assert reverse("catalog:product_create") not in html


@pytest.mark.parametrize("name", ["catalog:product_create", "catalog:reference",
                                  "catalog:shelf_plan", "catalog:submission_list"])
def test_cat1_viewers_cannot_open_editing_pages(client_for, picker, name):
    client = client_for(picker)
    assert client.get(LIST).status_code == 200
    assert client.get(reverse(name)).status_code == 403


def test_cat1_demo_catalog_loads_through_the_actions(staff, client_for, stored_files):
    from shopops.catalog import demo
    from shopops.catalog.barcodes import validate_barcode
    from shopops.catalog.models import Channel, ShelfSlot, Submission
    from shopops.catalog.queries import live_shelf

    demo.load(staff)
    assert Product.objects.count() == 30
    counts = [p.skus.count() for p in Product.objects.all()]
    assert min(counts) >= 2 and max(counts) <= 6
    for barcode in Sku.objects.values_list("barcode", flat=True):
        assert validate_barcode(barcode) == barcode and len(barcode) == 13
    assert set(Channel.objects.values_list("code", flat=True)) >= {"b2c", "tmall", "jd",
                                                                   "branch-sh"}
    assert Media.objects.filter(kind="image").count() >= 30
    assert len(stored_files()) == 2 * Media.objects.count()  # each image and its thumbnail
    assert [s.name for s in live_shelf("home")] == ["主推", "新品"]
    assert ShelfSlot.objects.filter(section="家居好物").count() == 3
    assert sorted(Submission.objects.values_list("state", flat=True)) == [
        "pending", "pending", "returned"]
    page = client_for(staff["product_manager"]).get(LIST + "?q=连衣裙")
    assert "夏季碎花雪纺连衣裙" in page.content.decode()


def test_cat1_api_search_detail_and_barcode_lookup(client_for, editor, make_user,
                                                   django_assert_max_num_queries):
    catalog_rows(30)
    client = client_for(editor)
    client.get("/api/v1/catalog/products")
    with django_assert_max_num_queries(12):
        data = client.get("/api/v1/catalog/products?q=连衣裙&limit=10").json()
    assert data["count"] == 30 and len(data["items"]) == 10
    assert data["items"][0]["sku_count"] == 3 and data["items"][0]["price_min_fen"] == 19900
    product = Product.objects.get(title="夏季碎花雪纺连衣裙07")
    detail = client.get(f"/api/v1/catalog/products/{product.pk}").json()
    assert [s["attributes"]["尺码"] for s in detail["skus"]] == ["S", "M", "L"]
    assert len(detail["image_urls"]) == 2
    sku = product.skus.first()
    found = client.get(f"/api/v1/catalog/barcodes/{sku.barcode}").json()
    assert (found["product_id"], found["sku"]["code"]) == (product.pk, sku.code)
    missing = client.get("/api/v1/catalog/barcodes/6901234567892")
    assert missing.status_code == 404 and "不属于任何SKU" in missing.json()["message"]
    assert client_for(make_user(roles=[])).get("/api/v1/catalog/products").status_code == 403
