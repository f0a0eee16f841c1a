"""How order events read in the event log and where an order's page is."""

from shopops.core.event_labels import register_object_url, register_verbs

register_verbs({
    "order.created": "创建订单",
    "order.paid": "订单付款",
    "order.confirmed": "确认订单",
    "order.cancelled": "取消订单",
    "order.held": "挂起订单",
    "order.out_of_stock": "标记缺货",
    "order.released": "解除挂起",
    "order.amended": "修改订单（红旗备注）",
    "order.payment_reminded": "催付提醒",
    "order.intercept_requested": "登记拦截",
    "orders.import_uploaded": "上传订单导出",
    "orders.import_applied": "确认订单导入",
    "orders.unmatched_resolved": "匹配未匹配订单行",
    "orders.unmatched_discarded": "放弃未匹配订单",
    "orders.daily_check": "每日异常订单检查",
})
register_object_url("orders.order", "orders:order_detail")
