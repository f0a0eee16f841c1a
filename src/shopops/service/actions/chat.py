"""Live chat between shop customers and agents (CS-1, CS-2).

A conversation waits in the queue until an agent takes it (a conditional UPDATE: of two
agents taking the same one, one wins), goes on while messages pass both ways, and ends when
the agent or the customer closes it. A message to a conversation that has ended is refused
and nothing is stored: the message is written only after a conditional UPDATE of its still
open conversation, whose row lock then keeps a concurrent close waiting until it commits.

Each message is published after commit on the conversation's topic ("chat.<id>") and each
change of the queue on "chat"; the open pages fetch what is new (core.realtime).

The customer's side acts as a `core.actors.CustomerActor` when signed in to the shop, or as
a `VisitorActor` (an anonymous visitor known by the key in their session).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from shopops.core.access import require, user_can
from shopops.core.actors import customer_actor, is_customer
from shopops.core.errors import ConflictError, IllegalTransition, PermissionDeniedError, UserError
from shopops.core.events import actor_label, record
from shopops.core.notify import notify
from shopops.core.numbering import next_number
from shopops.core.realtime import publish
from shopops.core.registry import setting
from shopops.core.states import transition

from ..models import Conversation, Message
from ..privacy import mask_name
from ..queries_chat import OPEN_STATES, hours_label, in_service_hours, offhours_duty_people

State = Conversation.State
Sender = Message.Sender
NUMBER_PREFIX = "HH"

# The one map of legal moves of a conversation (core.states.transition).
ALLOWED: dict[str, set[str]] = {
    State.WAITING: {State.ACTIVE, State.CLOSED},
    State.ACTIVE: {State.CLOSED},
    State.CLOSED: set(),
}


@dataclass(frozen=True, eq=False)
class VisitorActor:
    """An anonymous shop visitor writing in the chat: known by the random key in their
    session (storefront.auth.visitor_key). Holds no capability."""

    key: str
    name: str = ""

    pk = None
    is_authenticated = False
    is_active = True
    is_customer = False
    is_visitor = True

    @property
    def display_name(self) -> str:
        # A name the visitor typed: masked like any buyer's (ROLE-6).
        return f"访客 {mask_name(self.name)}".strip() if self.name else "访客"

    def get_username(self) -> str:
        return self.display_name

    def capability_codes(self) -> frozenset:
        return frozenset()

    def __str__(self):
        return self.display_name


def is_visitor(actor) -> bool:
    return bool(getattr(actor, "is_visitor", False))


def shop_side(actor) -> bool:
    return is_customer(actor) or is_visitor(actor)


def owns(actor, conversation) -> bool:
    """Whether the shop side `actor` may follow and write in `conversation`: a signed-in
    customer their own; an anonymous visitor theirs until it joined a customer record."""
    if is_customer(actor):
        return conversation.customer_id == actor.customer_id
    if is_visitor(actor):
        return bool(actor.key) and conversation.visitor_key == actor.key \
            and conversation.customer_id is None
    return False


def topic(conversation) -> str:
    return f"chat.{conversation.pk}"


def console_link(conversation) -> str:
    return reverse("service:chat_conversation", args=[conversation.pk])


def _announce(conversation, verb, **extra):
    """After commit: the conversation's open pages and every agent's queue hear of it."""
    publish(topic(conversation), {"verb": verb, "id": str(conversation.pk), **extra})
    publish("chat", {"verb": verb, "id": str(conversation.pk)})


def _name(user) -> str:
    return actor_label(user)


def _who(actor) -> str:
    """How an actor is named in what staff read: agents by name; a customer or visitor
    without their name (buyers' names stay masked on staff pages, ROLE-6)."""
    if is_customer(actor):
        return "顾客"
    if is_visitor(actor):
        return "访客"
    return actor_label(actor)


def _clean_body(body) -> str:
    body = (body or "").strip()
    if not body:
        raise UserError("chat_empty_message", "请输入消息内容。", "Write a message first.")
    limit = setting("service.chat_message_max_chars")
    if len(body) > limit:
        raise UserError("chat_message_too_long", "消息太长（最多 {limit} 字），请分几条发送。",
                        "The message is too long ({limit} characters at most).", limit=limit)
    return body


def closed_error() -> UserError:
    return ConflictError("conversation_closed", "该会话已结束，消息未发送。",
                         "This conversation has ended; the message was not sent.")


def _write(conversation, *, sender, body, agent=None, now=None, first_response=False) -> Message:
    """Append a message to a conversation that is still open, or refuse (nothing stored).
    The UPDATE's row lock holds a concurrent close back until this transaction ends."""
    now = now or timezone.now()
    fields = {"last_message_at": now, "last_sender": sender}
    if first_response:
        fields["first_response_at"] = Coalesce(F("first_response_at"), Value(now))
    allowed = {"state__in": OPEN_STATES}
    if sender == Sender.AGENT:
        allowed = {"state": State.ACTIVE, "agent": agent}
    if not Conversation.objects.filter(pk=conversation.pk, **allowed).update(**fields):
        conversation.refresh_from_db()
        if conversation.state == State.CLOSED:
            raise closed_error()
        if conversation.state == State.WAITING:
            raise ConflictError("chat_not_taken", "请先接入该会话再回复。",
                                "Take the conversation before you answer.")
        raise PermissionDeniedError(
            "chat_not_yours", "该会话由 {name} 接待，您不能回复。",
            "{name} is serving this conversation.", name=_name(conversation.agent))
    message = Message.objects.create(conversation=conversation, sender=sender, agent=agent,
                                     body=body, at=now)
    conversation.last_message_at, conversation.last_sender = now, sender
    if first_response and conversation.first_response_at is None:
        conversation.first_response_at = now
    return message


def system_line(conversation, body: str, *, agent=None) -> Message:
    """A line the system writes into the conversation (joined, transferred, ended); both
    sides see it. It does not count as anyone speaking."""
    return Message.objects.create(conversation=conversation, sender=Sender.SYSTEM,
                                  agent=agent, body=body, at=timezone.now())


def _stage_for(order) -> str:
    from shopops.orders.states import SHIPPED_OR_LATER

    if order is None:
        return Conversation.Stage.PRESALE
    if order.state in SHIPPED_OR_LATER:
        return Conversation.Stage.AFTERSALE
    return Conversation.Stage.INSALE


# --- the customer's side ----------------------------------------------------------------

def open_conversation_of(actor):
    """The shop side's conversation still open, if any (the newest)."""
    if is_customer(actor):
        rows = Conversation.objects.filter(customer_id=actor.customer_id)
    elif is_visitor(actor) and actor.key:
        rows = Conversation.objects.filter(visitor_key=actor.key, customer__isnull=True)
    else:
        return None
    return rows.filter(state__in=OPEN_STATES, source=Conversation.Source.SHOP,
                       left_message=False).order_by("-started_at", "-pk").first()


@transaction.atomic
def start_conversation(*, actor, body, visitor_key="", visitor_name="", order=None,
                       stage="", subject="", check_hours=True) -> Conversation:
    """A shop customer or visitor asks a question: a waiting conversation with their first
    message. Their conversation still open is continued instead of opening a second one.
    Opened from an order page, the order is linked and the stage follows it (售中/售后).
    Off service hours it is refused (the widget offers 留言 instead); check_hours=False is
    for the demo, whose conversations stand for ones held in service hours."""
    if not shop_side(actor):
        raise PermissionDeniedError("chat_shop_only", "只有商城顾客可以发起在线咨询。",
                                    "Only shop customers start a chat.")
    body = _clean_body(body)
    existing = open_conversation_of(actor)
    if existing is not None:
        post_customer_message(actor=actor, conversation=existing, body=body)
        return existing
    if check_hours and not in_service_hours():
        raise UserError("chat_off_hours",
                        "现在不是在线客服服务时间（{hours}），请留言，我们会尽快联系您。",
                        "The chat is closed now (hours {hours}); please leave a message.",
                        hours=hours_label())
    customer_id = actor.customer_id if is_customer(actor) else None
    if order is not None and (customer_id is None or order.customer_id != customer_id):
        order = None  # only the customer's own order is taken from the page
    if stage not in Conversation.Stage.values:
        stage = _stage_for(order)
    now = timezone.now()
    conversation = Conversation.objects.create(
        number=next_number(NUMBER_PREFIX), source=Conversation.Source.SHOP, stage=stage,
        state=State.WAITING, customer_id=customer_id,
        visitor_key=visitor_key or getattr(actor, "key", ""),
        visitor_name=(visitor_name or getattr(actor, "name", ""))[:60], order=order,
        subject=(subject or body)[:200], started_at=now, last_message_at=now,
        last_sender=Sender.CUSTOMER)
    Message.objects.create(conversation=conversation, sender=Sender.CUSTOMER, body=body, at=now)
    record(actor=actor, verb="chat.opened", obj=conversation,
           summary=f"{_who(actor)}发起在线咨询（{conversation.get_stage_display()}）",
           data={"stage": stage, "order": order.pk if order else None})
    _announce(conversation, "chat.opened")
    return conversation


@transaction.atomic
def post_customer_message(*, actor, conversation, body) -> Message:
    if not owns(actor, conversation):
        raise PermissionDeniedError("chat_not_yours", "这不是您的会话。",
                                    "This is not your conversation.")
    message = _write(conversation, sender=Sender.CUSTOMER, body=_clean_body(body))
    _announce(conversation, "chat.message", message=message.pk)
    return message


@transaction.atomic
def join_visitor_conversations(*, customer, visitor_key) -> int:
    """A visitor signed in: the conversations they had as a visitor join their customer
    record (the agent then sees who they are, their orders and their history)."""
    if not visitor_key or customer is None:
        return 0
    rows = list(Conversation.objects.filter(visitor_key=visitor_key, customer__isnull=True)
                .order_by("pk"))
    if not rows:
        return 0
    Conversation.objects.filter(pk__in=[c.pk for c in rows], customer__isnull=True).update(
        customer=customer)
    actor = customer_actor(customer)
    for conversation in rows:
        record(actor=actor, verb="chat.customer_joined", obj=conversation,
               summary=f"访客登录，会话归入客户 {customer.number}", data={"customer": customer.pk})
        if conversation.state in OPEN_STATES:
            _announce(conversation, "chat.customer_joined")
    return len(rows)


@transaction.atomic
def leave_message(*, actor, body, name="", contact="") -> Conversation:
    """留言 off service hours: kept as a waiting conversation marked as a message, and the
    off-hours duty person is told at once (CS-8)."""
    if not shop_side(actor):
        raise PermissionDeniedError("chat_shop_only", "只有商城顾客可以留言。",
                                    "Only shop customers leave messages.")
    body = _clean_body(body)
    contact = (contact or "").strip()[:60]
    if not contact and not is_customer(actor):
        raise UserError("chat_contact_needed", "请留下您的手机号或其他联系方式，方便我们回复您。",
                        "Leave a phone number or another way to reach you.")
    now = timezone.now()
    conversation = Conversation.objects.create(
        number=next_number(NUMBER_PREFIX), source=Conversation.Source.SHOP,
        state=State.WAITING, left_message=True, contact=contact,
        customer_id=actor.customer_id if is_customer(actor) else None,
        visitor_key=getattr(actor, "key", ""), visitor_name=(name or "").strip()[:60],
        subject=body[:200], started_at=now, last_message_at=now, last_sender=Sender.CUSTOMER)
    Message.objects.create(conversation=conversation, sender=Sender.CUSTOMER, body=body, at=now)
    duty = offhours_duty_people(now)
    who = mask_name((name or "").strip()) or _who(actor)
    notify(duty, title=f"客户留言：{who}", body=body[:500], link=console_link(conversation),
           category="chat")
    record(actor=actor, verb="chat.message_left", obj=conversation,
           summary=f"{who} 在非服务时间留言，已通知值班："
                   + "、".join(_name(p) for p in duty),
           data={"duty": [p.pk for p in duty]})
    _announce(conversation, "chat.opened")
    return conversation


# --- the agent's side -------------------------------------------------------------------

@transaction.atomic
def take_conversation(*, actor, conversation) -> Conversation:
    """An agent takes a waiting conversation. Of two agents taking it at once, the first
    UPDATE wins; the other is told who has it."""
    require(actor, "service.chat")
    now = timezone.now()
    try:
        transition(conversation, State.ACTIVE, ALLOWED, machine="会话", agent=actor)
    except IllegalTransition:
        conversation.refresh_from_db()
        if conversation.state == State.CLOSED:
            raise ConflictError("conversation_closed", "该会话已结束。",
                                "This conversation has ended.") from None
        if conversation.agent_id == actor.pk:
            return conversation
        raise ConflictError("chat_already_taken", "该会话已被 {name} 接入。",
                            "{name} has already taken this conversation.",
                            name=_name(conversation.agent)) from None
    system_line(conversation, f"客服 {_name(actor)} 已接入，为您服务。", agent=actor)
    waited = int((now - conversation.started_at).total_seconds())
    record(actor=actor, verb="chat.taken", obj=conversation,
           summary=f"{_name(actor)} 接入会话 {conversation.number}（等待 {waited} 秒）",
           data={"waited_seconds": waited})
    _announce(conversation, "chat.taken")
    return conversation


@transaction.atomic
def post_agent_message(*, actor, conversation, body) -> Message:
    """The agent answers. The first answer sets the conversation's first response time
    (quality inspection reads it)."""
    require(actor, "service.chat")
    message = _write(conversation, sender=Sender.AGENT, body=_clean_body(body), agent=actor,
                     first_response=True)
    _announce(conversation, "chat.message", message=message.pk)
    return message


def _changed(conversation) -> UserError:
    """The error for a move that found the conversation no longer as the page showed it."""
    conversation.refresh_from_db()
    if conversation.state == State.CLOSED:
        return ConflictError("conversation_closed", "该会话已结束。", "This conversation has ended.")
    return ConflictError("chat_changed", "该会话刚刚有了变化（当前接待：{name}），请刷新后再试。",
                         "The conversation just changed (now with {name}); reload and try again.",
                         name=_name(conversation.agent) if conversation.agent else "—")


def _may_manage(actor, conversation):
    if conversation.agent_id == actor.pk or user_can(actor, "service.supervise_chat"):
        return
    raise PermissionDeniedError("chat_not_yours", "该会话由 {name} 接待，您不能操作。",
                                "{name} is serving this conversation.",
                                name=_name(conversation.agent) if conversation.agent else "—")


@transaction.atomic
def close_conversation(*, actor, conversation, summary="") -> Conversation:
    """End a conversation: the agent with the result (处理结果/客户反馈, which the seeds
    require to be recorded), or the customer from the shop."""
    summary = (summary or "").strip()
    if shop_side(actor):
        if not owns(actor, conversation):
            raise PermissionDeniedError("chat_not_yours", "这不是您的会话。",
                                        "This is not your conversation.")
        closed_by, line = None, "顾客已结束会话。"
    else:
        require(actor, "service.chat")
        if conversation.state == State.ACTIVE:
            _may_manage(actor, conversation)
        elif not user_can(actor, "service.supervise_chat"):
            raise PermissionDeniedError("chat_close_waiting", "请先接入该会话再结束。",
                                        "Take the conversation before closing it.")
        if not summary:
            raise UserError("chat_summary_needed", "请填写处理结果/客户反馈后再结束会话。",
                            "Write the result / the customer's feedback before closing.")
        closed_by, line = actor, "客服已结束本次会话，感谢您的咨询。"
    now = timezone.now()
    try:
        transition(conversation, State.CLOSED, ALLOWED, machine="会话", closed_at=now,
                   closed_by=closed_by, **({"summary": summary} if summary else {}))
    except IllegalTransition:
        raise _changed(conversation) from None
    system_line(conversation, line, agent=closed_by)
    record(actor=actor, verb="chat.closed", obj=conversation,
           summary=f"{_who(actor)} 结束会话 {conversation.number}"
                   + (f"：{summary[:100]}" if summary else ""),
           data={"by_customer": closed_by is None, "summary": summary})
    _announce(conversation, "chat.closed")
    return conversation


@transaction.atomic
def transfer_conversation(*, actor, conversation, to_agent, note="") -> Conversation:
    """转接: to a colleague or the supervisor, with a note for them. The new agent is told;
    the customer sees that they were passed on. A supervisor may also assign a waiting
    conversation this way."""
    require(actor, "service.chat")
    if conversation.state == State.ACTIVE:
        _may_manage(actor, conversation)
    else:
        require(actor, "service.supervise_chat")  # assigning from the queue
    note = (note or "").strip()
    if to_agent is None or not to_agent.is_active or not user_can(to_agent, "service.chat"):
        raise UserError("chat_transfer_target", "请选择一位在线客服同事或客服主管。",
                        "Choose a colleague who answers the chat.")
    if to_agent.pk == conversation.agent_id:
        raise UserError("chat_transfer_same", "该会话已经由 {name} 接待。",
                        "{name} already serves this conversation.", name=_name(to_agent))
    before = conversation.agent
    updated = Conversation.objects.filter(
        pk=conversation.pk, state=conversation.state, agent=conversation.agent_id,
        state__in=OPEN_STATES).update(state=State.ACTIVE, agent=to_agent)
    if not updated:
        raise _changed(conversation)
    conversation.state, conversation.agent = State.ACTIVE, to_agent
    system_line(conversation, f"已为您转接客服 {_name(to_agent)}，请稍候。", agent=to_agent)
    notify([to_agent], title=f"会话转接给您：{conversation.number}",
           body=f"{_name(actor)} 转接" + (f"：{note}" if note else ""),
           link=console_link(conversation), category="chat")
    record(actor=actor, verb="chat.transferred", obj=conversation,
           summary=f"{_name(actor)} 将会话 {conversation.number} 从 "
                   f"{_name(before) if before else '等待队列'} 转接给 {_name(to_agent)}"
                   + (f"：{note}" if note else ""),
           changes={"agent": [before.pk if before else None, to_agent.pk]}, data={"note": note})
    _announce(conversation, "chat.transferred")
    return conversation


@transaction.atomic
def set_stage(*, actor, conversation, stage) -> Conversation:
    require(actor, "service.chat")
    if stage not in Conversation.Stage.values:
        raise UserError("chat_bad_stage", "请选择售前、售中或售后。", "Choose a stage.")
    before = conversation.stage
    if before == stage:
        return conversation
    Conversation.objects.filter(pk=conversation.pk).update(stage=stage)
    conversation.stage = stage
    record(actor=actor, verb="chat.stage_changed", obj=conversation,
           summary=f"会话 {conversation.number} 阶段改为 {conversation.get_stage_display()}",
           changes={"stage": [before, stage]})
    return conversation


@transaction.atomic
def link_order(*, actor, conversation, order) -> Conversation:
    """Link the conversation to the order it is about. A visitor's conversation learns the
    customer from the order; an order of another customer is refused."""
    require(actor, "service.chat")
    if order is None:
        raise UserError("chat_no_order", "找不到该订单。", "No such order.")
    if conversation.customer_id and order.customer_id \
            and order.customer_id != conversation.customer_id:
        raise UserError("chat_order_other_customer", "订单 {number} 不是该客户的订单。",
                        "Order {number} belongs to another customer.", number=order.number)
    fields = {"order": order}
    if conversation.customer_id is None and order.customer_id:
        fields["customer_id"] = order.customer_id
    before = conversation.order_id
    Conversation.objects.filter(pk=conversation.pk).update(**fields)
    for key, value in fields.items():
        setattr(conversation, key, value)
    record(actor=actor, verb="chat.order_linked", obj=conversation,
           summary=f"会话 {conversation.number} 关联订单 {order.number}",
           changes={"order": [before, order.pk]})
    _announce(conversation, "chat.order_linked")
    return conversation


@transaction.atomic
def record_summary(*, actor, conversation, summary) -> Conversation:
    """Write or correct the result of a conversation (also after the customer closed it)."""
    require(actor, "service.chat")
    _may_manage(actor, conversation)
    summary = (summary or "").strip()
    if not summary:
        raise UserError("chat_summary_needed", "请填写处理结果/客户反馈。",
                        "Write the result / the customer's feedback.")
    before = conversation.summary
    Conversation.objects.filter(pk=conversation.pk).update(summary=summary)
    conversation.summary = summary
    record(actor=actor, verb="chat.summary_recorded", obj=conversation,
           summary=f"会话 {conversation.number} 处理结果：{summary[:100]}",
           changes={"summary": [before, summary]})
    return conversation
