"""Proposal kinds owned by inventory (stock adjustment after a stocktake), and how
inventory events read in the event log."""

from shopops.core.approvals import register_kind
from shopops.core.event_labels import register_object_url, register_verbs

from .actions import stocktake

register_kind(
    stocktake.KIND, "盘点差异调整",
    chain={"proposer_roles": ["warehouse_supervisor", "picker", "editor"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": []},
    validate=stocktake.check_adjustment,
    execute=stocktake.execute_adjustment,
    describe=stocktake.describe_adjustment,
    # Called by the approval engine when it supports the hook: rejected → counting again.
    on_reject=stocktake.reopen_after_rejection,
    field_labels={"document_id": "盘点单 ID", "number": "盘点单号", "warehouse": "仓库",
                  "lines": "差异明细"},
    field_formatters={"lines": stocktake.format_lines},
)

register_verbs({
    "warehouse.created": "新建仓库", "warehouse.updated": "修改仓库",
    "location.created": "新建库位", "location.updated": "修改库位",
    "location.bulk_created": "批量新建库位",
    "document.created": "新建单据", "document.updated": "修改单据",
    "document.submitted": "提交交接签字", "document.signed": "交接签字",
    "document.posted": "单据过账", "document.cancelled": "作废单据",
    "stocktake.created": "开始盘点", "stocktake.counted": "录入实盘",
    "stocktake.line_added": "盘点加行", "stocktake.submitted": "盘点差异提交审批",
    "stocktake.posted": "盘点过账", "stocktake.reopened": "重新盘点",
    "stock.safety_changed": "设置安全库存", "stock.low_alerted": "库存预警",
})
register_object_url("inventory.document", "inventory:document_detail")
register_object_url("inventory.warehouse", "inventory:warehouse_detail")
