"""After-sales numbers (AS-1…AS-4): defaults from the seeds and common Chinese e-commerce
practice (七天无理由退货, 15 天换货, 一年保修), changeable by an administrator. Read them only
through core.registry.setting()."""

from shopops.core.registry import define

G = "售后 After-sales"

define("aftersales.return_days", 7, type="int", unit="天", min=1, max=90,
       label="退货/退款期限", group=G,
       description="签收后这么多天内可申请退货退款（七天无理由）或少件、未收到货的仅退款（AS-1）。"
                   "Days after delivery within which a return or refund can be requested.")
define("aftersales.exchange_days", 15, type="int", unit="天", min=1, max=365,
       label="换货期限", group=G,
       description="签收后这么多天内可因质量、破损、发错货、尺码等申请换货（AS-1）。"
                   "Days after delivery within which an exchange can be requested.")
define("aftersales.repair_days", 365, type="int", unit="天", min=1, max=3650,
       label="保修期限", group=G,
       description="签收后这么多天内可申请维修（AS-1）。Days after delivery within which a repair "
                   "can be requested.")
define("aftersales.max_photos", 6, type="int", unit="张", min=1, max=20,
       label="售后凭证图片数上限", group=G,
       description="一次售后申请或来件登记最多上传的图片数；每张图片受「图片大小上限」限制（CAT-7）。"
                   "Most photos per request or parcel; each within the image size limit.")
define("aftersales.respond_hours", 24, type="int", unit="小时", min=1, max=24 * 14,
       label="客服处理售后申请时限", group=G,
       description="客户提交售后申请后，客服须在这么多小时内同意或拒绝，超时上报客服主管（AS-1、APR-3）。"
                   "Hours customer service has to approve or reject a request before it is "
                   "escalated.")
define("aftersales.return_ship_days", 7, type="int", unit="天", min=1, max=60,
       label="买家寄回时限", group=G,
       description="同意退货/换货/维修后，客户须在这么多天内寄回并填写运单号，否则售后单自动关闭（AS-1）。"
                   "Days the customer has to ship the return; after that the request closes.")
define("aftersales.inspect_hours", 48, type="int", unit="小时", min=1, max=24 * 14,
       label="退货检验时限", group=G,
       description="签收退货后须在这么多小时内检验并标出处理方案，超时上报（AS-3）。"
                   "Hours after signing within which a return is inspected.")
define("aftersales.refund_hours", 48, type="int", unit="小时", min=1, max=24 * 14,
       label="检验后退款时限", group=G,
       description="退货检验后须在这么多小时内退款，超时上报客服主管（AS-1）。"
                   "Hours after inspection within which the refund is paid.")
define("aftersales.return_address", "浙江省 杭州市 余杭区 仓前街道 良睦路 1399 号 五步商城售后部 "
       "（售后组 收，0571-88886666）", type="str", label="退货地址", group=G,
       description="同意退货/换货/维修后告诉客户的寄回地址。The address customers ship returns to.")
define("aftersales.courier_damage_share_pct", 50, type="int", unit="%", min=0, max=100,
       label="包装破损时快递承担比例（建议）", group=G,
       description="外包装破损的售后损失，责任判定页默认按此比例划给快递公司，其余划给供应商；"
                   "判定人按实际受损部位调整（AS-4，合同第五条）。Suggested courier share when "
                   "the packaging arrived damaged.")
define("aftersales.complete_seconds", 600, type="int", unit="秒", min=60, max=24 * 3600,
       label="换货发出后完结检查间隔", group=G,
       description="每隔这么多秒，把换货/返修订单已发货的售后单标为已完成。How often requests "
                   "whose replacement has shipped are completed.")
