"""Conversations that did not happen in the shop's chat (CS-1): a phone call or a platform
chat (旺旺, 京东咚咚) logged by hand, and platform chat exports imported — previewed with
every bad row, then applied all or nothing, never doubling a conversation (the platform's
conversation id is unique per source)."""

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shopops.core.access import require
from shopops.core.errors import ConflictError, UserError
from shopops.core.events import actor_label, record, record_many
from shopops.core.numbering import next_number

from .. import importing_chat
from ..models import Conversation, ConversationImport, Customer, Message
from .chat import NUMBER_PREFIX

MAX_UPLOAD = 10 * 1024 * 1024
LOGGED_SOURCES = [s for s in Conversation.Source.values if s != Conversation.Source.SHOP]
# "10:02 客户：在吗" / "客服: 您好" — a line of a pasted or typed conversation.
_LINE = re.compile(r"^\s*(?:(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s+)?"
                   r"(?P<who>客户|买家|顾客|客服|卖家)\s*[:：]\s*(?P<body>.*)$")


def customer_for(*, actor, name="", phone="", nick="") -> Customer:
    """The customer record a logged or imported conversation belongs to: found by mobile
    number, then by platform account; a caller or buyer not on file gets a new record."""
    phone, nick, name = (phone or "").strip(), (nick or "").strip(), (name or "").strip()
    found = None
    if phone:
        found = Customer.objects.filter(phone=phone).order_by("pk").first()
    if found is None and nick:
        found = Customer.objects.filter(nick=nick).order_by("pk").first()
    if found is not None:
        return found
    if not (name or nick or phone):
        raise UserError("chat_log_customer", "请填写客户（姓名、手机或平台账号）。",
                        "Name the customer (name, phone or platform account).")
    customer = Customer.objects.create(number=next_number("KH"), name=(name or nick or phone)[:60],
                                       phone=phone[:30], nick=nick[:60])
    record(actor=actor, verb="customer.created", obj=customer,
           summary=f"由会话记录新建客户 {customer.number}", data={"from": "conversation"})
    return customer


def parse_lines(text: str, start: datetime) -> list[dict]:
    """Typed or pasted lines → messages. A line without "客户：/客服：" continues the one
    before it; a leading time (10:02) is taken on the conversation's day."""
    messages = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            if not messages:
                raise UserError("chat_log_line", "每条消息请以“客户：”或“客服：”开头：{line}",
                                "Start each message with 客户： or 客服：: {line}",
                                line=line.strip()[:40])
            messages[-1]["body"] += "\n" + line.strip()
            continue
        at = start
        if match["time"]:
            parts = [int(p) for p in match["time"].split(":")] + [0]
            if parts[0] > 23 or parts[1] > 59 or parts[2] > 59:
                raise UserError("chat_log_time", "时间不正确：{time}", "Bad time: {time}",
                                time=match["time"])
            at = timezone.localtime(start).replace(hour=parts[0], minute=parts[1],
                                                   second=parts[2], microsecond=0)
        sender = Message.Sender.CUSTOMER if match["who"] in ("客户", "买家", "顾客") \
            else Message.Sender.AGENT
        messages.append({"sender": sender, "at": max(at, messages[-1]["at"]) if messages
                         else at, "body": match["body"].strip()})
    return [m for m in messages if m["body"]]


def _create(*, actor, source, customer, agent, stage, order, summary, messages, started_at,
            external_id=None) -> Conversation:
    """A finished conversation with its messages, as the quality inspection reads it."""
    first_customer = next((m["at"] for m in messages if m["sender"] == "customer"), None)
    first_answer = next((m["at"] for m in messages if m["sender"] == "agent"
                         and (first_customer is None or m["at"] >= first_customer)), None)
    last = messages[-1] if messages else None
    ended = max(last["at"], started_at) if last else started_at
    conversation = Conversation.objects.create(
        number=next_number(NUMBER_PREFIX), source=source, stage=stage or "presale",
        state=Conversation.State.CLOSED, customer=customer, order_id=order, agent=agent,
        subject=(summary or (messages[0]["body"] if messages else ""))[:200],
        started_at=started_at, first_response_at=first_answer,
        last_message_at=last["at"] if last else None, last_sender=last["sender"] if last else "",
        closed_at=ended, closed_by=actor, summary=summary, logged_by=actor,
        external_id=external_id)
    Message.objects.bulk_create([
        Message(conversation=conversation, sender=m["sender"], body=m["body"], at=m["at"],
                agent_id=(m.get("agent") or getattr(agent, "pk", None))
                if m["sender"] == "agent" else None)
        for m in messages])
    return conversation


@transaction.atomic
def log_conversation(*, actor, source, started_at, customer=None, customer_name="",
                     customer_phone="", customer_nick="", stage="presale", lines="",
                     summary="", order=None, agent=None) -> Conversation:
    """A conversation held elsewhere (a phone call, 旺旺, 京东咚咚…) typed in afterwards:
    the messages, or only the summary of a call."""
    require(actor, "service.log_conversation")
    if source not in LOGGED_SOURCES:
        raise UserError("chat_log_source", "请选择会话来源（电话、旺旺、京东咚咚等）。",
                        "Choose where the conversation took place.")
    if stage not in Conversation.Stage.values:
        raise UserError("chat_bad_stage", "请选择售前、售中或售后。", "Choose a stage.")
    if started_at is None:
        raise UserError("chat_log_time_needed", "请填写会话时间。", "Give the time.")
    if started_at > timezone.now():
        raise UserError("chat_log_future", "会话时间不能晚于现在。", "The time is in the future.")
    messages = parse_lines(lines, started_at)
    summary = (summary or "").strip()
    if not messages and not summary:
        raise UserError("chat_log_empty", "请填写对话内容或处理结果。",
                        "Give the messages or the summary.")
    if customer is None:
        customer = customer_for(actor=actor, name=customer_name, phone=customer_phone,
                                nick=customer_nick)
    agent = agent or actor
    conversation = _create(actor=actor, source=source, customer=customer, agent=agent,
                           stage=stage, order=order.pk if order else None, summary=summary,
                           messages=[{**m, "agent": agent.pk} for m in messages],
                           started_at=started_at)
    record(actor=actor, verb="chat.logged", obj=conversation,
           summary=f"{actor_label(actor)} 录入{conversation.get_source_display()}会话"
                   f"（客户 {customer.number}，{len(messages)} 条消息）",
           data={"source": source, "messages": len(messages),
                 "order": order.pk if order else None})
    return conversation


@transaction.atomic
def start_import(*, actor, source, upload) -> ConversationImport:
    """Read the file and keep the preview; nothing is imported yet."""
    require(actor, "service.log_conversation")
    if source not in LOGGED_SOURCES:
        raise UserError("chat_import_source", "请选择聊天记录来自哪个平台。",
                        "Choose the platform the chats come from.")
    if upload is None:
        raise UserError("chat_import_no_file", "请选择要导入的文件。", "Choose a file to import.")
    if upload.size > MAX_UPLOAD:
        raise UserError("chat_import_too_big", "文件太大（上限 10 MB）。",
                        "The file is too large (10 MB at most).")
    conversations, problems = importing_chat.plan(upload.read(), upload.name, source)
    counts = {status: sum(1 for c in conversations if c["status"] == status)
              for status in ("ready", "duplicate", "error")}
    counts["bad_rows"] = sum(1 for p in problems if not p.get("duplicate"))
    job = ConversationImport.objects.create(
        source=source, original_name=(upload.name or "")[:200], plan=conversations,
        problems=problems, counts=counts, created_by=actor)
    record(actor=actor, verb="chat.import_uploaded", obj=job,
           summary=f"上传聊天记录 {job.original_name}（{job.get_source_display()}）："
                   f"可导入 {counts['ready']} 个会话，重复 {counts['duplicate']}，"
                   f"错误行 {counts['bad_rows']}", data=counts)
    return job


@transaction.atomic
def apply_import(*, actor, job) -> ConversationImport:
    """All or nothing: refused while any row is bad; every new conversation in one
    transaction; one imported meanwhile (a second tab, a colleague) stops it all."""
    require(actor, "service.log_conversation")
    if job.counts.get("bad_rows"):
        raise UserError("chat_import_has_errors",
                        "文件有 {count} 行错误，整批未导入。请修改文件后重新上传。",
                        "{count} bad rows: nothing imported. Fix the file and upload it again.",
                        count=job.counts["bad_rows"])
    if not ConversationImport.objects.filter(pk=job.pk, state=ConversationImport.State.PREVIEW) \
            .update(state=ConversationImport.State.APPLIED, applied_at=timezone.now()):
        raise ConflictError("chat_import_done", "该文件已导入过，不能重复导入。",
                            "This file was already imported.")
    ready = [c for c in job.plan if c["status"] == "ready"]
    created = []
    try:
        with transaction.atomic():
            for conv in ready:
                messages = [{**m, "at": parse_datetime(m["at"])} for m in conv["messages"]]
                agents = [m["agent"] for m in messages if m["agent"]]
                customer = customer_for(actor=actor, name=conv["name"], phone=conv["phone"],
                                        nick=conv["nick"])
                order = conv["order"]
                created.append(_create(
                    actor=actor, source=job.source, customer=customer,
                    agent=_user(agents[-1]) if agents else None, stage=conv["stage"],
                    order=order["id"] if order else None, summary=conv["summary"],
                    messages=messages, started_at=messages[0]["at"],
                    external_id=conv["external_id"]))
    except IntegrityError:
        raise ConflictError("chat_import_duplicate",
                            "导入期间有会话已由他人导入，整批未导入，请重新上传文件预览。",
                            "Some conversations were imported meanwhile; nothing imported. "
                            "Upload the file again.") from None
    record_many(actor=actor, object_type="service.conversation", entries=[
        {"verb": "chat.imported", "object_id": c.pk, "object_repr": c.number,
         "summary": f"导入{c.get_source_display()}会话 {c.external_id}",
         "data": {"import": job.pk}} for c in created])
    job.refresh_from_db()
    ConversationImport.objects.filter(pk=job.pk).update(
        counts={**job.counts, "imported": len(created)})
    job.counts["imported"] = len(created)
    record(actor=actor, verb="chat.import_applied", obj=job,
           summary=f"导入聊天记录 {job.original_name}：{len(created)} 个会话，"
                   f"跳过重复 {job.counts.get('duplicate', 0)} 个",
           data={"imported": len(created), "duplicate": job.counts.get("duplicate", 0)})
    return job


def _user(pk):
    from shopops.accounts.models import User

    return User.objects.get(pk=pk)
