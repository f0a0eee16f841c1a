"""AS-5: the CS supervisor's daily view (每日查看店铺退款中以及维权中的订单): every request in
progress and every open dispute, overdue ones first then the oldest, counted by state and
by age; today's new and closed requests and the money refunded today. A fixed number of
queries whatever the number of rows."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopops.core.access import access
from shopops.core.days import day_bounds

from .models import AfterSale, AfterSaleLine, Refund
from .states import OPEN

# Age of a request since it was opened, in days: [from, to).
AGES = [(0, 1, gettext_lazy("1 天内")), (1, 3, gettext_lazy("1–3 天")),
        (3, 7, gettext_lazy("3–7 天")), (7, None, gettext_lazy("7 天以上"))]


def _rows(queryset):
    return queryset.select_related("order__channel", "handler").prefetch_related(Prefetch(
        "lines", queryset=AfterSaleLine.objects.select_related("order_line")))


def day_view(now=None):
    now = now or timezone.now()
    start, end = day_bounds(timezone.localdate(now))
    in_progress = Q(state__in=OPEN) | Q(dispute=True)
    rows = list(_rows(AfterSale.objects.filter(in_progress)).order_by("created_at", "pk"))
    for row in rows:
        row.age = now - row.created_at
        row.overdue = row.due_at is not None and row.due_at <= now
    rows.sort(key=lambda r: (not r.overdue, r.created_at))
    by_age = [(label, sum(1 for r in rows if r.age >= timedelta(days=lo)
                          and (hi is None or r.age < timedelta(days=hi))))
              for lo, hi, label in AGES]
    states = dict(AfterSale.State.choices)
    by_state = (AfterSale.objects.filter(in_progress).order_by().values_list("state")
                .annotate(n=Count("pk"), money=Sum("refund_fen"), asked=Sum("requested_refund_fen")))
    return {
        "rows": rows, "overdue": sum(1 for r in rows if r.overdue),
        "disputes": sum(1 for r in rows if r.dispute),
        "refunds_open": sum(1 for r in rows if r.kind in ("refund", "return") and r.state in OPEN),
        "by_state": [(states[s], n, money or asked or 0) for s, n, money, asked in by_state],
        "by_age": by_age,
        "new_today": list(_rows(AfterSale.objects.filter(created_at__gte=start,
                                                         created_at__lt=end))
                          .order_by("-created_at", "-pk")),
        "closed_today": list(_rows(AfterSale.objects.filter(closed_at__gte=start,
                                                            closed_at__lt=end))
                             .order_by("-closed_at", "-pk")),
        "refunded_today": Refund.objects.filter(refunded_at__gte=start, refunded_at__lt=end)
        .aggregate(total=Sum("amount_fen"), n=Count("pk")),
        "now": now,
    }


@access("aftersales.supervise")
def supervisor_day(request):
    return render(request, "aftersales/supervisor_day.html", {
        **day_view(), "page_title": _("退款维权总览")})


urlpatterns = [path("today/", supervisor_day, name="supervisor_day")]
