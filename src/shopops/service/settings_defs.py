"""Customer-service rule numbers; read them only through core.registry.setting()."""

from shopops.core.registry import define

G_PRIVACY = "客户信息 Privacy"
define("service.pii_reveal_minutes", 10, type="int", unit="分钟", min=1, max=8 * 60,
       label="完整个人信息显示时长", group=G_PRIVACY,
       description="有权限的员工点击“显示完整信息”后，该对象的客户姓名、电话、地址在这么多分钟内"
                   "完整显示，之后重新打码；每次显示都记录在案（ROLE-6）。"
                   "Minutes a revealed buyer's data stays visible to the person who revealed it.")

# chat (CS-1, CS-8) ----------------------------------------------------------------
from datetime import time  # noqa: E402

G_CHAT = "在线客服 Chat"
define("service.chat_opens", time(8, 30), type="time", unit="时:分", label="在线客服开始时间",
       group=G_CHAT,
       description="在线客服服务时间的开始（制度：在线客服服务时间为早上 8:30–21:00）。此前商城"
                   "聊天窗口显示非服务时间并改为留言。Start of the chat's service hours.")
define("service.chat_closes", time(21, 0), type="time", unit="时:分", label="在线客服结束时间",
       group=G_CHAT,
       description="在线客服服务时间的结束；之后的留言通知值班客服（制度：其余时间转接至值班客服"
                   "管理人员）。开始与结束相同表示 24 小时服务。End of the chat's service hours "
                   "(the same as the start: around the clock).")
define("service.offhours_duty_username", "", type="str", label="非服务时间值班人（用户名）",
       group=G_CHAT,
       description="非服务时间的留言通知此人；留空则通知当天排班表上的值班客服（人事“值班”），"
                   "再没有则通知客服主管。Who receives off-hours messages; empty: today's duty "
                   "person from the duty rota, else the CS supervisors.")
define("service.chat_message_max_chars", 1000, type="int", unit="字", min=50, max=10000,
       label="单条聊天消息最长字数", group=G_CHAT,
       description="客户或客服一条消息的最大长度。Longest chat message.")
# crm / quality ---------------------------------------------------------------------------
# Quality inspection (CS-3). The seeds (003 网站客服工作管理制度 · 客服要求, 004 客服考核) list
# the forbidden situations of online service but give neither points nor a response time:
# the wording below is the seeds' own ("您好，欢迎来到…，请问有什么需要帮助的吗？",
# "请"/"您", "好的，非常感谢您对…的关注与支持，再见"), the points are a starting weight an
# administrator adjusts.
G_QI = "客服质检 Quality inspection"
define("service.qi_greeting_keywords", ["您好", "你好", "欢迎光临", "欢迎来到", "很高兴为您服务"],
       type="list", label="开始语关键词", group=G_QI,
       description="客服最先发出的几条消息中应含其中之一（种子：“您好，欢迎来到五步商城，请问有什么"
                   "需要帮助的吗？”）。Words one of which the agent's opening message must contain.")
define("service.qi_greeting_messages", 2, type="int", unit="条", min=1, max=10,
       label="开始语检查条数", group=G_QI,
       description="开始语须出现在客服最先发出的这么多条消息里（问候常分两条发）。"
                   "How many of the agent's first messages may carry the greeting.")
define("service.qi_polite_keywords", ["您", "请"], type="list", label="礼貌用语关键词", group=G_QI,
       description="开始语和结束语之外，客服的正文回复中至少一条须含礼貌用语（种子：“请”“您”等）。"
                   "Polite words; at least one of the agent's replies besides greeting and "
                   "closing must use one.")
define("service.qi_closing_keywords",
       ["再见", "感谢您对", "感谢您的", "祝您购物愉快", "欢迎下次光临", "欢迎再次光临"],
       type="list", label="结束语关键词", group=G_QI,
       description="客服最后发出的几条消息中应含其中之一（种子：“好的，非常感谢您对五步商城的关注"
                   "与支持，再见。”）。Words one of which the agent's last messages must contain.")
define("service.qi_closing_messages", 2, type="int", unit="条", min=1, max=10,
       label="结束语检查条数", group=G_QI,
       description="结束语须出现在客服最后发出的这么多条消息里。"
                   "How many of the agent's last messages may carry the closing.")
define("service.qi_notice_triggers",
       ["下单", "拍下", "拍了", "付款", "付了款", "订单", "发货", "快递", "物流", "收货", "签收",
        "退货", "换货", "退款", "售后", "质量问题"],
       type="list", label="需提示注意事项的话题", group=G_QI,
       description="会话关联了订单、属于售中/售后，或客户消息提到这些词（下单、付款、发货、退换货…）"
                   "时，客服须主动提示注意事项。Customer words that make the conversation about an "
                   "order, a purchase or an after-sale, where a reminder of important notes is due.")
define("service.qi_notice_keywords",
       ["温馨提示", "注意", "提醒您", "请核对", "请确认", "请您核对", "请您确认", "当面验货",
        "先验货", "保留吊牌", "吊牌", "七天无理由", "洗涤"],
       type="list", label="注意事项提示用语", group=G_QI,
       description="客服提示注意事项时用到的话（核对地址、签收验货、保留吊牌、洗涤方法…），"
                   "有其一即算已提示。Words that show the agent reminded the customer of "
                   "important notes.")
define("service.qi_first_response_seconds", 30, type="int", unit="秒", min=1, max=3600,
       label="首次响应时限", group=G_QI,
       description="客户第一条消息到客服第一条回复超过这么多秒即为首次响应慢。种子只说“第一时间"
                   "做出快速反应”，未给数字；30 秒是淘宝/天猫客服考核常用的标准。Seconds from the "
                   "customer's first message to the agent's first reply before it is slow.")
define("service.qi_unanswered_ignore", ["嗯", "嗯嗯", "哦", "好", "好的", "ok", "OK", "👌"],
       type="list", label="无需回复的客户消息", group=G_QI,
       description="客户最后只说了这些（去掉标点后）不算未回复；客户道谢、道别仍须回敬（种子 G 条）。"
                   "Customer messages that need no reply; thanks and good-byes still do.")
define("service.qi_deduct_no_greeting", 10, type="int", unit="分", min=0, max=100,
       label="扣分：没有开始语", group=G_QI, description="Points for no greeting.")
define("service.qi_deduct_no_polite", 10, type="int", unit="分", min=0, max=100,
       label="扣分：不使用礼貌用语", group=G_QI, description="Points for no polite words.")
define("service.qi_deduct_no_closing", 10, type="int", unit="分", min=0, max=100,
       label="扣分：没有结束语", group=G_QI, description="Points for no closing.")
define("service.qi_deduct_no_notice", 15, type="int", unit="分", min=0, max=100,
       label="扣分：未主动提示注意事项", group=G_QI,
       description="Points for no reminder of important notes.")
define("service.qi_deduct_slow_first_response", 15, type="int", unit="分", min=0, max=100,
       label="扣分：首次响应慢", group=G_QI, description="Points for a slow first response.")
define("service.qi_deduct_unanswered", 20, type="int", unit="分", min=0, max=100,
       label="扣分：客户消息未回复", group=G_QI,
       description="Points for a customer message left unanswered.")
define("service.qi_sweep_seconds", 60, type="int", unit="秒", min=10, max=3600,
       label="自动质检间隔", group=G_QI,
       description="每隔这么多秒给已结束、尚未质检的会话评分。How often closed conversations are "
                   "scored.")
define("service.qi_batch_size", 200, type="int", unit="条", min=1, max=5000,
       label="每次自动质检会话数", group=G_QI,
       description="每次最多评这么多个会话，其余下次再评。Conversations scored per run at most.")

G_CRM = "客户管理 Customers"
define("service.follow_up_action", "escalate", type="str", label="回访超时处理", group=G_CRM,
       choices=("notify", "escalate"),
       description="回访超过计划时间未登记结果时：notify 只提醒回访人，escalate 同时上报其主管（CS-4）。"
                   "What happens when a follow-up visit is overdue.")
define("service.conversion_window_hours", 24, type="int", unit="小时", min=1, max=24 * 30,
       label="咨询转化时间窗", group=G_CRM,
       description="客户在咨询结束后这么多小时内付款下单，算作该次咨询成交（CS-7）。"
                   "Hours after a consultation within which the customer's paid order counts "
                   "as its deal.")
define("service.consultation_stages", ["presale"], type="list", label="计入转化率的会话阶段",
       group=G_CRM,
       description="这些阶段的会话（presale 售前、insale 售中、aftersale 售后）算作咨询，计入咨询"
                   "转化率；咨询表仍列出当天全部会话。Conversation stages that count as "
                   "consultations for the conversion rate.")

# reviews (CS-6): a bad review opens the contact task (service/actions/reviews.py)
G_REVIEWS = "商品评价 Reviews"
define("service.bad_review_max_rating", 2, type="int", unit="星", min=1, max=4,
       label="差评标准", group=G_REVIEWS,
       description="评分不高于这么多星的评价算差评，自动生成“联系客户”任务（CS-6）。"
                   "Ratings at or below this are bad reviews and open a contact task.")
define("service.bad_review_contact_hours", 24, type="int", unit="小时", min=1, max=24 * 14,
       label="差评联系客户时限", group=G_REVIEWS,
       description="差评后客服须在这么多小时内联系客户（CS-6），超时上报主管。"
                   "Hours customer service has to contact a customer after a bad review.")
