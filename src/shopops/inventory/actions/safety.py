"""Safety stock and the person responsible for a SKU in a warehouse (INV-5).

These are the only Stock fields written outside the ledger: they are settings of the row,
not quantities."""

from django.db import transaction

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import UserError

from .. import alerts
from ..models import Stock

CAP = "inventory.set_safety_stock"
KEEP = object()


@transaction.atomic
def set_safety_stock(*, actor, sku, warehouse, safety_stock, responsible=KEEP) -> Stock:
    """Set the safety stock (and optionally who hears about it) of a SKU in a warehouse.
    An alert goes out at once if the stock is already at or below the new level."""
    from .. import ledger

    require(actor, CAP)
    try:
        value = int(safety_stock)
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise UserError("bad_safety_stock", "安全库存必须是 0 或正整数：{value}",
                        "Safety stock must be 0 or a positive whole number: {value}",
                        value=safety_stock)
    stock = ledger.stock_for(sku, warehouse)
    stock = Stock.objects.select_for_update().get(pk=stock.pk)
    before = {"safety_stock": stock.safety_stock, "responsible": stock.responsible_id}
    fields = {"safety_stock": value}
    if responsible is not KEEP:
        if responsible is not None and not responsible.is_active:
            raise UserError("inactive_person", "{person} 已停用，不能作为负责人。",
                            "{person} is inactive and cannot be responsible.",
                            person=str(responsible))
        fields["responsible"] = responsible
    after = {"safety_stock": value,
             "responsible": getattr(fields.get("responsible", stock.responsible), "pk", None)}
    changes = events.diff(before, after)
    if not changes:
        return stock
    Stock.objects.filter(pk=stock.pk).update(**fields)
    for key, val in fields.items():
        setattr(stock, key, val)
    events.record(actor=actor, verb="stock.safety_changed", obj=stock,
                  summary=f"设置安全库存：{sku.code} 在 {warehouse.name} 为 {value} 件"
                          + (f"，负责人 {stock.responsible}" if "responsible" in fields
                             and stock.responsible else ""),
                  changes=changes)
    alerts.stock_changed(stocks=[stock], actor=actor)
    return stock


def default_safety_stock() -> int:
    from shopops.core.registry import setting

    return setting("inventory.default_safety_stock")
