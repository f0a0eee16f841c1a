"""The consultation log (客户咨询表) and deal log (成交记录表) of CS-7, generated from the
conversations and the orders — never typed — and the conversion rate (咨询转化率).

Definitions (the seeds ask for the two tables daily — 004: "按照要求每天填写《网络部客户咨询表》
和《网络部成交记录表》" — and name the rate, without defining the terms):

- A conversation belongs to the day it started (local time). The consultation log lists every
  conversation of the day, after-sale ones too, since it is the log of customers' enquiries.
- A *consultation* (counted for the conversion rate) is a conversation of the day whose stage
  is one of the setting service.consultation_stages (default 售前 only) and in which the
  customer wrote at least once (an agent's outreach with no answer is not a consultation).
- A *deal* is a paid order (paid_at set, not cancelled) of the same customer placed after the
  consultation started and at most service.conversion_window_hours (24) after it ended
  (closed, else its last message). When several consultations of the customer qualify, the
  order is credited to the latest one before it (last touch), so each order counts once and
  the agent credited is that consultation's agent. Anonymous visitors (no customer record)
  cannot be matched to orders and so never convert.
- Conversion rate = consultations with at least one deal ÷ consultations.

`agent_month_stats(user, year, month)` gives issue 6's CS scorecards one agent's month:
consultations, conversion, deal amount, QI average and first-response times.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef

from shopops.core.registry import setting

from .models import Conversation, Message
from .quality import SLOW_FIRST_RESPONSE
from .queries_customers import purchases
from .queries_quality import bounds, per_agent

# Long conversations: how far past a range's end a consultation may still be running.
_SLACK = timedelta(days=1)


@dataclass
class Consultation:
    conversation: Conversation
    counts: bool
    deals: list = field(default_factory=list)

    @property
    def converted(self) -> bool:
        return bool(self.deals)

    @property
    def ended_at(self):
        c = self.conversation
        return c.closed_at or c.last_message_at or c.started_at


@dataclass
class AgentDay:
    agent: object
    consultations: int = 0
    converted: int = 0
    orders: int = 0
    amount_fen: int = 0
    conversations: int = 0

    @property
    def rate(self):
        return ratio(self.converted, self.consultations)


@dataclass
class Log:
    start: date
    end: date
    entries: list  # [Consultation], every conversation of the range, oldest first
    deals: list  # [(order, Consultation)], by order time
    agents: list  # [AgentDay], by agent

    @property
    def counted(self):
        return [e for e in self.entries if e.counts]

    @property
    def totals(self) -> AgentDay:
        total = AgentDay(agent=None)
        for row in self.agents:
            for name in ("consultations", "converted", "orders", "amount_fen", "conversations"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def ratio(part, whole):
    """part/whole as a Decimal to 4 places (0.3333), None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _with_customer_message(conversations):
    return conversations.annotate(customer_wrote=Exists(Message.objects.filter(
        conversation=OuterRef("pk"), sender=Message.Sender.CUSTOMER)))


def build(start: date, end: date | None = None) -> Log:
    """The log of the local days [start, end] (one day by default). Five queries."""
    end = end or start
    lo, hi = bounds(start, end)
    stages = set(setting("service.consultation_stages"))
    window = timedelta(hours=setting("service.conversion_window_hours"))
    rows = list(_with_customer_message(Conversation.objects.filter(started_at__gte=lo,
                                                                   started_at__lt=hi))
                .select_related("customer", "agent", "order").order_by("started_at", "pk"))
    entries = [Consultation(c, counts=c.stage in stages and c.customer_wrote) for c in rows]
    counted = [e for e in entries if e.counts and e.conversation.customer_id]
    customer_ids = {e.conversation.customer_id for e in counted}
    # Later consultations of the same customers may take the credit for an order (last touch).
    later = [Consultation(c, counts=True) for c in _with_customer_message(
        Conversation.objects.filter(customer_id__in=customer_ids, stage__in=stages,
                                    started_at__gte=hi, started_at__lt=hi + window + _SLACK))
        if c.customer_wrote]
    candidates = {}
    for entry in counted + later:
        candidates.setdefault(entry.conversation.customer_id, []).append(entry)
    orders = (purchases().filter(customer_id__in=customer_ids, created_at__gte=lo,
                                 created_at__lt=hi + window + _SLACK)
              .select_related("channel").order_by("created_at", "pk"))
    deals = []
    for order in orders:
        before = [e for e in candidates.get(order.customer_id, [])
                  if e.conversation.started_at <= order.created_at <= e.ended_at + window]
        if not before:
            continue
        credited = max(before, key=lambda e: (e.conversation.started_at, e.conversation.pk))
        if lo <= credited.conversation.started_at < hi:
            credited.deals.append(order)
            deals.append((order, credited))
    return Log(start, end, entries, deals, _per_agent(entries))


def _per_agent(entries) -> list[AgentDay]:
    by_agent = {}
    for entry in entries:
        agent = entry.conversation.agent
        row = by_agent.setdefault(agent.pk if agent else None, AgentDay(agent=agent))
        row.conversations += 1
        if entry.counts:
            row.consultations += 1
            row.converted += entry.converted
            row.orders += len(entry.deals)
            row.amount_fen += sum(o.paid_fen for o in entry.deals)
    return sorted(by_agent.values(), key=lambda r: (r.agent is None, str(r.agent or "")))


def month_range(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def agents_month_stats(year: int, month: int) -> dict:
    """{agent_id: stats} for every agent with conversations or quality results in the
    month; see agent_month_stats for the keys."""
    first, last = month_range(year, month)
    log = build(first, last)
    quality = per_agent(first, last)
    ids = {r.agent.pk for r in log.agents if r.agent} | {pk for pk in quality if pk}
    conversions = {r.agent.pk: r for r in log.agents if r.agent}
    return {pk: _stats(conversions.get(pk), quality.get(pk)) for pk in ids}


def agent_month_stats(user, year: int, month: int) -> dict:
    """One agent's month for the CS scorecards (issue 6):

    consultations, converted, conversion_rate (Decimal 0–1 or None), deal_orders,
    deal_amount_fen, conversations (all stages), qi_count, qi_average (float or None),
    qi_clean, first_response_avg_seconds (None without replies), first_response_slow
    (conversations with the 首次响应慢 finding).
    """
    first, last = month_range(year, month)
    log = build(first, last)
    row = next((r for r in log.agents if r.agent and r.agent.pk == user.pk), None)
    return _stats(row, per_agent(first, last, [user.pk]).get(user.pk))


def _stats(row, tally) -> dict:
    return {
        "consultations": row.consultations if row else 0,
        "converted": row.converted if row else 0,
        "conversion_rate": row.rate if row else None,
        "deal_orders": row.orders if row else 0,
        "deal_amount_fen": row.amount_fen if row else 0,
        "conversations": row.conversations if row else 0,
        "qi_count": tally.count if tally else 0,
        "qi_average": tally.average if tally else None,
        "qi_clean": tally.clean if tally else 0,
        "first_response_avg_seconds": tally.first_response_average if tally else None,
        "first_response_slow": tally.rules[SLOW_FIRST_RESPONSE] if tally else 0,
    }
