"""How the warehouse line's events read in the event log, and where its objects' pages are.
Each step adds its verbs here (one registry call per step, kept together)."""

from shopops.core.event_labels import register_object_url, register_verbs

register_verbs({
    # review (FUL-1)
    "order.reviewed": "审单通过",
    "order.review_held": "审单挂起",
    "order.merged": "合并发货",
    "order.split": "拆分订单",
    "review.batch_run": "审单批次",
    "review_rules.created": "新建审单规则",
    "review_rules.dry_run": "审单规则试运行",
    "review_rules.activated": "启用审单规则",
    "review_rules.updated": "修改审单规则草稿",
    "review.end_of_day_sent": "发送下班前未完成清单",
    # print (FUL-2)
    "wave.created": "建波次",
    "wave.printed": "打印波次",
    "wave.reprinted": "重打",
    "wave.handed_to_picker": "交备货员",
    "wave.dissolved": "撤销波次",
    "order.printed": "打单",
    "slip.voided": "作废配货单/快递单",
    # pick (FUL-3)
    "wave.picked": "配货完成",
    "wave.done": "波次完成",
    "order.picked": "配货",
    "transfer_request.created": "报缺/调拨申请",
    "transfer_request.fulfilled": "调拨完成",
    "transfer_request.unmet": "调拨未满足",
    "sku.discontinued_question": "询问是否停产",
    # verify (FUL-4)
    "verify.started": "开始验货",
    "verify.rejected": "验货拦截错误",
    "order.verified": "验货完成",
    "order.intercepted": "验货拦截",
    "order.intercept_requested": "登记拦截",
    # pack, hand over, ship (FUL-5, FUL-6)
    "parcel.packed": "打包",
    "parcel.repacked": "拆箱取出拦截订单",
    "parcel.weight_check": "称重异常待核",
    "parcel.weight_cleared": "核重通过",
    "handover.created": "建交接单",
    "handover.pickup_requested": "预约揽收",
    "handover.scanned": "交接扫描",
    "handover.closed": "完成交接",
    "order.shipped": "发货",
    "order.delivered": "签收",
    "tracking.exception": "物流异常",
    "tracking.imported": "导入物流轨迹",
    "summary.generated": "生成发货销售汇总",
    # tracking and completion (FUL-6)
    "order.shipping_status_published": "物流状态同步到渠道",
    "order.completed": "订单完成",
    # verify, pack, hand over: the stations' other records (FUL-4, FUL-5)
    "verify.abandoned": "重新验货",
    "handover.rejected": "交接扫描拒绝",
    "handover.parcel_removed": "移出交接单",
    "handover.parcel_stopped": "交接拦截包裹",
})
register_object_url("fulfillment.reviewruleset", "fulfillment:rule_detail")
register_object_url("fulfillment.wave", "fulfillment:wave_detail")
register_object_url("fulfillment.handover", "fulfillment:handover_detail")
register_object_url("fulfillment.parcel", "fulfillment:parcel_detail")
register_object_url("fulfillment.shippingsummary", "fulfillment:summary_detail")
