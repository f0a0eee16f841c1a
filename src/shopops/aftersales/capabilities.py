"""Who may do what in after-sales (AS-1…AS-5)."""

from shopops.accounts.roles import register_role_defaults
from shopops.core.access import capability

G = "售后 After-sales"
capability("aftersales.view", "查看售后单 / view after-sales requests", level="read", group=G)
capability("aftersales.handle", "处理售后申请（同意、拒绝、退款） / handle after-sales requests",
           group=G)
capability("aftersales.receive", "售后来件签收/拒收、登记 / sign for returned parcels", group=G)
capability("aftersales.inspect", "退货检验、处理方案、换货质检 / inspect returns", group=G)
capability("aftersales.liability", "责任判定与结算 / liability for settlement", group=G)
capability("aftersales.supervise", "售后与维权每日总览 / daily view of refunds and disputes",
           level="read", group=G)

register_role_defaults({
    "aftersale_cs": ["aftersales.view", "aftersales.handle"],
    "presale_cs": ["aftersales.view"],
    "cs_supervisor": ["aftersales.view", "aftersales.handle", "aftersales.liability",
                      "aftersales.supervise"],
    "returns_receiver": ["aftersales.view", "aftersales.receive", "aftersales.inspect"],
    "warehouse_supervisor": ["aftersales.view", "aftersales.receive", "aftersales.inspect",
                             "aftersales.liability"],
    "manager": ["aftersales.view", "aftersales.handle", "aftersales.liability",
                "aftersales.supervise"],
    "general_manager": ["aftersales.view", "aftersales.supervise"],
    "finance": ["aftersales.view", "aftersales.liability"],
})

# -- after-sales (issue 5): the returns receiver's supervisor judges their decisions (AS-2
# scoring: a wrong sign/refuse, a problem not passed on, a parcel not registered).
capability("aftersales.review_receiving",
           "复核售后来件（判定签收/拒收错误、登记或转交差错） / review the returns desk", group=G)
register_role_defaults({
    "warehouse_supervisor": ["aftersales.review_receiving"],
    "manager": ["aftersales.review_receiving"],
})
