from shopops.accounts.roles import register_role_defaults
from shopops.core.access import capability
from shopops.core.realtime import register_topic

G = "发货 Fulfillment"
capability("fulfillment.view", "查看发货流程、交接单 / view the warehouse line and handover sheets",
           level="read", group=G)
capability("fulfillment.review", "审单 / review orders", group=G)
capability("fulfillment.manage_rules", "维护审单规则 / manage review rules", group=G)
capability("fulfillment.print", "打单、波次 / print waves, slips and waybills", group=G)
capability("fulfillment.pick", "配货、报缺 / pick and report shortages", group=G)
capability("fulfillment.handle_transfers", "处理调拨申请 / handle transfer requests", group=G)
capability("fulfillment.verify", "验货扫描 / scan-verify orders", group=G)
capability("fulfillment.pack", "打包、称重 / pack and weigh parcels", group=G)
capability("fulfillment.handover", "快递交接 / hand parcels to couriers", group=G)
capability("fulfillment.ship", "发货、物流跟踪 / ship and record tracking", group=G)
capability("fulfillment.manage_couriers", "维护快递公司 / manage couriers", group=G)

_WAREHOUSE = ["warehouse_supervisor", "reviewer", "printer", "picker", "verifier", "packer",
              "returns_receiver"]
_MANAGERS = ["manager", "general_manager"]
_CS = ["presale_cs", "aftersale_cs", "cs_supervisor"]
register_role_defaults({code: ["fulfillment.view"]
                        for code in _WAREHOUSE + _MANAGERS + _CS + ["finance", "analyst"]})
register_role_defaults({
    "reviewer": ["fulfillment.review"],
    "printer": ["fulfillment.print"],
    "picker": ["fulfillment.pick"],
    "verifier": ["fulfillment.verify", "fulfillment.ship"],
    "packer": ["fulfillment.pack", "fulfillment.handover", "fulfillment.ship"],
    "warehouse_supervisor": [
        "fulfillment.review", "fulfillment.manage_rules", "fulfillment.print",
        "fulfillment.pick", "fulfillment.handle_transfers", "fulfillment.verify",
        "fulfillment.pack", "fulfillment.handover", "fulfillment.ship",
        "fulfillment.manage_couriers"],
    "manager": ["fulfillment.review", "fulfillment.manage_rules", "fulfillment.manage_couriers"],
    "cs_supervisor": ["fulfillment.ship"],  # records tracking exceptions phoned in
})

# Waves, handovers and the other line records refresh their pages live (core.realtime).
register_topic("fulfillment", "fulfillment.view")
