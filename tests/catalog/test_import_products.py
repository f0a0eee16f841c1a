"""CAT-9: the products import — every bad row reported, nothing half-imported."""

from shopops.catalog.models import ImportJob, Product, Sku
from shopops.core.models import Event
from tests.factories import make_product

from .import_helpers import (  # noqa: F401  (fixtures)
    PRODUCT_HEADERS,
    csv_bytes,
    media_fixture,
    new_barcode,
    preview,
    product_rows,
    ref_fixture,
    run,
    xlsx_bytes,
)

S = ImportJob.State


def _errors(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def test_cat9_one_bad_row_changes_nothing_and_reports_exactly_that_row(ref, staff):
    rows = product_rows(products=2, skus=3)
    good_barcode = rows[3][6]
    rows[3][6] = good_barcode[:-1] + str((int(good_barcode[-1]) + 1) % 10)  # file row 5
    job = preview(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows))

    assert job.state == S.INVALID
    expected = f"条码 {rows[3][6]} 校验位错误（EAN-13 校验位应为 {good_barcode[-1]}）"
    assert _errors(job) == [(5, "条码", expected)]
    assert job.total_rows == 6
    assert Product.objects.count() == 0 and Sku.objects.count() == 0
    event = Event.objects.get(verb="import.previewed")
    assert event.data["bad_rows"] == 1 and event.data["rows"] == 6


def test_cat9_corrected_file_imports_products_skus_attributes_and_exact_prices(ref, staff):
    rows = product_rows(products=2, skus=3)
    rows[0][12] = "¥1,299.50"
    rows[1][11] = "０.０５"  # full-width, as a Chinese input method types it
    rows[2][9] = ""  # no 面料 on this SKU
    job = preview(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows))
    assert job.state == S.PREVIEW, job.errors
    assert job.summary["counts"] == {"products_new": 2, "products_updated": 0,
                                     "products_unchanged": 0, "skus_new": 6, "skus_updated": 0,
                                     "skus_unchanged": 0}
    assert Product.objects.count() == 0  # the preview writes nothing

    from shopops.catalog.actions.imports import confirm_import

    job = confirm_import(actor=staff["product_manager"], job=job, background=False)
    assert job.state == S.DONE, job.summary
    product = Product.objects.get(code="LY0001")
    assert (product.title, product.category, product.brand, product.supplier, product.status) == (
        "法式碎花连衣裙 1 号款", ref["dress"], ref["brand"], ref["supplier"], "draft")
    skus = list(product.skus.order_by("pk"))
    assert [s.code for s in skus] == ["LY0001-S", "LY0001-M", "LY0001-L"]
    assert [s.price_fen for s in skus] == [129950, 19990, 19990]
    assert [s.cost_fen for s in skus] == [8950, 5, 8950]
    assert skus[0].attributes == {"颜色": "雾霾蓝", "尺码": "S", "面料": "雪纺"}
    assert skus[2].attributes == {"颜色": "雾霾蓝", "尺码": "L"}
    assert skus[0].weight_g == 320 and skus[0].barcode == rows[0][6]
    assert "ly0001-s" in product.search_text and "连衣裙" in product.search_text
    assert Sku.objects.count() == 6
    assert Event.objects.filter(verb="product.created").count() == 2
    applied = Event.objects.get(verb="import.applied")
    assert applied.data["counts"]["skus_new"] == 6 and applied.data["rows"] == 6


def test_cat9_duplicate_barcodes_in_the_file_are_reported_on_both_rows(ref, staff):
    rows = product_rows(products=1, skus=4)
    rows[3][6] = rows[1][6]
    job = preview(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows))
    assert _errors(job) == [
        (3, "条码", f"条码 {rows[1][6]} 在文件中重复（另见第 5 行）"),
        (5, "条码", f"条码 {rows[1][6]} 在文件中重复（另见第 3 行）"),
    ]


def test_cat9_every_kind_of_bad_row_is_listed_in_chinese(ref, staff):
    existing = make_product(code="OLD01", status="active")
    taken = existing.skus.get()
    rows = product_rows(products=1, skus=5)
    rows[0][2] = "男装/衬衫"  # no such category
    rows[1][3] = "无此品牌"
    rows[2][6] = taken.barcode  # barcode of another SKU in the database
    rows[3][12] = "一百元"
    rows[4][10] = "3.5"
    job = preview(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows))
    assert _errors(job) == [
        (2, "类目", "类目不存在：男装/衬衫（请先在基础资料中建立）"),
        (3, "品牌", "品牌不存在：无此品牌（请先在基础资料中建立）"),
        (4, "条码", f"条码 {taken.barcode} 已被商家编码 {taken.code} 使用"),
        (5, "售价(元)", "金额格式不正确：一百元"),
        (6, "重量(克)", "须为不小于 0 的整数：3.5"),
    ]
    assert Product.objects.count() == 1


def test_cat9_new_product_needs_title_and_category_and_rows_of_one_product_agree(ref, staff):
    rows = product_rows(products=2, skus=2)
    rows[0][1] = rows[1][1] = ""
    rows[0][2] = rows[1][2] = ""
    rows[3][1] = "另一个标题"
    job = preview(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows))
    assert _errors(job) == [
        (2, "商品标题", "新商品必须填写商品标题"),
        (2, "类目", "新商品必须填写类目"),
        (5, "商品标题", "同一款号 LY0002 的商品标题与第 4 行不一致（「另一个标题」≠「法式碎花连衣裙 2 号款」）"),
    ]


def test_cat9_existing_products_update_and_blank_cells_keep_values(ref, staff):
    product = make_product(code="LY0001", status="draft", skus=[{"颜色": "黑", "尺码": "M"}],
                           price_fen=19900, cost_fen=8000)
    sku = product.skus.get()
    headers = ["款号", "商品标题", "商家编码", "条码", "尺码", "成本价(元)", "售价(元)", "重量(克)"]
    rows = [["LY0001", "新标题", sku.code, sku.barcode, "L", "", "188", ""],
            ["LY0001", "", "LY0001-NEW", new_barcode(), "XL", "90", "199", "400"]]
    job = run(staff["product_manager"], "products", csv_bytes(headers, rows), "更新.csv")
    assert job.state == S.DONE, job.errors
    sku.refresh_from_db()
    product.refresh_from_db()
    assert product.title == "新标题" and product.category is not None
    # 尺码 given, 颜色 column absent → kept; blank cost kept; draft product → price may change
    assert sku.attributes == {"尺码": "L", "颜色": "黑"}
    assert (sku.cost_fen, sku.price_fen, sku.weight_g) == (8000, 18800, 350)
    assert product.skus.get(code="LY0001-NEW").attributes == {"尺码": "XL"}
    assert job.summary["applied"]["products_updated"] == 1
    event = Event.objects.get(verb="product.updated", object_id=str(product.pk))
    assert event.changes["title"][1] == "新标题"
    assert event.changes[f"SKU {sku.code} 售价"] == ["¥199.00", "¥188.00"]


def test_cat9_price_of_a_product_on_sale_is_not_changed_by_the_products_import(ref, staff):
    product = make_product(code="ONSALE", status="active", price_fen=19900)
    sku = product.skus.get()
    headers = ["款号", "商品标题", "商家编码", "条码", "售价(元)"]
    job = preview(staff["product_manager"], "products",
                  csv_bytes(headers, [["ONSALE", "", sku.code, sku.barcode, "99"]]), "p.csv")
    assert job.state == S.INVALID
    assert job.errors[0]["row"] == 2 and job.errors[0]["column"] == "售价(元)"
    assert "调价申请" in job.errors[0]["message"]
    job = run(staff["product_manager"], "products",
              csv_bytes(headers, [["ONSALE", "", sku.code, sku.barcode, "199.00"]]), "p.csv")
    assert job.state == S.DONE
    assert job.summary["applied"]["skus_unchanged"] == 1


def test_cat9_data_that_went_bad_after_the_preview_fails_the_whole_import(ref, staff):
    from shopops.catalog.actions.imports import confirm_import

    rows = product_rows(products=3, skus=2)
    job = preview(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows))
    assert job.state == S.PREVIEW
    # Meanwhile someone gives the last row's barcode to another product.
    make_product(code="RIVAL", skus=[{}])
    Sku.objects.filter(product__code="RIVAL").update(barcode=rows[5][6])

    job = confirm_import(actor=staff["product_manager"], job=job, background=False)
    assert job.state == S.FAILED
    assert "预览之后数据已有变化" in job.summary["failure"]
    assert [(e["row"], e["column"]) for e in job.errors] == [(7, "条码")]
    assert Product.objects.count() == 1  # only RIVAL
    assert Event.objects.filter(verb="import.failed").count() == 1


def test_cat9_a_database_conflict_while_writing_rolls_everything_back(ref, staff, monkeypatch):
    from shopops.catalog.actions.imports import confirm_import
    from shopops.catalog.importing import products

    rows = product_rows(products=3, skus=2)
    job = preview(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows))
    real = products.refresh_search_texts

    def crash(ids):
        real(ids)
        from django.db import IntegrityError

        raise IntegrityError("UNIQUE constraint failed: catalog_sku.barcode")

    monkeypatch.setattr(products, "refresh_search_texts", crash)
    job = confirm_import(actor=staff["product_manager"], job=job, background=False)
    assert job.state == S.FAILED
    assert "未做任何修改" in job.summary["failure"]
    assert Product.objects.count() == 0 and Sku.objects.count() == 0


def test_cat9_ten_thousand_rows_import_correctly(ref, staff):
    rows = product_rows(products=2000, skus=5, prefix="BIG")
    job = run(staff["product_manager"], "products", xlsx_bytes(PRODUCT_HEADERS, rows),
              "万行.xlsx")
    assert job.state == S.DONE, job.errors[:5]
    assert (job.total_rows, job.done_rows) == (10_000, 10_000)
    assert Product.objects.count() == 2000 and Sku.objects.count() == 10_000
    assert set(Sku.objects.values_list("price_fen", flat=True)) == {19990}
    assert Sku.objects.get(code="BIG1999-XL").barcode == rows[1998 * 5 + 3][6]
    assert Product.objects.filter(search_text="").count() == 0
