"""Daily, weekly and monthly shipping and sales summaries (FUL-7), produced by the scheduler
(jobs_shipping.py) and on demand. Periods are local business days in Asia/Shanghai; a week
runs Monday to Sunday, a month from the 1st. Every figure is one aggregate query, so the
cost does not grow with the number of orders beyond what the database scans."""

import calendar
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.db.models.functions import ExtractHour, ExtractMinute, TruncDate
from django.utils import timezone

from shopops.core.days import day_bounds
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.models import Event
from shopops.core.registry import setting
from shopops.orders.models import Order, OrderLine

from ..models import Parcel, ShippingSummary, TrackingEvent
from .common import require_cap

P = ShippingSummary.Period
TOP = 10


def period_range(period: str, start: date) -> tuple[date, date]:
    """(first day, last day) of the period containing `start`."""
    if period == P.DAY:
        return start, start
    if period == P.WEEK:
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=6)
    if period == P.MONTH:
        first = start.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    raise UserError("summary_bad_period", "汇总周期只能是日、周或月：{period}",
                    "The period must be day, week or month: {period}", period=period)


def _local_midnight(day: date) -> datetime:
    return day_bounds(day)[0]


@transaction.atomic
def generate_summary(*, period, start, actor=None) -> ShippingSummary:
    """Compute the period's figures and store them (again): one summary per period.
    `actor` is the person who asked for it from the page; the scheduler passes none."""
    require_cap(actor, "fulfillment.ship")
    first, last = period_range(period, start)
    lo, hi = _local_midnight(first), _local_midnight(last + timedelta(days=1))
    data = figures(lo, hi)
    data.update(period=period, start=first.isoformat(), end=last.isoformat())
    summary, created = ShippingSummary.objects.update_or_create(
        period=period, start=first,
        defaults={"end": last, "data": data, "generated_at": timezone.now()})
    label = zh(P(period).label)
    record(actor=actor, verb="summary.generated", obj=summary,
           summary=f"生成{label} {first}～{last}：发货 {data['shipped']} 单，"
                   f"销售额 {data['sales_fen'] / 100:.2f} 元",
           data={"period": period, "start": first, "end": last, "created": created,
                 "shipped": data["shipped"], "paid": data["paid"],
                 "sales_fen": data["sales_fen"]})
    return summary


def figures(lo, hi) -> dict:
    tz = timezone.get_current_timezone()
    # Sales are what was paid and not cancelled since (a cancellation refunds).
    paid = Order.objects.filter(paid_at__gte=lo, paid_at__lt=hi).exclude(
        state=Order.State.CANCELLED)
    shipped = Order.objects.filter(shipped_at__gte=lo, shipped_at__lt=hi)
    counts = paid.aggregate(paid=Count("pk"), sales_fen=Sum("paid_fen"))
    sales = counts["sales_fen"] or 0
    lead = shipped.filter(paid_at__isnull=False).aggregate(avg=Avg(ExpressionWrapper(
        F("shipped_at") - F("paid_at"), output_field=DurationField())))["avg"]
    return {
        "created": Order.objects.filter(created_at__gte=lo, created_at__lt=hi).count(),
        "paid": counts["paid"],
        "shipped": shipped.count(),
        "delivered": Order.objects.filter(delivered_at__gte=lo, delivered_at__lt=hi).count(),
        "cancelled": _cancelled(lo, hi),
        "sales_fen": sales,
        "average_order_fen": round(sales / counts["paid"]) if counts["paid"] else 0,
        "parcels": Parcel.objects.filter(shipped_at__gte=lo, shipped_at__lt=hi).count(),
        "by_courier": [{"courier": r["courier"] or "未指定", "orders": r["orders"]}
                       for r in shipped.values("courier").annotate(orders=Count("pk"))
                       .order_by("-orders", "courier")],
        "by_channel": [{"channel": r["channel__name"], "orders": r["orders"],
                        "sales_fen": r["sales_fen"] or 0}
                       for r in paid.values("channel__name").annotate(
                           orders=Count("pk"), sales_fen=Sum("paid_fen"))
                       .order_by("-sales_fen", "channel__name")],
        "top_provinces": [{"province": r["province"], "orders": r["orders"],
                           "sales_fen": r["sales_fen"] or 0}
                          for r in paid.values("province").annotate(
                              orders=Count("pk"), sales_fen=Sum("paid_fen"))
                          .order_by("-orders", "province")[:TOP]],
        "avg_paid_to_ship_hours": round(lead.total_seconds() / 3600, 1) if lead else None,
        **_same_day(paid, tz),
        **_exceptions(lo, hi),
        "top_skus": [{"sku": r["sku__code"], "title": r["title"], "quantity": r["quantity"]}
                     for r in OrderLine.objects.filter(order__in=shipped).values(
                         "sku__code").annotate(quantity=Sum("quantity"), title=Max("title"))
                     .order_by("-quantity", "sku__code")[:TOP]],
    }


def _cancelled(lo, hi) -> int:
    """Orders cancelled in the period: by a person or the system (order.cancelled), or at a
    station after printing (an interception that cancels)."""
    return Event.objects.filter(at__gte=lo, at__lt=hi, object_type="orders.order").filter(
        Q(verb="order.cancelled") | Q(verb="order.intercepted", data__intercept="cancel")
    ).values("object_id").distinct().count()


def _same_day(paid, tz) -> dict:
    """Of the orders paid before the same-day cutoff (fulfillment.same_day_cutoff), how many
    shipped on the local day they were paid (`paid` leaves cancelled orders out)."""
    cutoff = setting("fulfillment.same_day_cutoff")
    rows = paid.annotate(h=ExtractHour("paid_at", tzinfo=tz),
                         m=ExtractMinute("paid_at", tzinfo=tz),
                         paid_day=TruncDate("paid_at", tzinfo=tz),
                         ship_day=TruncDate("shipped_at", tzinfo=tz))
    before = Q(h__lt=cutoff.hour) | Q(h=cutoff.hour, m__lt=cutoff.minute)
    counts = rows.filter(before).aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(ship_day=F("paid_day"))))
    due, on_time = counts["due"], counts["on_time"]
    return {"same_day_due": due, "same_day_shipped": on_time,
            "same_day_rate": round(100 * on_time / due, 1) if due else None}


def _exceptions(lo, hi) -> dict:
    rows = (TrackingEvent.objects.filter(at__gte=lo, at__lt=hi,
                                         status__in=TrackingEvent.EXCEPTIONS)
            .values("status").annotate(n=Count("pk")).order_by("status"))
    by_status = {r["status"]: r["n"] for r in rows}
    return {"exceptions": sum(by_status.values()), "exceptions_by_status": by_status}


def generate_due_summaries(*, now=None) -> list[ShippingSummary]:
    """What the daily job produces: today's daily summary (and yesterday's again, so orders
    after the job's time are counted); on Mondays last week; on the 1st last month."""
    today = timezone.localdate(now or timezone.now())
    done = [generate_summary(period=P.DAY, start=today - timedelta(days=1)),
            generate_summary(period=P.DAY, start=today)]
    if today.weekday() == 0:
        done.append(generate_summary(period=P.WEEK, start=today - timedelta(days=7)))
    if today.day == 1:
        done.append(generate_summary(period=P.MONTH, start=today - timedelta(days=1)))
    return done
