"""The proposal kind staff owns: 请假 (HR-4), approved by the department manager; the
approval itself executes it (marks the request approved, excuses its absences)."""

from shopops.core.approvals import register_kind

from .actions.leave import approve_leave, close_leave

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
