"""Inventory's periodic jobs. `register()` is called from InventoryConfig.ready().

inventory.stocktake_overdue (daily): the seeds ask for a stocktake every two days
(setting inventory.stocktake_interval_days); a warehouse holding stock without a posted
stocktake within that interval is reported to the warehouse supervisors' inbox.
"""

from datetime import time, timedelta

from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.notify import notify
from shopops.core.periodic import daily_at, register_periodic
from shopops.core.registry import define, setting

from .models import Document, Stock, Warehouse

JOB = "inventory.stocktake_overdue"
define("inventory.stocktake_check_time", time(9, 0), type="time", unit="时:分",
       label="盘点超期检查时间", group="仓储 Inventory",
       description="每天此时检查各仓库是否超过盘点周期未盘点，并提醒仓库主管。")


def overdue_warehouses(now=None) -> list[tuple[Warehouse, object]]:
    """(warehouse, last posted stocktake time or None) for every active warehouse holding
    stock whose last posted stocktake is older than the interval. One query."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=setting("inventory.stocktake_interval_days"))
    rows = (Warehouse.objects.filter(active=True)
            .annotate(last=Max("documents__posted_at",
                               filter=Q(documents__kind=Document.Kind.STOCKTAKE,
                                        documents__state=Document.State.POSTED)),
                      holds=Exists(Stock.objects.filter(warehouse=OuterRef("pk"), on_hand__gt=0)))
            .filter(holds=True).filter(Q(last__isnull=True) | Q(last__lt=cutoff))
            .order_by("code"))
    return [(w, w.last) for w in rows]


def remind_overdue_stocktakes(now=None) -> int:
    now = now or timezone.now()
    overdue = overdue_warehouses(now)
    if not overdue:
        return 0
    people = users_with_roles(["warehouse_supervisor"])
    interval = setting("inventory.stocktake_interval_days")
    for warehouse, last in overdue:
        if last is None:
            since = "尚无已过账的盘点"
        else:
            since = f"上次盘点 {timezone.localtime(last):%Y-%m-%d %H:%M}，已 {(now - last).days} 天"
        notify(people, title=f"盘点超期：{warehouse.name}（{since}）",
               body=f"制度要求每 {interval} 天盘点一次，请安排盘点。",
               link=reverse("inventory:stocktake_create") + f"?warehouse={warehouse.pk}",
               category="inventory")
    return len(overdue)


def register():
    register_periodic(JOB, next_run=daily_at("inventory.stocktake_check_time"),
                      run=remind_overdue_stocktakes)
