from shopops.core.nav import nav_item

S = "仓储 Inventory"
nav_item(S, "库存", "inventory:stock_list", "inventory.view", order=30)
nav_item(S, "库存单据", "inventory:document_list", "inventory.view", order=31)
nav_item(S, "库存流水", "inventory:move_list", "inventory.view", order=32)
nav_item(S, "仓库与库位", "inventory:warehouse_list", "inventory.view", order=33)
