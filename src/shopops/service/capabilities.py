"""Who may do what in customer service (CS-*) and with buyers' personal data (ROLE-6)."""

from shopops.accounts.roles import register_role_defaults
from shopops.core.access import capability

G = "客服 Customer service"
capability("service.chat", "在线接待、回复客户 / answer customers in the chat", group=G)
capability("service.supervise_chat", "查看全部会话、分配与转接 / supervise all conversations",
           group=G)
capability("service.log_conversation", "录入、导入平台与电话会话 / log and import conversations",
           group=G)
capability("service.manage_scripts", "维护话术库与公共快捷回复 / maintain the script library",
           group=G)
capability("service.view_customers", "查看客户档案 / view customer records", level="read",
           group=G)
capability("service.manage_customers", "维护客户档案、标签、回访 / maintain customer records",
           group=G)
capability("service.report_bad_customer", "上报劣质客户 / report a bad customer", group=G)
capability("service.confirm_bad_customer", "确认劣质客户 / confirm bad customers", group=G)
capability("service.manage_segments", "客户分群 / customer segments", group=G)
capability("service.reveal_pii", "查看客户完整姓名、电话、地址 / reveal buyers' personal data",
           group=G)
capability("service.view_pii_reveals", "查看个人信息查看记录 / see who revealed personal data",
           level="read", group=G)
capability("service.view_quality", "查看质检结果 / view quality inspection", level="read",
           group=G)
capability("service.review_quality", "复核质检、改分 / review quality inspection", group=G)
capability("service.view_reports", "咨询记录表、成交记录表、转化率 / consultation and deal logs",
           level="read", group=G)
capability("service.manage_reviews", "回复、处理商品评价 / answer product reviews", group=G)

_AGENTS = ["presale_cs", "aftersale_cs"]
_CS = _AGENTS + ["cs_supervisor"]
register_role_defaults({code: [
    "service.chat", "service.log_conversation", "service.view_customers",
    "service.manage_customers", "service.report_bad_customer", "service.reveal_pii",
    "service.view_quality", "service.view_reports", "service.manage_reviews",
] for code in _CS})
register_role_defaults({
    "cs_supervisor": ["service.supervise_chat", "service.manage_scripts",
                      "service.confirm_bad_customer", "service.manage_segments",
                      "service.review_quality", "service.view_pii_reveals"],
    "manager": ["service.supervise_chat", "service.view_customers", "service.confirm_bad_customer",
                "service.manage_segments", "service.reveal_pii", "service.view_pii_reveals",
                "service.view_quality", "service.review_quality", "service.view_reports",
                "service.manage_reviews"],
    "general_manager": ["service.view_customers", "service.view_quality",
                        "service.view_reports", "service.view_pii_reveals"],
    "planner": ["service.view_customers", "service.manage_segments", "service.view_reports"],
    "promotion": ["service.view_customers", "service.manage_segments"],
    "analyst": ["service.view_customers", "service.view_quality", "service.view_reports"],
    # The reviewer checks addresses (FUL-1); the returns receiver matches parcels to buyers.
    "reviewer": ["service.reveal_pii"],
    "returns_receiver": ["service.reveal_pii"],
    "warehouse_supervisor": ["service.reveal_pii"],
})

# chat -------------------------------------------------------------------------------
# Reading conversations (the list, a conversation's page) without answering them: the
# manager supervises without holding service.chat. Live chat topics: "chat" (the queue) and
# "chat.<conversation id>" (one conversation's messages) for those who answer.
from shopops.core.realtime import register_topic, register_topic_prefix  # noqa: E402

capability("service.view_conversations", "查看会话记录 / read conversations", level="read",
           group=G)
register_role_defaults({code: ["service.view_conversations"]
                        for code in _CS + ["manager", "general_manager"]})
register_topic("chat", "service.chat")
register_topic_prefix("chat.", "service.chat")
# crm / quality: exporting customer lists is its own, audited permission (ROLE-4), like
# catalog.export; the consultation and deal logs export with service.view_reports.
capability("service.export_customers", "导出客户数据（留痕）/ export customer data (audited)",
           group=G)
register_role_defaults({"cs_supervisor": ["service.export_customers"],
                        "manager": ["service.export_customers"]})
