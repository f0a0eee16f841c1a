"""Low-stock alerts (INV-5). The ledger calls `stock_changed` after every change, in the
same transaction, so this sits on the hot path of every reservation: the common case is a
single primary-key read of the touched rows and nothing else.

A row is low when safety stock is set (> 0) and available ≤ safety stock. The alert goes
out once, when the row becomes low (low_alerted flips False → True by a conditional
UPDATE, so two concurrent changes cannot both send it); the flag clears when available
rises above safety stock again, so the next fall alerts again. A safety stock of 0 means
"no alert" — running out entirely is CAT-3's automatic delisting, not a warning.
"""

from django.urls import reverse

from shopops.accounts.queries import users_with_roles
from shopops.core import events
from shopops.core.notify import notify

from .models import Stock

FALLBACK_ROLES = ("warehouse_supervisor", "product_manager")


def is_low(available: int, safety_stock: int) -> bool:
    return safety_stock > 0 and available <= safety_stock


def stock_changed(*, stocks, actor=None):
    """`stocks` carry their current values (the ledger passes the rows its UPDATE ...
    RETURNING produced), so deciding costs no query; only a row crossing the line does."""
    fell, recovered = [], []
    for stock in stocks:
        if stock is None or not stock.pk:
            continue
        low = is_low(stock.on_hand - stock.reserved, stock.safety_stock)
        if low and not stock.low_alerted:
            fell.append(stock.pk)
        elif stock.low_alerted and not low:
            recovered.append(stock.pk)
    if recovered:
        Stock.objects.filter(pk__in=recovered, low_alerted=True).update(low_alerted=False)
    for pk in fell:
        if Stock.objects.filter(pk=pk, low_alerted=False).update(low_alerted=True):
            _alert(Stock.objects.select_related("sku__product", "warehouse", "responsible")
                   .get(pk=pk))


def alert_title(stock) -> str:
    return (f"库存预警：{stock.sku.code} 在 {stock.warehouse.name} 可用 {stock.available} 件，"
            f"低于安全库存 {stock.safety_stock} 件")


def recipients(stock) -> list:
    if stock.responsible_id and stock.responsible.is_active:
        return [stock.responsible]
    return users_with_roles(FALLBACK_ROLES)


def _alert(stock):
    title = alert_title(stock)
    people = recipients(stock)
    notify(people, title=title,
           body=f"{stock.sku.product.title}（{stock.sku.spec_label}）实物 {stock.on_hand}，"
                f"已占用 {stock.reserved}。请安排补货或调拨。",
           link=reverse("inventory:sku_stock", args=[stock.sku_id]), category="inventory")
    events.record(actor=None, verb="stock.low_alerted", obj=stock, summary=title,
                  data={"available": stock.available, "safety_stock": stock.safety_stock,
                        "notified": [p.pk for p in people]})
