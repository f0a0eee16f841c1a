"""Periodic jobs of the review step (FUL-1), registered at import from
FulfillmentConfig.ready: the review batches at fulfillment.review_batch_times (10:00 and
16:00) and the end-of-day list at fulfillment.end_of_day_time."""

import logging
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.periodic import daily_at, register_periodic
from shopops.core.registry import setting

logger = logging.getLogger("shopops.fulfillment")


def _times(values):
    out = []
    for value in values or []:
        try:
            hours, minutes = str(value).strip().split(":")
            out.append(time(int(hours), int(minutes)))
        except (ValueError, TypeError):
            logger.warning("ignoring bad review batch time %r", value)
    return sorted(set(out))


def batch_times_next_run(after):
    """The next of today's/tomorrow's batch times strictly after `after` (local time)."""
    tz = timezone.get_default_timezone()
    times = _times(setting("fulfillment.review_batch_times")) or [time(10, 0), time(16, 0)]
    day = timezone.localtime(after, tz).date()
    for offset in range(2):
        for at in times:
            candidate = timezone.make_aware(datetime.combine(day + timedelta(days=offset), at),
                                            tz)
            if candidate > after:
                return candidate
    raise AssertionError("unreachable: tomorrow's first time is after today")


batch_times_next_run.follows_settings = True


def run_batch():
    from .actions.review import run_review_batch

    try:
        run_review_batch(actor=None)
    except UserError as exc:  # no active rule set: tell the managers, don't crash the tick
        from shopops.accounts.queries import users_with_roles
        from shopops.core.notify import notify

        notify(users_with_roles(["manager", "warehouse_supervisor"]),
               title="自动审单未运行", body=exc.message, category="fulfillment",
               link=reverse("fulfillment:rule_list"))


def send_end_of_day(now=None):
    """Before leaving (FUL-1): what is still unreviewed, unprinted or unshipped today goes
    to the reviewers and the warehouse supervisor."""
    from shopops.accounts.queries import users_with_roles
    from shopops.core.events import record
    from shopops.core.notify import notify

    from .queries_review import end_of_day

    lists = end_of_day(now)
    counts = {key: lists[key].count() for key in ("unreviewed", "unprinted", "unshipped")}
    if not any(counts.values()):
        return counts
    people = users_with_roles(["reviewer", "warehouse_supervisor"])
    body = (f"截至今天 {timezone.localtime(lists['cutoff']):%H:%M} 前付款的订单：未审 "
            f"{counts['unreviewed']} 单，已审未打单 {counts['unprinted']} 单，已打单未发货 "
            f"{counts['unshipped']} 单。")
    numbers = [o.number for o in lists["unreviewed"][:20]]
    if numbers:
        body += "\n未审：" + "、".join(numbers)
    notify(people, title="下班前检查：今天还有订单未完成", body=body,
           link=reverse("fulfillment:end_of_day"), category="fulfillment")
    record(actor=None, verb="review.end_of_day_sent", summary=body.split("\n")[0],
           object_type="fulfillment.endofday", object_id=str(timezone.localdate()),
           data={**counts, "notified": [p.pk for p in people]})
    return counts


register_periodic("fulfillment.review_batch", next_run=batch_times_next_run, run=run_batch)
register_periodic("fulfillment.end_of_day", next_run=daily_at("fulfillment.end_of_day_time"),
                  run=send_end_of_day)
