from shopops.accounts.roles import register_role_defaults
from shopops.core.access import capability

G = "人事 Staff"
capability("staff.view_team", "查看排班、考勤、请假与考核 / view rosters, attendance, leave and scores",
           level="read", group=G)
capability("staff.manage_roster", "排班、值班值日 / manage rosters and duty rotas", group=G)
capability("staff.manage_calendar", "维护班次与节假日 / manage shifts and the holiday calendar",
           group=G)
capability("staff.record_attendance", "补录考勤、出门证 / correct attendance, out-of-office passes",
           group=G)
capability("staff.propose_penalty", "提出处罚 / propose penalties", group=G)
capability("staff.confirm_penalty", "确认处罚 / confirm penalties", group=G)
capability("staff.manage_scores", "计算考核、审核奖罚评分表 / compute scores, review the monthly sheet",
           group=G)
capability("staff.clock_device", "考勤机接口 / attendance device API", group=G)
capability("staff.manage_pay", "设置基本工资 / set base pay", group=G)
capability("staff.view_pay", "查看基本工资 / see base pay", level="read", group=G)
capability("staff.accept_resignation", "受理辞职、确认离职 / accept resignations and departures",
           group=G)

_SUPERVISORS = ["cs_supervisor", "warehouse_supervisor"]
register_role_defaults({code: ["staff.view_team", "staff.manage_roster",
                               "staff.record_attendance", "staff.propose_penalty",
                               "staff.manage_scores"] for code in _SUPERVISORS})
register_role_defaults({
    "manager": ["staff.view_team", "staff.manage_roster", "staff.manage_calendar",
                "staff.record_attendance", "staff.propose_penalty", "staff.confirm_penalty",
                "staff.manage_scores", "staff.accept_resignation", "staff.manage_pay",
                "staff.view_pay"],
    "general_manager": ["staff.view_team", "staff.confirm_penalty", "staff.view_pay",
                        "staff.manage_pay"],
    "sysadmin": ["staff.manage_calendar", "staff.clock_device"],
    "finance": ["staff.view_team", "staff.view_pay"],
})
# Clocking in and out, asking for leave and seeing one's own record are open to every
# signed-in person (access LOGIN); those pages show only the person's own data.
