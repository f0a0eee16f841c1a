"""How the shop's events read in the event log."""

from shopops.core.event_labels import register_verbs

register_verbs({
    "customer.registered": "商城顾客注册",
    "customer.address_added": "添加收货地址",
    "customer.address_updated": "修改收货地址",
    "customer.address_default": "设置默认收货地址",
    "customer.address_deleted": "删除收货地址",
    "shop_account.locked": "商城账号锁定",
    "shop.order_placed": "商城下单",
    "payment.created": "发起支付",
    "payment.succeeded": "支付成功",
    "payment.failed": "支付失败",
    "payment.cancelled": "取消支付",
    "payment.notification_rejected": "支付通知被拒绝",
    "payment.late_reordered": "迟到付款：重新下单",
    "payment.late_refunded": "迟到付款：已退款",
    "payment.duplicate_refunded": "重复付款：已退款",
    "payment.refunded": "原路退款",
    "payment.refund_failed": "退款失败",
    "order.reordered_after_late_payment": "迟到付款重新下单",
    "review.submitted": "顾客评价",
    "review.bad_opened": "差评：联系客户",
})

