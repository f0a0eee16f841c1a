from shopops.accounts.roles import register_role_defaults
from shopops.core.access import capability

G = "仓储 Inventory"
capability("inventory.view", "查看库存与流水 / view stock and the ledger", level="read", group=G)
capability("inventory.manage_warehouses", "维护仓库与库位 / manage warehouses and locations",
           group=G)
capability("inventory.receive", "入库 / receive goods", group=G)
capability("inventory.transfer", "调拨 / transfer stock", group=G)
capability("inventory.stocktake", "盘点 / count stock", group=G)
capability("inventory.sign", "交接签字 / sign stock handovers", group=G)
capability("inventory.set_safety_stock", "设置安全库存 / set safety stock", group=G)

_VIEWERS = ["manager", "general_manager", "editor", "planner", "product_manager", "presale_cs",
            "aftersale_cs", "cs_supervisor", "warehouse_supervisor", "reviewer", "printer",
            "picker", "verifier", "packer", "returns_receiver", "analyst", "finance"]
register_role_defaults({code: ["inventory.view"] for code in _VIEWERS})
_WAREHOUSE = ["reviewer", "printer", "picker", "verifier", "packer", "returns_receiver"]
register_role_defaults({code: ["inventory.sign"] for code in _WAREHOUSE})
register_role_defaults({
    "warehouse_supervisor": ["inventory.manage_warehouses", "inventory.receive",
                             "inventory.transfer", "inventory.stocktake", "inventory.sign",
                             "inventory.set_safety_stock"],
    "picker": ["inventory.receive", "inventory.transfer", "inventory.stocktake"],
    "returns_receiver": ["inventory.receive"],
    "editor": ["inventory.stocktake", "inventory.sign"],
    "product_manager": ["inventory.set_safety_stock"],
    "sysadmin": ["inventory.manage_warehouses"],
})
