"""Computing a month's scorecard (HR-KPI) from the event log: the computed rules' entries
of that month are replaced as a whole, in one transaction."""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.events import record

from .. import scoring
from ..models import ScoreEntry


@transaction.atomic
def compute_month(*, actor, month, now=None) -> dict:
    """Recompute `month` (any day of it). Returns {"month", "entries", "points",
    "reward_fen", "by_rule"}."""
    if actor is not None:
        require(actor, "staff.manage_scores")
    month = scoring.first_of(month)
    now = now or timezone.now()
    entries = scoring.compute(month, now)
    prefixes = list(scoring.RULES)
    stale = ScoreEntry.objects.filter(month=month)
    for i, code in enumerate(prefixes):
        match = ScoreEntry.objects.filter(month=month, rule__startswith=code + ".")
        stale = match if i == 0 else stale | match
    removed = stale.delete()[0] if prefixes else 0
    ScoreEntry.objects.bulk_create([
        ScoreEntry(person_id=e.person_id, month=month, rule=e.rule, points=e.points,
                   reward_fen=e.reward_fen, order_id=e.order_id, event_id=e.event_id,
                   note=e.note[:300], computed_at=now)
        for e in entries])
    by_rule: dict[str, int] = {}
    for e in entries:
        by_rule[e.rule] = by_rule.get(e.rule, 0) + 1
    result = {"month": month, "entries": len(entries), "removed": removed,
              "points": sum(e.points for e in entries),
              "reward_fen": sum(e.reward_fen for e in entries), "by_rule": by_rule}
    record(actor=actor, verb="scores.computed", object_type="staff.scoreentry",
           object_id=f"{month:%Y-%m}", object_repr=f"{month:%Y-%m} 考核记分",
           summary=f"计算 {month:%Y年%m月} 考核记分：{len(entries)} 条，"
                   f"扣 {-result['points']} 分，奖励 {result['reward_fen'] / 100:.2f} 元",
           data=result)
    return result
