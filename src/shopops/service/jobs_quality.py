"""The quality sweep (CS-3): every closed conversation is scored automatically. Every minute
(setting service.qi_sweep_seconds) the closed conversations without a check are scored, the
oldest first, at most service.qi_batch_size per run; the rest wait for the next run."""

import logging

from django.db.models import Prefetch

from shopops.core.periodic import every_seconds, register_periodic
from shopops.core.registry import setting

logger = logging.getLogger("shopops.quality")


def sweep(limit=None) -> int:
    """Score up to `limit` unscored closed conversations; return how many were scored.
    Callable directly (the QI page's 立即质检 button, tests, the demo)."""
    from .actions.quality import record_check
    from .models import Conversation, Message

    limit = limit or setting("service.qi_batch_size")
    ids = list(Conversation.objects.filter(state=Conversation.State.CLOSED, quality__isnull=True)
               .order_by("closed_at", "pk").values_list("pk", flat=True)[:limit])
    batch = (Conversation.objects.filter(pk__in=ids).order_by("closed_at", "pk")
             .prefetch_related(Prefetch("messages", queryset=Message.objects.order_by("at", "pk"))))
    scored = 0
    for conversation in batch:
        try:
            record_check(conversation=conversation)
        except Exception:  # one bad conversation must not stop the others; retried next run
            logger.exception("quality check of conversation %s failed", conversation.pk)
            continue
        scored += 1
    return scored


register_periodic("service.quality_sweep", next_run=every_seconds("service.qi_sweep_seconds"),
                  run=sweep)
