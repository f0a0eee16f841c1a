"""Proposal kinds owned by accounts: role changes, access-level changes, credential changes."""

from shopops.core.approvals import register_kind

from . import actions

register_kind(
    "role_change", "岗位变更",
    chain={"proposer_roles": ["manager", "sysadmin"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": ["sysadmin"]},
    validate=actions.check_role_change,
    execute=actions.apply_role_change,
    describe=actions.describe_role_change,
)
register_kind(
    "access_level_change", "数据权限变更",
    chain={"proposer_roles": ["manager", "sysadmin"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": ["sysadmin"]},
    validate=actions.check_access_level_change,
    execute=actions.apply_access_level_change,
    describe=actions.describe_access_level_change,
)
# ROLE-2: special users (数据库管理用户) need the general manager's approval.
register_kind(
    "special_access_change", "特殊用户权限变更",
    chain={"proposer_roles": ["manager", "sysadmin"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]},
                     {"label": "总经理审批", "roles": ["general_manager"]}],
           "executor_roles": ["sysadmin"]},
    validate=actions.check_access_level_change,
    execute=actions.apply_access_level_change,
    describe=actions.describe_access_level_change,
)
# ROLE-5: changing an official account needs the general manager's approval.
register_kind(
    "credential_change", "官方账户变更",
    chain={"proposer_roles": ["sysadmin", "manager"],
           "steps": [{"label": "总经理审批", "roles": ["general_manager"]}],
           "executor_roles": []},
    validate=actions.check_credential_change,
    execute=actions.apply_credential_change,
    describe=actions.describe_credential_change,
)
