"""Periodic jobs of tracking and summaries (registered at import, from FulfillmentConfig.ready):
the shipping and sales summaries (FUL-7), the courier tracking poll and the completion of
delivered orders (FUL-6)."""

from django.utils import timezone

from shopops.core.periodic import daily_at, every_seconds, register_periodic


def run_summaries():
    from .actions.summaries import generate_due_summaries

    generate_due_summaries(now=timezone.now())


def run_tracking_poll():
    from .actions.tracking import poll_trackers

    poll_trackers(now=timezone.now())


def run_complete_delivered():
    from .actions.tracking import complete_delivered

    complete_delivered(now=timezone.now())


register_periodic("fulfillment.shipping_summaries", next_run=daily_at("fulfillment.summary_time"),
                  run=run_summaries)
register_periodic("fulfillment.tracking_poll",
                  next_run=every_seconds("fulfillment.tracking_poll_seconds"),
                  run=run_tracking_poll)
register_periodic("fulfillment.complete_delivered",
                  next_run=daily_at("fulfillment.complete_time"), run=run_complete_delivered)
