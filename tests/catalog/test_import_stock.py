"""CAT-9 with INV-1/INV-3: a stock import sets counted quantities through the ledger — each
difference is an adjustment Move; nothing writes Stock directly."""

import pytest

from shopops.catalog.models import ImportJob
from shopops.core.errors import PermissionDeniedError
from shopops.inventory import ledger
from shopops.inventory.models import BinStock, Move, Stock
from tests.factories import make_location, make_product, make_warehouse

from .import_helpers import csv_bytes, media_fixture, preview, ref_fixture, run, xlsx_bytes  # noqa: F401

HEADERS = ["商家编码", "条码", "仓库", "库位", "数量"]
S = ImportJob.State


@pytest.fixture
def stock(ref, staff):
    product = make_product("纯棉床品四件套", code="CP01",
                           skus=[{"规格": "1.5m"}, {"规格": "1.8m"}, {"规格": "2.0m"}])
    a, b, c = product.skus.order_by("code")
    hz = ref["warehouse"]
    sh = make_warehouse(code="sh", name="上海南京路门店")
    bin_ = make_location(sh, code="A-01-01")
    keeper = staff["warehouse_supervisor"]
    ledger.receive(actor=keeper, sku=a, warehouse=hz, quantity=10)
    ledger.receive(actor=keeper, sku=b, warehouse=hz, quantity=6)
    ledger.reserve(actor=keeper, sku=b, warehouse=hz, quantity=4, reference="orders.line:1")
    return {"a": a, "b": b, "c": c, "hz": hz, "sh": sh, "bin": bin_}


def _on_hand(sku, warehouse):
    return Stock.objects.get(sku=sku, warehouse=warehouse).on_hand


def test_cat9_stock_import_adjusts_counted_quantities_through_the_ledger(stock, staff):
    a, b, c = stock["a"], stock["b"], stock["c"]
    rows = [[a.code, "", "杭州主仓", "", "7"],          # 10 → 7
            ["", b.barcode, "hz", "", "6"],            # unchanged
            [c.code, c.barcode, "上海南京路门店", "A-01-01", "5"],  # 0 → 5 in a bin
            [a.code, "", "sh", "", "0"]]               # nothing there, nothing counted
    moves_before = Move.objects.count()
    job = run(staff["editor"], "stock", csv_bytes(HEADERS, rows, "gb18030"), "盘点.csv")
    assert job.state == S.DONE, job.errors
    assert job.summary["applied"] == {"adjustments": 2, "stock_unchanged": 2, "units_added": 5,
                                      "units_removed": 3}
    assert _on_hand(a, stock["hz"]) == 7
    assert _on_hand(b, stock["hz"]) == 6
    assert _on_hand(c, stock["sh"]) == 5
    assert BinStock.objects.get(sku=c, location=stock["bin"]).quantity == 5
    moves = Move.objects.order_by("pk")[moves_before:]
    assert [(m.kind, m.sku_id, m.on_hand_delta, m.reference) for m in moves] == [
        ("adjust", c.pk, 5, f"catalog.importjob:{job.pk}"),
        ("adjust", a.pk, -3, f"catalog.importjob:{job.pk}"),
    ]
    assert moves[1].actor == staff["editor"]


def test_cat9_bad_stock_rows_are_all_listed(stock, staff):
    a, b, c = stock["a"], stock["b"], stock["c"]
    rows = [[b.code, "", "hz", "", "3"],                 # below the 4 reserved
            [a.code, c.barcode, "hz", "", "1"],          # code and barcode disagree
            [c.code, "", "北京仓", "", "1"],
            [c.code, "", "sh", "Z-99", "1"],
            [c.code, "", "sh", "", "-2"],
            ["", "", "hz", "", "1"],
            [a.code, "", "hz", "", "8"], [a.code, "", "hz", "", "9"]]
    job = preview(staff["editor"], "stock", xlsx_bytes(HEADERS, rows), "盘点.xlsx")
    assert job.state == S.INVALID
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "数量", f"{b.code} 盘点后库存 3 小于已被订单占用的 4"),
        (3, "条码", f"条码 {c.barcode} 属于商家编码 {c.code}，与本行的商家编码 {a.code} 不符"),
        (4, "仓库", "仓库不存在：北京仓（请先在基础资料中建立）"),
        (5, "库位", "库位 Z-99 不在仓库「sh」中"),
        (6, "数量", "须为不小于 0 的整数：-2"),
        (7, "商家编码", "商家编码和条码至少填写一项"),
        (8, "数量", "同一SKU在同一仓库（库位）的数量重复（另见第 9 行）"),
        (9, "数量", "同一SKU在同一仓库（库位）的数量重复（另见第 8 行）"),
    ]
    assert _on_hand(a, stock["hz"]) == 10


def test_cat9_stock_import_needs_the_stocktake_capability(stock, staff):
    with pytest.raises(PermissionDeniedError):
        preview(staff["product_manager"], "stock",
                csv_bytes(HEADERS, [[stock["a"].code, "", "hz", "", "1"]]), "s.csv")
    assert ImportJob.objects.count() == 0
