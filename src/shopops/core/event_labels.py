"""How events read in Chinese and where their objects live (used by the event log, object
histories and the API). Domains register their own from their AppConfig.ready():

    register_verbs({"order.reviewed": "审单通过"})
    register_object_url("orders.order", "orders:order_detail")
"""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

# Full verbs first; otherwise the last part of "thing.done" is looked up in ACTIONS, so a
# new domain's events read sensibly in Chinese before it registers anything.
VERBS: dict[str, str] = {
    "proposal.created": "提出申请",
    "proposal.submitted": "提交审批",
    "proposal.step_approved": "审批通过（本步）",
    "proposal.approved": "审批通过",
    "proposal.rejected": "驳回申请",
    "proposal.withdrawn": "撤回申请",
    "proposal.commented": "评论申请",
    "proposal.executed": "执行申请",
    "setting.changed": "修改设置",
    "setting.reset": "恢复默认设置",
    "approval_chain.changed": "修改审批流程",
    "deadline.opened": "开始计时",
    "deadline.met": "按时完成",
    "deadline.fired": "超时触发",
    "deadline.cancelled": "取消时限",
    "deadline.closed": "关闭时限",
}
ACTIONS: dict[str, str] = {
    "created": "创建", "updated": "修改", "changed": "修改", "deleted": "删除",
    "removed": "移除", "added": "添加", "submitted": "提交", "approved": "批准",
    "rejected": "驳回", "withdrawn": "撤回", "executed": "执行", "commented": "评论",
    "cancelled": "取消", "reset": "重置", "revealed": "查看明文", "exported": "导出",
    "imported": "导入", "login": "登录", "logout": "退出登录", "login_failed": "登录失败",
    "granted": "授予", "revoked": "撤销", "assigned": "分配", "fired": "超时触发",
    "met": "按时完成", "escalated": "上报", "published": "发布", "restored": "恢复",
    "backed_up": "备份", "password_changed": "修改密码", "password_reset": "重置密码",
}
OBJECT_URLS: dict[str, tuple[str, str]] = {
    "core.proposal": ("core:proposal_detail", "int"),
    "core.setting": ("core:setting_edit", "str"),
    "accounts.user": ("accounts:staff_detail", "int"),
}
# Object types that are not models (a model's verbose_name is used otherwise).
TYPE_LABELS: dict[str, str] = {"core.setting": "系统设置"}


def register_verbs(labels: dict[str, str]):
    VERBS.update(labels)


def register_object_url(object_type: str, url_name: str, id_kind: str = "int", label: str = ""):
    """Events store only type and id; this says which page shows such an object."""
    OBJECT_URLS[object_type] = (url_name, id_kind)
    if label:
        TYPE_LABELS[object_type] = label


def verb_label(verb: str) -> str:
    if verb in VERBS:
        return VERBS[verb]
    return ACTIONS.get(verb.rsplit(".", 1)[-1], verb)


def object_url(object_type: str, object_id: str) -> str:
    """The page of an event's object, or "" when none is registered (no query needed)."""
    entry = OBJECT_URLS.get(object_type)
    if not entry or not object_id:
        return ""
    url_name, id_kind = entry
    if id_kind == "int" and not str(object_id).isdigit():
        return ""
    try:
        return reverse(url_name, args=[object_id])
    except NoReverseMatch:
        return ""


def object_type_label(object_type: str) -> str:
    """The model's Chinese name for "app.model", else the type itself."""
    if object_type in TYPE_LABELS:
        return TYPE_LABELS[object_type]
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def _model(object_type: str):
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
