"""How the customer-records and quality events read in the event log, and which page shows
their objects."""

from shopops.core.event_labels import register_object_url, register_verbs

register_verbs({
    "quality.scored": "自动质检", "quality.rescored": "重新质检", "quality.reviewed": "质检复核",
    "customer.created": "新建客户档案", "customer.updated": "修改客户档案",
    "customer.tagged": "添加客户标签", "customer.untagged": "移除客户标签",
    "customer.orders_linked": "关联订单", "customer.address_added": "添加收货地址",
    "customer.address_removed": "删除收货地址",
    "tag.saved": "保存客户标签", "tag.deleted": "删除客户标签",
    "segment.saved": "保存客户分群", "segment.deleted": "删除客户分群",
    "segment.exported": "导出客户分群",
    "follow_up.scheduled": "安排回访", "follow_up.logged": "登记回访结果",
    "follow_up.cancelled": "取消回访",
    "bad_customer.reported": "上报劣质客户", "bad_customer.confirmed": "确认劣质客户",
    "bad_customer.rejected": "驳回劣质客户上报",
    "review.replied": "回复评价", "review.hidden": "隐藏评价", "review.shown": "恢复显示评价",
    "service.report_exported": "导出咨询/成交记录表",
})
register_object_url("service.customer", "service:customer_detail")
register_object_url("service.qualitycheck", "service:quality_detail")
register_object_url("service.segment", "service:segment_detail")
