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
})
register_object_url("orders.order", "orders:order_detail")
