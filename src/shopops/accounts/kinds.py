"""Proposal kinds owned by accounts: role changes, access-level changes, credential changes."""

from shopops.core.approvals import register_kind

from . import actions
from .models import AccessLevel

_PERSON = {"user_id": "员工编号", "user_label": "员工"}
_LEVEL_LABELS = {**_PERSON, "from": "原级别", "to": "新级别"}


def _level(code):
    return str(dict(AccessLevel.choices).get(code, code or "—"))


_ROLE_FORMAT = {"add": lambda adds: [actions.added_role_label(a) for a in adds or []],
                "remove": lambda codes: [actions.role_name(c) for c in codes or []]}
_LEVEL_FORMAT = {"from": _level, "to": _level}

register_kind(
    "role_change", "岗位变更",
    chain={"proposer_roles": ["manager", "sysadmin"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": ["sysadmin"]},
    validate=actions.check_role_change,
    execute=actions.apply_role_change,
    describe=actions.describe_role_change,
    field_labels={**_PERSON, "add": "增加岗位", "remove": "取消岗位"},
    field_formatters=_ROLE_FORMAT,
)
register_kind(
    "access_level_change", "数据权限变更",
    chain={"proposer_roles": ["manager", "sysadmin"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": ["sysadmin"]},
    validate=actions.check_access_level_change,
    execute=actions.apply_access_level_change,
    describe=actions.describe_access_level_change,
    field_labels=_LEVEL_LABELS,
    field_formatters=_LEVEL_FORMAT,
)
# ROLE-2: special users (数据库管理用户) need the general manager's approval.
register_kind(
    "special_access_change", "特殊用户权限变更",
    chain={"proposer_roles": ["manager", "sysadmin"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]},
                     {"label": "总经理审批", "roles": ["general_manager"]}],
           "executor_roles": ["sysadmin"]},
    # The ordinary kind refuses changes touching the db level; this one accepts them.
    validate=actions.check_special_access_change,
    execute=actions.apply_access_level_change,
    describe=actions.describe_access_level_change,
    field_labels=_LEVEL_LABELS,
    field_formatters=_LEVEL_FORMAT,
)
# ROLE-5: changing an official account needs the general manager's approval. The new
# secret travels only as ciphertext, and pages mask even that.
register_kind(
    "credential_change", "官方账户变更",
    chain={"proposer_roles": ["sysadmin", "manager"],
           "steps": [{"label": "总经理审批", "roles": ["general_manager"]}],
           "executor_roles": []},
    validate=actions.check_credential_change,
    execute=actions.apply_credential_change,
    describe=actions.describe_credential_change,
    hidden_fields=["secret_encrypted"],
    field_labels={"credential_id": "账户编号", "credential_name": "官方账户", "version": "版本",
                  "login": "新登录账号", "url": "新网址", "secret_encrypted": "新密码"},
)
