"""Navigation of the customer-service pages: the agents' daily tools first, then the
customer records, then quality and reports."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

S = gettext_noop("客服 Service")
# chat
nav_item(S, gettext_noop("客服工作台"), "service:chat_console", "service.chat", order=48)
nav_item(S, gettext_noop("会话记录"), "service:conversation_list", "service.view_conversations",
         order=48.1)
nav_item(S, gettext_noop("交接班"), "service:handover_list", "service.chat", order=48.2)
nav_item(S, gettext_noop("录入会话"), "service:conversation_log", "service.log_conversation",
         order=48.3)
nav_item(S, gettext_noop("话术库"), "service:scripts", "service.manage_scripts", order=48.4)
# crm / quality
nav_item(S, gettext_noop("客户档案"), "service:customer_list", "service.view_customers", order=50)
nav_item(S, gettext_noop("回访"), "service:follow_up_list", "service.view_customers", order=51)
nav_item(S, gettext_noop("客户分群"), "service:segment_list", "service.view_customers", order=52)
nav_item(S, gettext_noop("劣质客户"), "service:bad_customer_list", "service.view_customers",
         order=53)
nav_item(S, gettext_noop("商品评价"), "service:review_list", "service.manage_reviews", order=54)
nav_item(S, gettext_noop("质检结果"), "service:quality_list", "service.view_quality", order=55)
nav_item(S, gettext_noop("客服质检汇总"), "service:quality_agents", "service.view_quality",
         order=56)
nav_item(S, gettext_noop("咨询与成交记录"), "service:consultation_log", "service.view_reports",
         order=58)
nav_item(S, gettext_noop("个人信息查看记录"), "service:pii_reveals", "service.view_pii_reveals",
         order=59)
