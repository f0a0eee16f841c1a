"""Reads of stock used by several callers: the ledger check, sellable stock for the
channel listings (CAT-3), and bounded querysets for the stock and ledger pages."""

from dataclasses import dataclass

from django.db.models import F, Q, Sum

from .models import BinStock, Move, Reservation, Stock


@dataclass(frozen=True)
class Discrepancy:
    """One place where a stored total disagrees with the ledger.

    what: "on_hand" | "reserved" (Stock vs the sum of Move deltas), "reservations"
    (Stock.reserved vs the active Reservation rows), "bin" (BinStock vs the moves with that
    location), "negative" (a stored number below zero or reserved above on hand)."""

    what: str
    sku_id: int
    warehouse_id: int | None
    location_id: int | None
    stored: int
    expected: int

    def __str__(self):
        place = (f"库位#{self.location_id}" if self.location_id is not None
                 else f"仓库#{self.warehouse_id}")
        return f"SKU#{self.sku_id} {place} {self.what}: 记录 {self.stored}，流水 {self.expected}"


def check_ledger(sku=None) -> list[Discrepancy]:
    """Every disagreement between the running totals and the append-only ledger; [] when
    the books balance. A missing Stock/BinStock row counts as zero. Whole-table aggregates,
    three grouped queries, no per-row queries."""
    sku_id = getattr(sku, "pk", sku)
    only = Q(sku_id=sku_id) if sku_id is not None else Q()
    found = []

    stored = {(s["sku_id"], s["warehouse_id"]): (s["on_hand"], s["reserved"])
              for s in Stock.objects.filter(only).values("sku_id", "warehouse_id", "on_hand",
                                                          "reserved")}
    ledger = {(m["sku_id"], m["warehouse_id"]): (m["on_hand"], m["reserved"])
              for m in Move.objects.filter(only).values("sku_id", "warehouse_id").order_by()
              .annotate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))}
    held = {(r["sku_id"], r["warehouse_id"]): r["held"]
            for r in Reservation.objects.filter(only, state=Reservation.State.ACTIVE)
            .values("sku_id", "warehouse_id").order_by().annotate(held=Sum("quantity"))}
    for key in sorted(stored.keys() | ledger.keys() | held.keys()):
        on_hand, reserved = stored.get(key, (0, 0))
        want_on_hand, want_reserved = ledger.get(key, (0, 0))
        if on_hand != want_on_hand:
            found.append(Discrepancy("on_hand", *key, None, on_hand, want_on_hand))
        if reserved != want_reserved:
            found.append(Discrepancy("reserved", *key, None, reserved, want_reserved))
        if reserved != held.get(key, 0):
            found.append(Discrepancy("reservations", *key, None, reserved, held.get(key, 0)))
        if on_hand < 0 or reserved < 0 or reserved > on_hand:
            found.append(Discrepancy("negative", *key, None, on_hand - reserved, 0))

    bins = {(b["sku_id"], b["location_id"]): (b["location__warehouse_id"], b["quantity"])
            for b in BinStock.objects.filter(only).values("sku_id", "location_id",
                                                           "location__warehouse_id", "quantity")}
    placed = {(m["sku_id"], m["location_id"]): (m["warehouse_id"], m["quantity"])
              for m in Move.objects.filter(only, location__isnull=False)
              .values("sku_id", "location_id", "warehouse_id").order_by()
              .annotate(quantity=Sum("on_hand_delta"))}
    for key in sorted(bins.keys() | placed.keys()):
        warehouse_id, quantity = bins.get(key) or (placed[key][0], 0)
        expected = placed.get(key, (None, 0))[1]
        if quantity != expected or quantity < 0:
            found.append(Discrepancy("bin", key[0], warehouse_id, key[1], quantity, expected))
    return found


def sellable_available(product_ids) -> dict[int, int]:
    """{product_id: units available in active, sellable warehouses for its active SKUs};
    0 for a product with none. One grouped query."""
    product_ids = list(product_ids)
    result = dict.fromkeys(product_ids, 0)
    rows = (Stock.objects.filter(sku__product_id__in=product_ids, sku__active=True,
                                 warehouse__sellable=True, warehouse__active=True)
            .values("sku__product_id").order_by()
            .annotate(units=Sum(F("on_hand") - F("reserved"))))
    for row in rows:
        result[row["sku__product_id"]] = row["units"] or 0
    return result


def stock_rows(*, warehouse=None, sku=None, search="", low_only=False, nonzero=False):
    """Stock rows for a page (caller paginates): SKU, product and warehouse joined, so the
    query count does not grow with the rows. `search` matches 商家编码, 条码 or the title."""
    rows = Stock.objects.select_related("sku__product", "warehouse", "responsible")
    if warehouse is not None:
        rows = rows.filter(warehouse_id=getattr(warehouse, "pk", warehouse))
    if sku is not None:
        rows = rows.filter(sku_id=getattr(sku, "pk", sku))
    if search:
        rows = rows.filter(Q(sku__code__icontains=search) | Q(sku__barcode=search)
                           | Q(sku__product__title__icontains=search))
    if low_only:
        rows = rows.filter(on_hand__lte=F("reserved") + F("safety_stock"))
    if nonzero:
        rows = rows.exclude(on_hand=0, reserved=0)
    return rows.order_by("warehouse__code", "sku__code")


def move_rows(*, sku=None, warehouse=None, reference=""):
    """Ledger lines, newest first (move_sku_idx / move_reference_idx serve the filters)."""
    rows = Move.objects.select_related("sku", "warehouse", "location", "actor", "counterpart")
    if sku is not None:
        rows = rows.filter(sku_id=getattr(sku, "pk", sku))
    if warehouse is not None:
        rows = rows.filter(warehouse_id=getattr(warehouse, "pk", warehouse))
    if reference:
        rows = rows.filter(reference=reference)
    return rows.order_by("-at", "-id")
