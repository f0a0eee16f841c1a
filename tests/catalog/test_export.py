"""CAT-9 / ROLE-4: exports carry the import's own headers (so they re-import cleanly), stream,
and are recorded in the audit trail."""

import io

import openpyxl
import pytest

from shopops.catalog.actions.imports import export_catalog
from shopops.catalog.importing import export
from shopops.catalog.models import ChannelPrice, ImportJob, Product, Sku
from shopops.core.errors import PermissionDeniedError
from shopops.core.models import Event
from shopops.inventory import ledger

from .import_helpers import PRODUCT_HEADERS, media_fixture, preview, product_rows, ref_fixture, run  # noqa: F401
from .import_helpers import xlsx_bytes as make_xlsx

S = ImportJob.State


@pytest.fixture
def catalog(ref, staff):
    """Products made by an import, plus one with an odd title and an extra attribute."""
    rows = product_rows(products=3, skus=3)
    job = run(staff["product_manager"], "products", make_xlsx(PRODUCT_HEADERS, rows))
    assert job.state == S.DONE, job.errors
    # A merchant's title that Excel would run as a formula: must stay text in every format.
    Product.objects.filter(code="LY0001").update(title='=HYPERLINK("http://x") 连衣裙')
    sku = Sku.objects.get(code="LY0002-M")
    Sku.objects.filter(pk=sku.pk).update(attributes={**sku.attributes, "袖长": "长袖"})
    ChannelPrice.objects.create(sku=sku, channel=ref["tmall"], price_fen=18800)
    ledger.receive(actor=staff["warehouse_supervisor"], sku=sku, warehouse=ref["warehouse"],
                   quantity=12)
    return rows


def _file(sheet, fmt, encoding="utf-8-sig") -> tuple[bytes, str]:
    if fmt == "xlsx":
        return export.xlsx_file(sheet, "导出").read(), "导出.xlsx"
    return b"".join(export.csv_chunks(sheet, encoding)), "导出.csv"


def _snapshot():
    return sorted((s.product.code, s.product.title, s.product.category_id, s.product.brand_id,
                   s.product.supplier_id, s.code, s.barcode, s.attributes, s.weight_g,
                   s.cost_fen, s.price_fen)
                  for s in Sku.objects.select_related("product"))


@pytest.mark.parametrize("fmt,encoding", [("xlsx", ""), ("csv", "utf-8-sig"), ("csv", "gb18030")])
def test_cat9_products_export_re_imports_cleanly(catalog, staff, fmt, encoding):
    before = _snapshot()
    sheet = export_catalog(actor=staff["product_manager"], kind="products", fmt=fmt,
                           encoding=encoding or "utf-8-sig")
    assert sheet.headers == PRODUCT_HEADERS[:9] + ["规格:袖长", "规格:面料"] + PRODUCT_HEADERS[10:]
    data, name = _file(sheet, fmt, encoding or "utf-8-sig")
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    if encoding == "gb18030":
        assert "款号".encode("gb18030") in data

    # The same file back: nothing to do.
    job = preview(staff["product_manager"], "products", data, name)
    assert job.state == S.PREVIEW, job.errors
    assert job.summary["counts"]["skus_unchanged"] == 9
    assert job.summary["counts"]["products_unchanged"] == 3

    # Into an empty catalog: everything comes back exactly.
    ChannelPrice.objects.all().delete()
    from shopops.inventory.models import Move, Stock

    Move.objects.all().delete()
    Stock.objects.all().delete()
    Product.objects.all().delete()
    job = run(staff["product_manager"], "products", data, name)
    assert job.state == S.DONE, job.errors
    assert _snapshot() == before


def test_cat9_price_and_stock_exports_re_import_as_no_change(catalog, staff, ref):
    prices = export_catalog(actor=staff["product_manager"], kind="prices", fmt="xlsx")
    assert prices.count == 10  # 9 base prices + 1 channel price
    data, name = _file(prices, "xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.values)
    assert rows[0] == ("商家编码", "渠道", "售价(元)", "款号", "商品标题", "规格")
    assert ("LY0002-M", "天猫旗舰店", 188, "LY0002", "法式碎花连衣裙 2 号款",
            "颜色:雾霾蓝 / 尺码:M / 袖长:长袖 / 面料:雪纺") in rows
    job = preview(staff["product_manager"], "prices", data, name)
    assert job.summary["counts"] == {"proposals": 0, "price_lines": 0, "prices_unchanged": 10}

    stock = export_catalog(actor=staff["editor"], kind="stock", fmt="csv", encoding="gb18030")
    data, name = _file(stock, "csv", "gb18030")
    text = data.decode("gb18030")
    assert text.splitlines()[0] == "商家编码,条码,仓库,库位,数量,款号,商品标题,规格,已占用"
    assert "杭州主仓" in text and ',12,' in text
    job = preview(staff["editor"], "stock", data, name)
    assert job.summary["counts"]["adjustments"] == 0
    assert job.summary["counts"]["stock_unchanged"] == 1


def test_cat9_csv_keeps_long_codes_and_formula_like_text_safe_for_excel(catalog, staff):
    sheet = export_catalog(actor=staff["product_manager"], kind="products", fmt="csv")
    text = b"".join(export.csv_chunks(sheet, "utf-8-sig")).decode("utf-8-sig")
    first = text.splitlines()[1]
    barcode = Sku.objects.get(code="LY0001-L").barcode  # the first row: codes sort L, M, S
    assert first.startswith("LY0001,") and f'"=""{barcode}"""' in first  # ="690…" stays text
    assert '"\t=HYPERLINK(""http://x"") 连衣裙"' in first  # never run as a formula
    xlsx = export.xlsx_file(export_catalog(actor=staff["product_manager"], kind="products"), "x")
    cell = openpyxl.load_workbook(xlsx).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_rol4_every_export_is_recorded_with_kind_filters_and_rows(catalog, staff, ref):
    export_catalog(actor=staff["analyst"], kind="products", fmt="csv", encoding="gb18030",
                   filters={"category": str(ref["dress"].pk), "brand": "", "status": "draft"})
    event = Event.objects.get(verb="catalog.exported")
    assert event.actor == staff["analyst"]
    assert event.data == {"kind": "products", "format": "csv", "encoding": "gb18030",
                          "filters": {"category": ref["dress"].pk, "status": "draft"},
                          "rows": 9}
    assert event.summary == "导出商品与SKU：9 行（csv，gb18030）"


def test_cat9_export_filters_narrow_the_rows(catalog, staff, ref):
    women = ref["dress"].parent
    assert export_catalog(actor=staff["analyst"], kind="products",
                          filters={"category": women.pk}).count == 9  # the whole subtree
    assert export_catalog(actor=staff["analyst"], kind="products",
                          filters={"category": ref["bedding"].pk}).count == 0
    assert export_catalog(actor=staff["analyst"], kind="prices",
                          filters={"channel": ref["tmall"].pk}).count == 1
    assert export_catalog(actor=staff["analyst"], kind="prices",
                          filters={"channel": "base"}).count == 9


def test_rol4_export_needs_the_export_capability(catalog, staff):
    with pytest.raises(PermissionDeniedError):
        export_catalog(actor=staff["picker"], kind="products")
    assert not Event.objects.filter(verb="catalog.exported").exists()


def test_cat9_export_page_streams_csv_and_sends_xlsx(catalog, staff, client_for):
    client = client_for(staff["analyst"])
    assert client.get("/catalog/export/").status_code == 200
    response = client.post("/catalog/export/", {"kind": "products", "format": "csv",
                                                "encoding": "utf-8-sig"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("款号,商品标题,类目")
    assert len(body.splitlines()) == 10

    response = client.post("/catalog/export/", {"kind": "prices", "format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 11
    assert Event.objects.filter(verb="catalog.exported").count() == 2
    assert client_for(staff["picker"]).get("/catalog/export/").status_code == 403


def test_cat9_large_products_export_is_written_in_bounded_queries(ref, staff,
                                                                  django_assert_max_num_queries):
    job = run(staff["product_manager"], "products",
              make_xlsx(PRODUCT_HEADERS, product_rows(products=500, skus=5, prefix="EX")))
    assert job.state == S.DONE
    with django_assert_max_num_queries(12):
        sheet = export_catalog(actor=staff["analyst"], kind="products", fmt="csv")
        data = b"".join(export.csv_chunks(sheet, "utf-8-sig"))
    assert data.count(b"\r\n") == 2501
    with django_assert_max_num_queries(12):
        sheet = export_catalog(actor=staff["analyst"], kind="prices", fmt="csv")
        assert len(list(sheet.rows)) == 2500
