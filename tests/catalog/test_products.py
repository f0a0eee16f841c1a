"""Products and SKUs (CAT-1): barcodes, unique codes, events with before/after, status moves,
search text kept current."""

import pytest

from shopops.catalog.actions import products as actions
from shopops.catalog.actions.reference import rename_category, update_brand
from shopops.catalog.barcodes import barcode_kind, gs1_check_digit, validate_barcode
from shopops.catalog.models import Product, Sku
from shopops.catalog.search import exact_match, filter_text
from shopops.core.errors import ConflictError, IllegalTransition, PermissionDeniedError, UserError
from shopops.core.models import Event
from tests.factories import ean13, make_brand, make_category, make_product, make_supplier


def sku_row(code, barcode, attributes="颜色=藏青; 尺码=M", price="199.00", cost="80"):
    return {"code": code, "barcode": barcode, "attributes": attributes, "weight_g": 350,
            "price": price, "cost": cost}


# --- barcodes -----------------------------------------------------------------------------


def test_cat1_ean13_check_digit_is_verified():
    assert validate_barcode("6901234567892") == "6901234567892"
    assert gs1_check_digit("690123456789") == 2
    with pytest.raises(UserError) as exc:
        validate_barcode("6901234567891")
    assert exc.value.code == "barcode_check_digit"
    assert exc.value.message == "条码 6901234567891 校验位错误（EAN-13 校验位应为 2）"


def test_cat1_ean8_upca_and_code128_are_accepted():
    assert barcode_kind(validate_barcode("96385074")) == "EAN-8"
    assert barcode_kind(validate_barcode("036000291452")) == "UPC-A"
    assert barcode_kind(validate_barcode(" WB-2026-NV-M ")) == "Code128"
    # Full-width digits typed with a Chinese input method are read as the digits they are.
    assert validate_barcode("６９０１２３４５６７８９２") == "6901234567892"
    with pytest.raises(UserError, match="校验位错误"):
        validate_barcode("036000291453")


@pytest.mark.parametrize("bad, code", [("", "barcode_required"), ("条码123", "barcode_charset"),
                                       ("AB 12", "barcode_charset"), ("X" * 41, "barcode_too_long")])
def test_cat1_unprintable_or_empty_barcodes_are_refused(bad, code):
    with pytest.raises(UserError) as exc:
        validate_barcode(bad)
    assert exc.value.code == code


# --- creating and editing -----------------------------------------------------------------


def test_cat1_create_product_with_skus_records_event_and_search_text(editor):
    women = make_category("女装")
    dresses = make_category("连衣裙", parent=women)
    brand = make_brand("五步")
    supplier = make_supplier("杭州织造有限公司")
    product = actions.create_product(
        actor=editor, code="WB-D001", title="夏季碎花雪纺连衣裙", selling_points="透气 显瘦",
        category=dresses, brand=brand, supplier=supplier,
        skus=[sku_row("WB-D001-NV-M", ean13("690000000001")),
              sku_row("WB-D001-NV-L", ean13("690000000002"), "颜色=藏青; 尺码=L", "209.5")])

    assert product.status == Product.Status.DRAFT
    skus = list(product.skus.order_by("code"))
    assert [(s.code, s.attributes, s.price_fen, s.cost_fen) for s in skus] == [
        ("WB-D001-NV-L", {"颜色": "藏青", "尺码": "L"}, 20950, 8000),
        ("WB-D001-NV-M", {"颜色": "藏青", "尺码": "M"}, 19900, 8000)]
    event = Event.objects.get(verb="product.created")
    assert (event.actor, event.object_id) == (editor, str(product.pk))
    assert event.summary == "新建商品 WB-D001「夏季碎花雪纺连衣裙」，2 个SKU"
    text = Product.objects.get(pk=product.pk).search_text
    for part in ("wb-d001", "夏季碎花雪纺连衣裙", "透气", "五步", "杭州织造有限公司", "女装",
                 "连衣裙", "wb-d001-nv-l", ean13("690000000002")):
        assert part in text


def test_cat1_duplicate_barcode_is_refused_and_nothing_is_saved(editor):
    taken = make_product(title="针织开衫").skus.get()
    with pytest.raises(ConflictError) as exc:
        actions.create_product(actor=editor, code="WB-X1", title="衬衫",
                               skus=[sku_row("WB-X1-01", ean13("690000000009")),
                                     sku_row("WB-X1-02", taken.barcode)])
    assert exc.value.message == (f"条码 {taken.barcode} 已被 SKU {taken.code}（{taken.product}）使用")
    assert not Product.objects.filter(code="WB-X1").exists()
    assert not Sku.objects.filter(code="WB-X1-01").exists()
    assert not Event.objects.filter(verb="product.created").exists()


def test_cat1_duplicate_style_number_and_sku_code_are_refused(editor):
    existing = make_product(code="WB-S1")
    with pytest.raises(ConflictError, match="款号 WB-S1 已存在"):
        actions.create_product(actor=editor, code="WB-S1", title="衬衫")
    with pytest.raises(ConflictError, match="商家编码 WB-S1-01 已被商品"):
        actions.add_sku(actor=editor, product=make_product(), code="WB-S1-01",
                        barcode=ean13("690000000123"))
    assert existing.skus.count() == 1


def test_cat1_update_product_records_before_and_after(editor):
    product = make_product(title="纯棉衬衫", status="draft")
    new_brand = make_brand("五步·家居")
    changes = actions.update_product(actor=editor, product=product, title="长袖纯棉衬衫",
                                     brand=new_brand.pk, selling_points="免烫")
    old_brand = changes["brand"][0]
    assert changes == {"title": ["纯棉衬衫", "长袖纯棉衬衫"], "brand": [old_brand, "五步·家居"],
                       "selling_points": ["", "免烫"]}
    product.refresh_from_db()
    assert (product.title, product.brand, product.selling_points) == ("长袖纯棉衬衫", new_brand, "免烫")
    event = Event.objects.get(verb="product.updated")
    assert event.changes == changes
    assert "长袖纯棉衬衫" in product.search_text and "五步·家居" in product.search_text
    # Nothing changed: no event.
    assert actions.update_product(actor=editor, product=product, title="长袖纯棉衬衫") == {}
    assert Event.objects.filter(verb="product.updated").count() == 1


def test_cat1_status_moves_follow_the_map(editor):
    product = make_product(status="draft")
    assert actions.change_status(actor=editor, product=product, status="active") == [
        "draft", "active"]
    with pytest.raises(IllegalTransition) as exc:
        actions.change_status(actor=editor, product=product, status="draft")
    assert exc.value.message == "不允许的状态变更：商品状态 不能从「在售商品」变为「草稿」"
    actions.change_status(actor=editor, product=product, status="discontinued", reason="过季")
    assert Product.objects.get(pk=product.pk).status == "discontinued"
    event = Event.objects.filter(verb="product.status_changed").first()
    assert event.summary == "在售商品 → 已停产：过季"


def test_cat1_sku_changes_are_recorded_on_the_product(editor):
    product = make_product(status="draft", skus=[{"颜色": "白", "尺码": "S"}])
    sku = product.skus.get()
    new_barcode = ean13("690000000555")
    diff = actions.update_sku(actor=editor, sku=sku, barcode=new_barcode, price="99",
                              attributes="颜色=米白; 尺码=S")
    assert diff == {"条码": [sku.barcode, new_barcode], "基准售价": ["¥199.00", "¥99.00"],
                    "规格": ["颜色=白; 尺码=S", "颜色=米白; 尺码=S"]}
    event = Event.objects.get(verb="sku.updated")
    assert (event.object_type, event.object_id) == ("catalog.product", str(product.pk))
    assert new_barcode in Product.objects.get(pk=product.pk).search_text
    assert actions.deactivate_sku(actor=editor, sku=sku) is True
    assert actions.deactivate_sku(actor=editor, sku=sku) is False
    assert Sku.objects.get(pk=sku.pk).active is False


def test_cat1_base_price_of_a_product_on_sale_needs_a_price_proposal(editor):
    sku = make_product(status="active").skus.get()
    with pytest.raises(UserError) as exc:
        actions.update_sku(actor=editor, sku=sku, price="150")
    assert exc.value.code == "price_needs_proposal"
    # Cost and weight stay editable.
    actions.update_sku(actor=editor, sku=sku, cost="75.5", weight_g="400")
    sku.refresh_from_db()
    assert (sku.price_fen, sku.cost_fen, sku.weight_g) == (19900, 7550, 400)


def test_cat1_save_product_is_all_or_nothing(editor):
    product = make_product(status="draft", skus=[{"颜色": "黑"}])
    sku = product.skus.get()
    with pytest.raises(UserError, match="校验位错误"):
        actions.save_product(actor=editor, product=product, fields={"title": "新标题"},
                             skus=[{"id": sku.pk, "code": sku.code, "barcode": sku.barcode,
                                    "price": "10"},
                                   {"code": "NEW-1", "barcode": "6901234567891"}])
    product.refresh_from_db()
    assert product.title != "新标题"
    assert Sku.objects.get(pk=sku.pk).price_fen == 19900
    assert product.skus.count() == 1


def test_cat1_variant_attributes_parse_from_text():
    assert actions.parse_attributes("颜色=藏青; 尺码=L") == {"颜色": "藏青", "尺码": "L"}
    assert actions.parse_attributes("颜色：米白，尺码：XL") == {"颜色": "米白", "尺码": "XL"}
    assert actions.parse_attributes("") == {}
    with pytest.raises(UserError, match="格式不正确"):
        actions.parse_attributes("藏青")
    with pytest.raises(UserError, match="重复"):
        actions.parse_attributes("颜色=红; 颜色=蓝")


def test_cat1_editing_needs_the_capability(picker):
    with pytest.raises(PermissionDeniedError):
        actions.create_product(actor=picker, code="X1", title="衬衫")


def test_cat1_search_text_follows_brand_and_category_renames(make_user):
    admin = make_user(roles=["manager"])
    category = make_category("半身裙")
    brand = make_brand("旧品牌")
    product = make_product(title="A字半身裙", category=category, brand=brand)
    update_brand(actor=admin, brand=brand, name="新品牌")
    rename_category(actor=admin, category=category, name="裙装")
    text = Product.objects.get(pk=product.pk).search_text
    assert "新品牌" in text and "裙装" in text and "旧品牌" not in text


def test_cat1_search_matches_every_term_and_exact_codes(editor):
    a = actions.create_product(actor=editor, code="WB-A", title="夏季碎花雪纺连衣裙",
                               skus=[sku_row("WB-A-01", ean13("690000000011"))])
    actions.create_product(actor=editor, code="WB-B", title="冬季加厚针织开衫",
                           skus=[sku_row("WB-B-01", ean13("690000000012"))])
    found = filter_text(Product.objects.all(), "碎花  连衣裙")
    assert list(found) == [a]
    assert list(filter_text(Product.objects.all(), "季")) != []
    assert exact_match(ean13("690000000011")) == a.pk
    assert exact_match("wb-a-01") == a.pk
    assert exact_match("WB-A") == a.pk
    assert exact_match("碎花") is None
