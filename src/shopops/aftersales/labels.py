"""How after-sales events read in the event log, and where their objects' pages are."""

from shopops.core.event_labels import register_object_url, register_verbs

register_verbs({
    "aftersales.requested": "申请售后",
    "aftersales.taken": "接手售后单",
    "aftersales.approved": "同意售后",
    "aftersales.rejected": "拒绝售后",
    "aftersales.cancelled": "撤销售后",
    "aftersales.closed": "售后单自动关闭",
    "aftersales.escalated": "售后超时上报",
    "aftersales.return_shipped": "买家寄回",
    "aftersales.received": "退货签收",
    "aftersales.return_refused": "退回包裹拒收",
    "aftersales.inspected": "退货检验",
    "aftersales.repair_started": "送修",
    "aftersales.repaired": "维修完成",
    "aftersales.exchange_checked": "换货质检",
    "aftersales.replacement_created": "生成换货订单",
    "aftersales.completed": "售后完成",
    "aftersales.refunded": "退款",
    "aftersales.dispute_opened": "登记维权",
    "aftersales.dispute_updated": "更新维权",
    "aftersales.dispute_closed": "维权结束",
    "aftersales.liability_assessed": "责任判定",
    "aftersales.liabilities_exported": "导出售后责任",
    "aftersales.parcel_registered": "登记售后来件",
    "aftersales.parcel_signed": "签收来件",
    "aftersales.parcel_refused": "拒收来件",
    "aftersales.parcel_passed_on": "来件转交客服",
    "aftersales.receiving_fault": "售后员差错",
    "order.intercept_withdrawn": "取消拦截",
})
register_object_url("aftersales.aftersale", "aftersales:request_detail")
register_object_url("aftersales.returnparcel", "aftersales:parcel_detail")
