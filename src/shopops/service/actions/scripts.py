"""Quick replies (快捷回复) and the script library (话术库, CS-2).

An agent keeps their own quick replies; the shared ones and the script library are
maintained by those holding service.manage_scripts (the CS supervisor)."""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.events import record

from ..models import QuickReply, Script


def _text(value, label, limit=None):
    value = (value or "").strip()
    if not value:
        raise UserError("script_field_needed", "请填写{label}。", "Fill in {label}.", label=label)
    if limit and len(value) > limit:
        raise UserError("script_field_too_long", "{label}最多 {limit} 字。",
                        "{label}: {limit} characters at most.", label=label, limit=limit)
    return value


def _may_edit_reply(actor, reply):
    if reply.owner_id is None:
        require(actor, "service.manage_scripts")
    elif reply.owner_id != actor.pk:
        raise PermissionDeniedError("quick_reply_not_yours", "这是其他同事的快捷回复。",
                                    "This quick reply belongs to a colleague.")


@transaction.atomic
def save_quick_reply(*, actor, title, body, shared=False, sort_order=100,
                     reply=None) -> QuickReply:
    """Create (reply None) or change a quick reply: the actor's own, or shared."""
    require(actor, "service.chat")
    title, body = _text(title, "名称", 40), _text(body, "内容", 1000)
    if reply is None:
        if shared:
            require(actor, "service.manage_scripts")
        reply = QuickReply.objects.create(owner=None if shared else actor, title=title,
                                          body=body, sort_order=sort_order)
        verb, summary = "chat.quick_reply_created", f"新增{'公共' if shared else ''}快捷回复「{title}」"
    else:
        _may_edit_reply(actor, reply)
        QuickReply.objects.filter(pk=reply.pk).update(title=title, body=body,
                                                      sort_order=sort_order)
        reply.title, reply.body, reply.sort_order = title, body, sort_order
        verb, summary = "chat.quick_reply_changed", f"修改快捷回复「{title}」"
    record(actor=actor, verb=verb, obj=reply, summary=summary,
           data={"shared": reply.owner_id is None})
    return reply


@transaction.atomic
def remove_quick_reply(*, actor, reply):
    require(actor, "service.chat")
    _may_edit_reply(actor, reply)
    record(actor=actor, verb="chat.quick_reply_removed", obj=reply,
           summary=f"删除快捷回复「{reply.title}」", data={"body": reply.body})
    reply.delete()


@transaction.atomic
def save_script(*, actor, step, title, body, sort_order=100, active=True,
                script=None) -> Script:
    """Create (script None) or change a line of the script library."""
    require(actor, "service.manage_scripts")
    if step not in Script.Step.values:
        raise UserError("script_bad_step", "请选择服务环节。", "Choose a step of the service flow.")
    title, body = _text(title, "标题", 60), _text(body, "话术", 2000)
    fields = {"step": step, "title": title, "body": body, "sort_order": sort_order,
              "active": bool(active), "updated_by": actor, "updated_at": timezone.now()}
    if script is None:
        script = Script.objects.create(**fields)
        verb, summary = "chat.script_created", f"话术库新增「{script}」"
        changes = {}
    else:
        before = {k: getattr(script, k) for k in ("step", "title", "body", "active")}
        Script.objects.filter(pk=script.pk).update(**fields)
        for key, value in fields.items():
            setattr(script, key, value)
        verb, summary = "chat.script_changed", f"话术库修改「{script}」"
        changes = {k: [v, fields[k]] for k, v in before.items() if v != fields[k]}
    record(actor=actor, verb=verb, obj=script, summary=summary, changes=changes)
    return script
