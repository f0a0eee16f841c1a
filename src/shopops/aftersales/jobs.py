"""After-sales periodic job: requests whose replacement order has shipped are completed.
(The request's time limits run on the core deadline engine, see actions/deadlines.py.)"""

from django.utils import timezone

from shopops.core.periodic import every_seconds, register_periodic


def run_complete_shipped():
    from .actions.inspection import complete_shipped

    complete_shipped(now=timezone.now())


register_periodic("aftersales.complete_shipped",
                  next_run=every_seconds("aftersales.complete_seconds"),
                  run=run_complete_shipped)
