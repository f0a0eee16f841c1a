"""Stock import (CAT-9, INV-1, INV-3): each row is a counted quantity of one SKU in one
warehouse (or one 库位 of it). The import writes no stock itself: it asks the ledger for a
stocktake adjustment of counted − current, so every change is a Move in the ledger.

A count below what orders have reserved is refused (the reserved units are still there,
or the count is wrong). Rows equal to the books change nothing.
"""

from dataclasses import dataclass

from shopops.catalog.models import Sku
from shopops.inventory.models import BinStock, Location, Stock, Warehouse

from . import refs
from .validate import (
    CellError,
    Result,
    Sheet,
    chunks,
    mark_duplicates,
    progress_every,
    whole_number,
)


@dataclass
class Count:
    row: int
    sku_id: int
    sku_code: str
    warehouse_id: int
    location_id: int | None
    before: int
    counted: int

    @property
    def delta(self) -> int:
        return self.counted - self.before


def _skus(sheet: Sheet):
    codes = {r.get("sku_code") for r in sheet.rows} - {""}
    barcodes = {r.get("barcode") for r in sheet.rows} - {""}
    by_code, by_barcode = {}, {}
    for part in chunks(codes):
        by_code.update({c: (pk, c) for pk, c in
                        Sku.objects.filter(code__in=part).values_list("pk", "code")})
    for part in chunks(barcodes):
        by_barcode.update({b: (pk, c) for pk, c, b in Sku.objects.filter(
            barcode__in=part).values_list("pk", "code", "barcode")})
    return by_code, by_barcode


def check(sheet: Sheet, result: Result, *, actor, progress, context):
    if not (sheet.has("sku_code") or sheet.has("barcode")):
        result.error(sheet.header_row, "商家编码", "缺少必填列「商家编码」或「条码」（至少一列）",
                     "Either the SKU code or the barcode column is required")
        return
    by_code, by_barcode = _skus(sheet)
    warehouses = refs.warehouses()
    active = set(Warehouse.objects.filter(active=True).values_list("pk", flat=True))
    locations = {(wh, code.lower()): (pk, ok) for pk, wh, code, ok in
                 Location.objects.values_list("pk", "warehouse_id", "code", "active")}
    parsed = {}
    every = progress_every(len(sheet.rows))
    for index, row in enumerate(sheet.rows, start=1):
        if index % every == 0:
            progress(index)
        errors_before = len(result.errors)
        item = _read_row(row, sheet, result, by_code, by_barcode, warehouses, active, locations)
        if item is not None and len(result.errors) == errors_before:
            row.values["_key"] = item[:3]
            parsed[row.number] = item
    progress(len(sheet.rows))
    bad = mark_duplicates(
        result, sheet, lambda r: r.values.get("_key"), "quantity",
        lambda key, others: (f"同一SKU在同一仓库（库位）的数量重复（另见第 {'、'.join(map(str, others))} 行）",
                             f"The same SKU and place repeat (rows {others})"))
    parsed = {n: item for n, item in parsed.items() if n not in bad}
    result.plan = _counts(parsed, sheet, result)
    changes = [c for c in result.plan if c.delta]
    result.summary = {"adjustments": len(changes),
                      "stock_unchanged": len(result.plan) - len(changes),
                      "units_added": sum(c.delta for c in changes if c.delta > 0),
                      "units_removed": -sum(c.delta for c in changes if c.delta < 0)}


def _read_row(row, sheet, result, by_code, by_barcode, warehouses, active, locations):
    def err(key, zh, en=""):
        result.error(row.number, sheet.header(key), zh, en)

    code, bar = row.get("sku_code"), row.get("barcode")
    sku = None
    if code:
        sku = by_code.get(code)
        if sku is None:
            err("sku_code", f"商家编码不存在：{code}", f"No SKU with code {code}")
    if bar:
        other = by_barcode.get(bar)
        if other is None:
            err("barcode", f"条码不存在：{bar}", f"No SKU with barcode {bar}")
        elif sku is not None and other[0] != sku[0]:
            err("barcode", f"条码 {bar} 属于商家编码 {other[1]}，与本行的商家编码 {code} 不符",
                f"Barcode {bar} belongs to {other[1]}, not {code}")
        elif not code:
            sku = other
    if not code and not bar:
        err("sku_code", "商家编码和条码至少填写一项", "Give the SKU code or the barcode")
    warehouse_id = None
    if not row.get("warehouse"):
        err("warehouse", "仓库不能为空", "The warehouse is required")
    else:
        warehouse_id, problem = warehouses.find(row.get("warehouse"))
        if problem:
            err("warehouse", *problem)
        elif warehouse_id not in active:
            err("warehouse", f"仓库「{row.get('warehouse')}」已停用",
                f"Warehouse '{row.get('warehouse')}' is inactive")
    location_id = None
    if row.get("location") and warehouse_id is not None:
        found = locations.get((warehouse_id, row.get("location").lower()))
        if found is None:
            err("location", f"库位 {row.get('location')} 不在仓库「{row.get('warehouse')}」中",
                f"No location {row.get('location')} in that warehouse")
        elif not found[1]:
            err("location", f"库位 {row.get('location')} 已停用",
                f"Location {row.get('location')} is inactive")
        else:
            location_id = found[0]
    counted = None
    try:
        counted = whole_number(row.get("quantity"))
        if counted is None:
            err("quantity", "数量不能为空", "The quantity is required")
    except CellError as exc:
        err("quantity", exc.message, exc.message_en)
    if sku is None or warehouse_id is None or counted is None:
        return None
    if row.get("location") and location_id is None:
        return None
    return sku[0], warehouse_id, location_id, sku[1], counted


def _counts(parsed: dict, sheet: Sheet, result: Result) -> list[Count]:
    sku_ids = {item[0] for item in parsed.values()}
    stocks, bins = {}, {}
    for part in chunks(sku_ids):
        stocks.update({(s, w): (on_hand, reserved) for s, w, on_hand, reserved in
                       Stock.objects.filter(sku_id__in=part).values_list(
                           "sku_id", "warehouse_id", "on_hand", "reserved")})
        bins.update({(s, loc): q for s, loc, q in BinStock.objects.filter(
            sku_id__in=part).values_list("sku_id", "location_id", "quantity")})
    counts, places = [], {}
    for number, (sku_id, wh, loc, code, counted) in sorted(parsed.items()):
        before = bins.get((sku_id, loc), 0) if loc else stocks.get((sku_id, wh), (0, 0))[0]
        counts.append(Count(number, sku_id, code, wh, loc, before, counted))
        places.setdefault((sku_id, wh), []).append(counts[-1])
    for (sku_id, wh), group in places.items():
        numbers = [c.row for c in group]
        if len({c.location_id is None for c in group}) > 1:
            for c in group:
                result.error(c.row, sheet.header("location"),
                             f"{c.sku_code} 在同一仓库既有整仓数量又有库位数量（第 "
                             f"{'、'.join(map(str, numbers))} 行），请只用一种",
                             "Mixes a whole-warehouse count with location counts")
            continue
        on_hand, reserved = stocks.get((sku_id, wh), (0, 0))
        after = on_hand + sum(c.delta for c in group)
        if after < reserved:
            for c in group:
                result.error(c.row, sheet.header("quantity"),
                             f"{c.sku_code} 盘点后库存 {after} 小于已被订单占用的 {reserved}",
                             f"Counted {after} is below the {reserved} reserved by orders")
    return counts


def apply(counts: list[Count], *, actor, job) -> dict:
    from shopops.inventory import ledger

    reference = f"catalog.importjob:{job.pk}"
    # Additions first: a later removal in the same warehouse then always finds the units.
    for count in sorted((c for c in counts if c.delta), key=lambda c: -c.delta):
        ledger.adjust(actor=actor, sku=count.sku_id, warehouse=count.warehouse_id,
                      delta=count.delta, location=count.location_id, reference=reference,
                      note=f"批量导入盘点：第 {count.row} 行，{count.before} → {count.counted}")
    changes = [c for c in counts if c.delta]
    return {"adjustments": len(changes), "stock_unchanged": len(counts) - len(changes),
            "units_added": sum(c.delta for c in changes if c.delta > 0),
            "units_removed": -sum(c.delta for c in changes if c.delta < 0)}
