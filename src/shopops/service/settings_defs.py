"""Customer-service rule numbers; read them only through core.registry.setting()."""

from shopops.core.registry import define

G_PRIVACY = "客户信息 Privacy"
define("service.pii_reveal_minutes", 10, type="int", unit="分钟", min=1, max=8 * 60,
       label="完整个人信息显示时长", group=G_PRIVACY,
       description="有权限的员工点击“显示完整信息”后，该对象的客户姓名、电话、地址在这么多分钟内"
                   "完整显示，之后重新打码；每次显示都记录在案（ROLE-6）。"
                   "Minutes a revealed buyer's data stays visible to the person who revealed it.")
