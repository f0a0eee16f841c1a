from shopops.core.registry import define

G = "仓储 Inventory"
define("inventory.stocktake_interval_days", 2, type="int", unit="天", min=1,
       label="盘点周期", group=G,
       description="每隔多少天应对仓库盘点一次（制度：每两日定期盘点）；超期在仓储页面提醒。")
define("inventory.default_safety_stock", 5, type="int", unit="件", min=0,
       label="默认安全库存", group=G, description="未单独设置时，新 SKU 库存的安全库存。")
