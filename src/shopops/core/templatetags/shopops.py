"""Presentation helpers shared by every page: event verbs and objects in Chinese, change
lists (before → after), object histories and money.

    {% load shopops %}
    {% object_history proposal %}              the object's audit trail (ROLE-4)
    {% show_changes event %}                   before → after of one event
    {{ order.total_fen|money }}                ¥1,234.50

Domains register how their events read and where their objects live:

    register_verbs({"order.reviewed": "审单通过"})
    register_object_url("orders.order", "orders:order_detail")
"""

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

register = template.Library()

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


def field_label(object_type: str, name: str) -> str:
    if object_type == "core.setting":
        from shopops.core.registry import REGISTRY

        definition = REGISTRY.get(name)
        return definition.label if definition else name
    model = _model(object_type)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 — any lookup failure means "no label"
            pass
    return name


def plain_value(value) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (list, tuple)):
        return "、".join(plain_value(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(
            value) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def change_rows(changes, object_type: str = ""):
    """[(label, before, after)] from {field: [before, after]}; malformed entries shown as is."""
    rows = []
    for name, pair in (changes or {}).items():
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            before, after = pair
        else:
            before, after = None, pair
        rows.append((field_label(object_type, name), plain_value(before), plain_value(after)))
    return rows


@register.filter
def verb_zh(verb):
    return verb_label(str(verb))


@register.simple_tag
def event_object_url(event):
    return object_url(event.object_type, event.object_id)


@register.simple_tag
def show_changes(event_or_changes, object_type=""):
    """Render before → after. Accepts an Event (field labels from its model) or a dict."""
    changes = event_or_changes
    if hasattr(event_or_changes, "changes"):
        changes = event_or_changes.changes
        object_type = object_type or event_or_changes.object_type
    rows = change_rows(changes, object_type)
    if not rows:
        return ""
    items = format_html_join(
        "", "<li><span class=\"field\">{}</span>：<del>{}</del> → <ins>{}</ins></li>", rows
    )
    return format_html("<ul class=\"changes\">{}</ul>", items)


@register.filter
def money(fen):
    """Integer fen → ¥1,234.50 (exact integer arithmetic, never float)."""
    if fen is None or fen == "":
        return ""
    try:
        exact = Decimal(str(fen))
    except (InvalidOperation, TypeError, ValueError):
        return fen
    if not exact.is_finite() or exact != exact.to_integral_value():
        return fen  # not a whole number of fen: show it as is rather than silently round
    fen = int(exact)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


@register.inclusion_tag("core/includes/history.html")
def object_history(obj, limit=50):
    """The audit trail of one object (ROLE-4), newest first; one query."""
    from shopops.core.events import history

    events = list(history(obj, limit=limit)) if obj is not None and obj.pk else []
    return {"history_events": events, "history_limit": limit}


@register.inclusion_tag("core/includes/history.html")
def history_for(object_type, object_id, limit=50):
    """Like object_history, for things that are not model rows (e.g. a setting key)."""
    from shopops.core.models import Event

    events = list(Event.objects.filter(object_type=object_type, object_id=str(object_id))
                  .select_related("actor")[:limit])
    return {"history_events": events, "history_limit": limit}
