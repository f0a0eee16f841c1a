"""Capabilities of the foundation (core, accounts, ops). Each app registers its own."""

from .access import capability

G = "系统 System"
capability("core.view_events", "查看事件日志 / view the event log", level="read", group=G)
capability("core.manage_settings", "修改系统设置 / change settings", level="write", group=G)
capability("core.manage_approval_chains", "配置审批流程 / configure approval chains",
           level="write", group=G)
capability("core.view_all_proposals", "查看全部申请 / see all proposals", level="read", group=G)
capability("core.view_all_deadlines", "查看全部时限 / see all deadlines", level="read", group=G)
capability("accounts.view_staff", "查看员工账号 / view staff accounts", level="read", group=G)
capability("accounts.manage_staff", "管理员工账号 / manage staff accounts", level="write", group=G)
capability("accounts.propose_role_change", "申请岗位或权限变更 / propose role changes",
           level="write", group=G)
capability("accounts.view_vault", "查看官方账户保管库 / view the credential vault",
           level="read", group=G)
capability("accounts.manage_vault", "登记官方账户 / register official accounts",
           level="write", group=G)
capability("ops.view_health", "查看系统健康 / view system health", level="read", group=G)
capability("ops.backup", "备份与恢复数据库 / back up and restore", level="db", group=G)
