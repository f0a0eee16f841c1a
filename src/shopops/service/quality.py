"""The quality-inspection engine (质检, CS-3): a closed conversation's messages scored against
the forbidden situations of online service in the seeds (003 网站客服工作管理制度 · 客服要求
"禁止出现以下6种状况", 004 客服岗位说明书 · 考核). Every keyword list, limit and deduction is a
setting (service/settings_defs.py, group 客服质检); the score is 100 minus the deductions of
the findings, never below 0.

What each rule means, precisely (system messages are ignored throughout):

- 没有开始语 no_greeting — none of the agent's first `qi_greeting_messages` (2) messages
  contains a greeting word (您好、欢迎光临、欢迎来到…). Greetings are often sent in two parts.
- 不使用礼貌用语 no_polite — none of the agent's replies *between* greeting and closing
  contains a polite word (您、请). The greeting and closing formulas carry 您 by themselves,
  so they do not count; when the agent wrote nothing but greeting and closing, those are
  checked instead.
- 没有结束语 no_closing — none of the agent's last `qi_closing_messages` (2) messages contains
  a closing word (再见、感谢您对…、祝您购物愉快…).
- 未主动提示客户注意事项 no_notice — applies only when the conversation concerns an order, a
  purchase or an after-sale: it is linked to an order, or its stage is 售中/售后, or a
  customer message mentions one of `qi_notice_triggers` (下单、付款、发货、退货、退款…). Then at
  least one agent message must contain one of `qi_notice_keywords` (温馨提示、请核对、当面验货、
  保留吊牌…). A pure product question before any purchase needs no reminder.
- 首次响应慢 slow_first_response — the agent's first message after the customer's first
  message came more than `qi_first_response_seconds` (30) later. Exactly the limit is in
  time; one second more is slow. No reply at all is "unanswered", not "slow".
- 客户消息未回复 unanswered — customer messages after the agent's last message (all of them
  when the agent never wrote), except those that need no reply (`qi_unanswered_ignore`:
  嗯、好的、OK…, compared without punctuation). Thanks and good-byes do need a reply (seed G:
  客户主动道谢/道别时，客服代表须给予相应回敬语).

`evaluate()` is pure (no writes); `inspect_conversation()` stores the one QualityCheck of a
conversation through the action (service.actions.quality).
"""

import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from shopops.core.registry import setting

NO_GREETING = "no_greeting"
NO_POLITE = "no_polite"
NO_CLOSING = "no_closing"
NO_NOTICE = "no_notice"
SLOW_FIRST_RESPONSE = "slow_first_response"
UNANSWERED = "unanswered"

# code → (Chinese label, deduction setting); the order the pages list them in.
RULES = {
    NO_GREETING: (gettext_noop("没有开始语"), "service.qi_deduct_no_greeting"),
    NO_POLITE: (gettext_noop("不使用礼貌用语"), "service.qi_deduct_no_polite"),
    NO_CLOSING: (gettext_noop("没有结束语"), "service.qi_deduct_no_closing"),
    NO_NOTICE: (gettext_noop("未主动提示客户注意事项"), "service.qi_deduct_no_notice"),
    SLOW_FIRST_RESPONSE: (gettext_noop("首次响应慢"), "service.qi_deduct_slow_first_response"),
    UNANSWERED: (gettext_noop("客户消息未回复"), "service.qi_deduct_unanswered"),
}
FULL_SCORE = 100
# Punctuation and spaces dropped before comparing a message with the "needs no reply" list.
# Question marks stay: "？" alone means "are you there?" and needs an answer.
_FILLER = re.compile(r"[\s，。！!、~～,.…：:；;·\"'“”‘’]+")


@dataclass
class Finding:
    rule: str
    detail: str
    message_ids: list = field(default_factory=list)

    def as_dict(self) -> dict:
        label, deduction_key = RULES[self.rule]
        return {"rule": self.rule, "label": label, "deduction": setting(deduction_key),
                "detail": self.detail, "message_ids": list(self.message_ids)}


@dataclass
class Evaluation:
    findings: list[dict]
    first_response_seconds: int | None

    @property
    def score(self) -> int:
        return max(0, FULL_SCORE - sum(f["deduction"] for f in self.findings))

    @property
    def rule_codes(self) -> str:
        return f" {' '.join(f['rule'] for f in self.findings)} " if self.findings else ""


def _has(text, words) -> bool:
    return any(w and w in text for w in words)


def evaluate(conversation, messages) -> Evaluation:
    """Score `conversation` from its `messages` (in time order). No database writes."""
    from .models import Conversation, Message

    talk = [m for m in messages if m.sender != Message.Sender.SYSTEM]
    agent = [m for m in talk if m.sender == Message.Sender.AGENT]
    customer = [m for m in talk if m.sender == Message.Sender.CUSTOMER]
    findings: list[Finding] = []

    greeting_words = setting("service.qi_greeting_keywords")
    opening = agent[:setting("service.qi_greeting_messages")]
    greetings = [m for m in opening if _has(m.body, greeting_words)]
    if not greetings:
        findings.append(Finding(NO_GREETING, "客服开头没有问候（如“您好，欢迎来到五步商城，请问有什么"
                                             "需要帮助的吗？”）。", [m.pk for m in opening]))

    closing_words = setting("service.qi_closing_keywords")
    ending = agent[-setting("service.qi_closing_messages"):] if agent else []
    closings = [m for m in ending if _has(m.body, closing_words)]
    if not closings:
        findings.append(Finding(NO_CLOSING, "客服结束时没有结束语（如“好的，非常感谢您对五步商城的关注"
                                            "与支持，再见。”）。", [m.pk for m in ending]))

    formula = {m.pk for m in greetings + closings}
    body = [m for m in agent if m.pk not in formula] or agent
    if body and not any(_has(m.body, setting("service.qi_polite_keywords")) for m in body):
        findings.append(Finding(NO_POLITE, "客服回复中没有使用“您”“请”等礼貌用语。",
                                [m.pk for m in body]))

    triggers = [m for m in customer if _has(m.body, setting("service.qi_notice_triggers"))]
    about_order = conversation.order_id is not None or conversation.stage in (
        Conversation.Stage.INSALE, Conversation.Stage.AFTERSALE)
    if (about_order or triggers) and not any(
            _has(m.body, setting("service.qi_notice_keywords")) for m in agent):
        findings.append(Finding(NO_NOTICE, _notice_detail(conversation, triggers),
                                [m.pk for m in triggers]))

    seconds = None
    if customer:
        first_ask = customer[0]
        reply = next((m for m in agent if (m.at, m.pk) > (first_ask.at, first_ask.pk)), None)
        if reply is not None:
            seconds = max(0, math.ceil((reply.at - first_ask.at).total_seconds()))
            limit = setting("service.qi_first_response_seconds")
            if seconds > limit:
                findings.append(Finding(SLOW_FIRST_RESPONSE,
                                        f"客户首条消息后 {seconds} 秒才回复（时限 {limit} 秒）。",
                                        [first_ask.pk, reply.pk]))

    last_agent = (agent[-1].at, agent[-1].pk) if agent else None
    ignore = {_FILLER.sub("", w) for w in setting("service.qi_unanswered_ignore")}
    left = [m for m in customer if (last_agent is None or (m.at, m.pk) > last_agent)
            and _FILLER.sub("", m.body) not in ignore - {""}]
    if left:
        findings.append(Finding(UNANSWERED, f"客户有 {len(left)} 条消息在会话结束前没有得到回复。",
                                [m.pk for m in left]))

    order = list(RULES)
    findings.sort(key=lambda f: order.index(f.rule))
    return Evaluation([f.as_dict() for f in findings], seconds)


def _notice_detail(conversation, triggers) -> str:
    if conversation.order_id is not None:
        why = "会话关联了订单"
    elif triggers:
        words = [w for w in setting("service.qi_notice_triggers")
                 if any(w in m.body for m in triggers)]
        why = "客户提到" + "、".join(f"“{w}”" for w in words[:3])
    else:
        why = f"会话属于{conversation.get_stage_display()}"
    return f"{why}，客服没有主动提示注意事项（核对地址、签收验货、保留吊牌等）。"


def inspect_conversation(conversation, *, rescore=False):
    """The conversation's QualityCheck, scored now if it has none (idempotent: one per
    conversation). rescore=True scores an unreviewed check again with today's settings;
    a check the supervisor has reviewed is never overwritten."""
    from .actions.quality import record_check

    return record_check(conversation=conversation, rescore=rescore)
