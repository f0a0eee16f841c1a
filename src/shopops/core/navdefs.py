"""Navigation of the foundation's pages."""

from django.utils.translation import gettext_noop

from .access import LOGIN
from .nav import nav_item

# gettext_noop only marks the labels for the message catalog; base.html translates them when shown.

W = gettext_noop("工作台 Workbench")
A = gettext_noop("审批 Approvals")
S = gettext_noop("系统 System")

nav_item(W, gettext_noop("首页"), "core:home", LOGIN, order=1)
nav_item(W, gettext_noop("通知"), "core:inbox", LOGIN, order=2)
nav_item(W, gettext_noop("我的时限"), "core:my_deadlines", LOGIN, order=3)
nav_item(A, gettext_noop("待我审批"), "core:proposals_waiting", LOGIN, order=10)
nav_item(A, gettext_noop("我的申请"), "core:my_proposals", LOGIN, order=11)
nav_item(A, gettext_noop("审批历史"), "core:proposals_history", LOGIN, order=12)
nav_item(S, gettext_noop("全部时限"), "core:all_deadlines", "core.view_all_deadlines", order=80)
nav_item(S, gettext_noop("事件日志"), "core:events", "core.view_events", order=81)
nav_item(S, gettext_noop("员工账号"), "accounts:staff_list", "accounts.view_staff", order=82)
nav_item(S, gettext_noop("岗位与权限"), "accounts:role_list", "accounts.view_staff", order=83)
nav_item(S, gettext_noop("审批流程"), "core:approval_chains", "core.manage_approval_chains", order=84)
nav_item(S, gettext_noop("系统设置"), "core:settings", "core.manage_settings", order=85)
nav_item(S, gettext_noop("官方账户保管库"), "accounts:vault", "accounts.view_vault", order=86)
nav_item(S, gettext_noop("系统健康"), "ops:health", "ops.view_health", order=87)
nav_item(S, gettext_noop("数据备份"), "ops:backups", "ops.backup", order=88)
