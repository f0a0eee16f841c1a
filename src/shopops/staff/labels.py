"""How staff events read in the event log. Each part adds its verbs (additive edits)."""

from shopops.core.event_labels import register_verbs

register_verbs({})
# penalties, scorecards, monthly sheet (HR-6, HR-KPI)
register_verbs({
    "penalty.proposed": "提出处罚", "penalty.confirmed": "确认处罚", "penalty.rejected": "驳回处罚",
    "offence.updated": "修改处罚条例",
    "scores.computed": "计算考核记分",
    "sheet.drafted": "生成奖罚评分表", "sheet.reviewed": "审核奖罚评分表",
    "sheet.submitted": "奖罚评分表提交审批", "sheet.approved": "奖罚评分表已批准",
    "sheet.exported": "导出奖罚评分表",
})
# attendance, out passes, leave, absences (HR-3, HR-4)
register_verbs({
    "staff.clock_in": "上班打卡", "staff.clock_out": "下班打卡",
    "staff.late": "迟到", "staff.early": "早退",
    "staff.attendance_corrected": "补录考勤",
    "staff.out_pass_opened": "出门登记", "staff.out_pass_closed": "出门返回",
    "staff.leave_requested": "申请请假", "staff.leave_approved": "请假已批准",
    "staff.leave_rejected": "请假被驳回", "staff.leave_withdrawn": "撤回请假",
    "staff.absent": "旷工", "staff.dismissal_flag": "旷工达自动离职标准",
})

# Shifts, calendar and rosters (HR-1, HR-2).
register_verbs({
    "staff.roster_set": "排班",
    "staff.roster_filled": "批量排班",
    "staff.rest_rotated": "客服轮休排班",
    "staff.duty_assigned": "安排值班/值日",
    "staff.duty_cleared": "取消值班/值日",
    "staff.duty_rotated": "值班/值日轮值",
    "staff.calendar_override_saved": "设置节假日调整",
    "staff.calendar_override_deleted": "取消节假日调整",
    "staff.shift_saved": "保存班次",
})

# Meetings and trainings (HR-5).
register_verbs({
    "staff.meeting_scheduled": "安排会议/培训",
    "staff.morning_meetings_scheduled": "批量安排晨会",
    "staff.meeting_attendance": "会议点名",
    "staff.meeting_minutes": "记录会议纪要",
    "staff.training_results": "登记培训成绩",
})

# Targets and resignations (HR-7, HR-8).
register_verbs({
    "staff.target_set": "设置月度目标",
    "staff.resignation_submitted": "提交辞职", "staff.resignation_accepted": "接受辞职",
    "staff.handover_ticked": "交接事项完成", "staff.handover_completed": "交接完成",
    "staff.left": "离职",
})
