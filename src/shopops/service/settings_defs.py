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
