"""The order rules' numbers (ORD-2, ORD-3, ORD-5): defaults from the seeds, changeable by an
administrator on the settings page. Read them only through core.registry.setting()."""

from shopops.core.registry import define

G_ORDERS = "订单 Orders"

define("orders.unpaid_reminder_hours", 12, type="int", unit="小时", min=1, max=24 * 30,
       label="未付款催付时间", group=G_ORDERS,
       description="下单后这么多小时仍未付款，提醒客服催付（ORD-5）。"
                   "Hours after an unpaid order is created before the payment reminder.")
# 24 h: the reminder at 12 h leaves the customer another 12 h to pay, and the reserved stock is
# not held back from paying customers for days (at peak a reservation is a sale lost).
define("orders.unpaid_cancel_hours", 24, type="int", unit="小时", min=1, max=24 * 30,
       label="未付款自动取消时间", group=G_ORDERS,
       description="下单后这么多小时仍未付款，系统自动取消订单并释放库存占用（ORD-5）；"
                   "应大于催付时间。Hours after which an unpaid order is cancelled automatically.")
define("orders.contact_minutes", 10, type="int", unit="分钟", min=1, max=24 * 60,
       label="客服联系确认时限", group=G_ORDERS,
       description="订单付款（接单）后客服须在这么多分钟内联系客户确认，超时上报主管（ORD-2）。"
                   "Minutes customer service has to confirm an accepted order.")
define("orders.handover_hours", 24, type="int", unit="小时", min=1, max=24 * 30,
       label="移交运营跟踪时限", group=G_ORDERS,
       description="订单确认后须在这么多小时内审单、移交运营跟踪，超时上报主管（ORD-3）。"
                   "Hours within which a confirmed order is handed over (reviewed).")
