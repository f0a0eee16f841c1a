"""Navigation of the staff pages."""

from django.utils.translation import gettext_noop

from shopops.core.access import LOGIN
from shopops.core.nav import nav_item

S = gettext_noop("人事 Staff")
nav_item(S, gettext_noop("我的考勤"), "staff:my_attendance", LOGIN, order=60)
nav_item(S, gettext_noop("排班"), "staff:roster", "staff.view_team", order=61)
nav_item(S, gettext_noop("考勤汇总"), "staff:attendance_sheet", "staff.view_team", order=62)
nav_item(S, gettext_noop("请假"), "staff:leave_list", LOGIN, order=63)
nav_item(S, gettext_noop("处罚"), "staff:penalty_list", "staff.view_team", order=64)
nav_item(S, gettext_noop("考核记分"), "staff:score_list", "staff.view_team", order=65)
nav_item(S, gettext_noop("工作日历"), "staff:calendar", LOGIN, order=61.1)
nav_item(S, gettext_noop("班次"), "staff:shift_list", LOGIN, order=61.2)
nav_item(S, gettext_noop("会议培训"), "staff:meeting_list", "staff.view_team", order=66)
nav_item(S, gettext_noop("我的会议"), "staff:my_meetings", LOGIN, order=60.5)
nav_item(S, gettext_noop("我的目标"), "staff:my_targets", LOGIN, order=60.6)
nav_item(S, gettext_noop("月度目标"), "staff:target_team", "staff.view_team", order=67)
nav_item(S, gettext_noop("辞职交接"), "staff:resignation_list", LOGIN, order=68)
nav_item(S, gettext_noop("基本工资"), "staff:pay_list", "staff.view_pay", order=65.5)
