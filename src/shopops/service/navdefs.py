"""Navigation of the customer-service pages."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

S = gettext_noop("客服 Service")
nav_item(S, gettext_noop("个人信息查看记录"), "service:pii_reveals", "service.view_pii_reveals",
         order=69)
# chat
nav_item(S, gettext_noop("客服工作台"), "service:chat_console", "service.chat", order=60)
nav_item(S, gettext_noop("会话记录"), "service:conversation_list", "service.view_conversations",
         order=61)
nav_item(S, gettext_noop("交接班"), "service:handover_list", "service.chat", order=62)
nav_item(S, gettext_noop("话术库"), "service:scripts", "service.manage_scripts", order=63)
nav_item(S, gettext_noop("录入会话"), "service:conversation_log", "service.log_conversation",
         order=64)
