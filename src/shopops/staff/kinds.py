"""The proposal kinds staff owns: 请假 (HR-4), approved by the department manager (the
approval itself executes it: marks the request approved, excuses its absences), and the
monthly 奖罚评分表 (HR-KPI), whose approval marks the sheet approved."""

from shopops.core.approvals import register_kind

from .actions.leave import approve_leave, close_leave
from .actions.sheet import KIND as SHEET_KIND
from .actions.sheet import execute_sheet, reopen_sheet

register_kind(
    "staff_leave", "请假",
    chain={"proposer_roles": [],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": []},
    execute=approve_leave,
    on_reject=close_leave,
    describe=lambda payload: f"{payload.get('person', '')} {payload.get('when', '')}",
    field_labels={"leave_id": "请假编号", "person": "员工", "when": "时间", "hours": "小时",
                  "emergency": "紧急补假"},
)


def _describe_sheet(payload):
    return (f"{payload.get('month')} 奖罚评分表：{payload.get('rows')} 人，"
            f"合计 {int(payload.get('net_fen') or 0) / 100:.2f} 元")


register_kind(
    SHEET_KIND, "奖罚评分表审批",
    chain={"proposer_roles": ["warehouse_supervisor", "cs_supervisor", "manager"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": []},
    execute=execute_sheet, describe=_describe_sheet, on_reject=reopen_sheet,
    field_labels={"sheet_id": "评分表编号", "month": "月份", "rows": "人数",
                  "net_fen": "合计（分）"},
)
