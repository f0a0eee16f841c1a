from shopops.accounts.roles import register_role_defaults
from shopops.core.access import capability
from shopops.core.realtime import register_topic

G = "订单 Orders"
capability("orders.view", "查看订单 / view orders", level="read", group=G)
capability("orders.create", "录入订单 / enter orders", group=G)
capability("orders.amend", "修改订单（红旗备注）、挂起 / amend and hold orders", group=G)
capability("orders.cancel", "取消订单 / cancel orders", group=G)

_CS = ["presale_cs", "aftersale_cs", "cs_supervisor"]
_WAREHOUSE = ["warehouse_supervisor", "reviewer", "printer", "picker", "verifier", "packer",
              "returns_receiver"]
_MANAGERS = ["manager", "general_manager"]
register_role_defaults({code: ["orders.view"] for code in _CS + _WAREHOUSE + _MANAGERS})
register_role_defaults({code: ["orders.create", "orders.amend"]
                        for code in _CS + ["manager"]})
register_role_defaults({code: ["orders.cancel"] for code in ["cs_supervisor", "manager"]})

# The order queues refresh live when orders change (core.realtime).
register_topic("orders", "orders.view")
