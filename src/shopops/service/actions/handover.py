"""Shift handover (交接班, CS-8): an agent going off shift passes their open conversations to
the next shift's colleague, each with the proposed solution (建议处理方案) and a note. The
colleague reads and accepts it; then the conversations are theirs."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shopops.core.access import require, user_can
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.events import actor_label, record
from shopops.core.notify import notify

from ..models import Conversation, HandoverItem, ShiftHandover
from .chat import _announce, system_line


@transaction.atomic
def hand_over(*, actor, to_agent, items, note="") -> ShiftHandover:
    """items: [{"conversation": Conversation, "proposed_solution": "…", "note": "…"}] —
    the actor's conversations in progress."""
    require(actor, "service.chat")
    if to_agent is None or not to_agent.is_active or not user_can(to_agent, "service.chat"):
        raise UserError("handover_target", "请选择接班的客服同事。",
                        "Choose the colleague taking over.")
    if to_agent.pk == actor.pk:
        raise UserError("handover_self", "不能交接给自己。", "You cannot hand over to yourself.")
    if not items:
        raise UserError("handover_empty", "请至少选择一个未结束的会话交接。",
                        "Choose at least one open conversation to hand over.")
    ids = [item["conversation"].pk for item in items]
    current = Conversation.objects.in_bulk(ids)
    pending = set(HandoverItem.objects.filter(
        conversation_id__in=ids, handover__accepted_at__isnull=True)
        .values_list("conversation_id", flat=True))
    for item in items:
        conversation = current.get(item["conversation"].pk)
        number = item["conversation"].number
        if conversation is None or conversation.state != Conversation.State.ACTIVE \
                or conversation.agent_id != actor.pk:
            raise UserError("handover_not_yours", "会话 {number} 不是您正在接待的会话，不能交接。",
                            "Conversation {number} is not one you are serving.", number=number)
        if conversation.pk in pending:
            raise ConflictError("handover_pending", "会话 {number} 已在另一份交接中，等待接班确认。",
                                "Conversation {number} is already in a pending handover.",
                                number=number)
        if not (item.get("proposed_solution") or "").strip():
            raise UserError("handover_solution_needed", "请填写会话 {number} 的建议处理方案。",
                            "Write the proposed solution for conversation {number}.",
                            number=number)
    handover = ShiftHandover.objects.create(from_agent=actor, to_agent=to_agent,
                                            note=(note or "").strip())
    HandoverItem.objects.bulk_create([
        HandoverItem(handover=handover, conversation=current[item["conversation"].pk],
                     proposed_solution=item["proposed_solution"].strip(),
                     note=(item.get("note") or "").strip()) for item in items])
    numbers = [current[pk].number for pk in ids]
    notify([to_agent], title=f"{actor_label(actor)} 向您交班：{len(ids)} 个未结束会话",
           body=handover.note, link=reverse("service:handover_detail", args=[handover.pk]),
           category="chat")
    record(actor=actor, verb="chat.handover_created", obj=handover,
           summary=f"{actor_label(actor)} 交班给 {actor_label(to_agent)}：" + "、".join(numbers),
           data={"conversations": ids, "to": to_agent.pk})
    for pk in ids:
        record(actor=actor, verb="chat.handed_over", obj=current[pk],
               summary=f"交班给 {actor_label(to_agent)}，待接班确认", data={"handover": handover.pk})
    return handover


@transaction.atomic
def accept_handover(*, actor, handover) -> dict:
    """The next shift's colleague accepts: each conversation still in the handing agent's
    hands moves to them (the customer sees who continues). Those closed or moved meanwhile
    are skipped and said so."""
    require(actor, "service.chat")
    if handover.to_agent_id != actor.pk:
        raise PermissionDeniedError("handover_not_yours", "这份交接是交给 {name} 的。",
                                    "This handover is for {name}.",
                                    name=actor_label(handover.to_agent))
    now = timezone.now()
    if not ShiftHandover.objects.filter(pk=handover.pk, accepted_at__isnull=True).update(
            accepted_at=now):
        raise ConflictError("handover_accepted", "这份交接已经确认过了。",
                            "This handover was already accepted.")
    handover.accepted_at = now
    moved, skipped = [], []
    for item in handover.items.select_related("conversation"):
        conversation = item.conversation
        if Conversation.objects.filter(pk=conversation.pk, state=Conversation.State.ACTIVE,
                                       agent=handover.from_agent_id).update(agent=actor):
            conversation.agent = actor
            moved.append(conversation)
            system_line(conversation, f"客服 {actor_label(actor)} 接班，继续为您服务。", agent=actor)
            record(actor=actor, verb="chat.handover_accepted", obj=conversation,
                   summary=f"{actor_label(actor)} 接班，建议处理方案：{item.proposed_solution[:100]}",
                   changes={"agent": [handover.from_agent_id, actor.pk]},
                   data={"handover": handover.pk})
            _announce(conversation, "chat.transferred")
        else:
            skipped.append(conversation)
    notify([handover.from_agent], title=f"{actor_label(actor)} 已确认接班",
           body=f"接手 {len(moved)} 个会话" + (f"，{len(skipped)} 个已结束或已转出" if skipped else ""),
           link=reverse("service:handover_detail", args=[handover.pk]), category="chat")
    record(actor=actor, verb="chat.handover_confirmed", obj=handover,
           summary=f"{actor_label(actor)} 确认接班：接手 {len(moved)} 个会话"
                   + (f"，{len(skipped)} 个已结束或已转出未接手" if skipped else ""),
           data={"moved": [c.pk for c in moved], "skipped": [c.pk for c in skipped]})
    return {"moved": moved, "skipped": skipped}
