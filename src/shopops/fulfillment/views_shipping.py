"""物流跟踪 and 发货汇总 (FUL-6, FUL-7): shipped parcels with their latest tracking status, a
parcel's journey, importing a courier's tracking file (preview, then all or nothing), and
the daily/weekly/monthly summaries with an xlsx export. Thin views over
actions/tracking.py and actions/summaries.py."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from .actions import summaries as summary_actions
from .actions import tracking as tracking_actions
from .models import Courier, Parcel, ShippingSummary, TrackingEvent

PAGE_SIZE = 50
EXCEPTION = "exception"
NO_TRACKING = "none"
PREVIEW_ROWS = 200


def _latest(field):
    return Subquery(TrackingEvent.objects.filter(parcel=OuterRef("pk"))
                    .order_by("-at", "-pk").values(field)[:1])


def tracking_rows(params):
    """Shipped parcels with their latest tracking step, filtered as on the page. The latest
    status is a correlated subquery on (parcel, at) — the tracking_event_once index."""
    rows = (Parcel.objects.filter(state=Parcel.State.SHIPPED)
            .select_related("courier", "warehouse")
            .annotate(latest_status=_latest("status"), latest_at=_latest("at"),
                      latest_description=_latest("description"),
                      latest_location=_latest("location")))
    status = params.get("status", "")
    if status == EXCEPTION:
        rows = rows.filter(latest_status__in=TrackingEvent.EXCEPTIONS)
    elif status == NO_TRACKING:
        rows = rows.exclude(Exists(TrackingEvent.objects.filter(parcel=OuterRef("pk"))))
    elif status in TrackingEvent.Status.values:
        rows = rows.filter(latest_status=status)
    courier = params.get("courier", "")
    if courier.isdigit():
        rows = rows.filter(courier_id=int(courier))
    q = (params.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(waybill_no__icontains=q) | Q(pk__in=Parcel.orders.through.objects
                                                          .filter(order__number__icontains=q)
                                                          .values("parcel_id")))
    return rows.prefetch_related("orders").order_by("-shipped_at", "-pk")


@access("fulfillment.view")
def tracking_list(request):
    page = Paginator(tracking_rows(request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(TrackingEvent.Status.choices)
    for parcel in page:
        parcel.latest_label = labels.get(parcel.latest_status, "")
        parcel.is_exception = parcel.latest_status in TrackingEvent.EXCEPTIONS
    return render(request, "fulfillment/shipping/tracking_list.html", {
        "page": page, "f": request.GET, "statuses": TrackingEvent.Status.choices,
        "couriers": Courier.objects.all(), "may_ship": user_can(request.user,
                                                                "fulfillment.ship"),
        "page_title": _("物流跟踪")})


@access("fulfillment.view")
def parcel_detail(request, pk):
    parcel = get_object_or_404(Parcel.objects.select_related("courier", "warehouse",
                                                             "handover", "packed_by"), pk=pk)
    return render(request, "fulfillment/shipping/parcel_detail.html", {
        "parcel": parcel, "orders": parcel.orders.select_related("channel").order_by("pk"),
        "events": parcel.tracking.order_by("-at", "-pk"),
        "statuses": TrackingEvent.Status.choices,
        "exceptions": TrackingEvent.EXCEPTIONS,
        "may_ship": user_can(request.user, "fulfillment.ship")
        and parcel.state == Parcel.State.SHIPPED,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "page_title": _("包裹 %(waybill)s") % {"waybill": parcel.waybill_no}})


@access("fulfillment.ship")
@require_POST
def parcel_record(request, pk):
    """A step phoned in or read off the courier's site (e.g. CS hears a parcel is lost)."""
    parcel = get_object_or_404(Parcel, pk=pk)
    at = parse_datetime(request.POST.get("at", "").replace("T", " ") or "")
    try:
        if at is None:
            raise UserError("tracking_bad_time", "请填写时间。", "Enter the time.")
        event = tracking_actions.record_tracking(
            actor=request.user, parcel=parcel, status=request.POST.get("status", ""), at=at,
            description=request.POST.get("description", "").strip(),
            location=request.POST.get("location", "").strip(), source="manual")
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        if event is None:
            messages.warning(request, _("这条物流记录已经存在。"))
        else:
            messages.success(request, _("已记录：%(status)s") % {
                "status": event.get_status_display()})
    return redirect("fulfillment:parcel_detail", parcel.pk)


@access("fulfillment.ship")
def tracking_import(request):
    preview = None
    if request.method == "POST":
        try:
            preview = tracking_actions.preview_tracking_file(
                actor=request.user, uploaded_file=request.FILES.get("file"))
        except UserError as exc:
            messages.error(request, user_message(exc))
            return redirect("fulfillment:tracking_import")
        return redirect(f"{reverse('fulfillment:tracking_import')}?token={preview['token']}")
    token = request.GET.get("token", "")
    if token:
        preview = tracking_actions.load_preview(token)
        if preview is None:
            messages.error(request, _("导入预览不存在或已导入，请重新上传文件。"))
            return redirect("fulfillment:tracking_import")
    rows = [{**row, "at_shown": row["at"][:16].replace("T", " ")}
            for row in (preview or {}).get("rows", [])[:PREVIEW_ROWS]]
    return render(request, "fulfillment/shipping/tracking_import.html", {
        "preview": preview, "rows": rows,
        "row_count": len((preview or {}).get("rows", [])),
        "errors": (preview or {}).get("errors", []), "preview_rows": PREVIEW_ROWS,
        "page_title": _("导入物流轨迹")})


@access("fulfillment.ship")
@require_POST
def tracking_import_confirm(request):
    try:
        result = tracking_actions.apply_tracking_preview(actor=request.user,
                                                         token=request.POST.get("token", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
        token = request.POST.get("token", "")
        if tracking_actions.load_preview(token) is not None:
            return redirect(f"{reverse('fulfillment:tracking_import')}?token={token}")
        return redirect("fulfillment:tracking_import")
    messages.success(request, _("已导入 %(n)s 条物流记录（重复 %(d)s 条未再记录）。") % {
        "n": result["recorded"], "d": result["duplicates"]})
    return redirect("fulfillment:tracking_list")


# -- summaries (FUL-7) ------------------------------------------------------------------


@access("fulfillment.view")
def summary_list(request):
    period = request.GET.get("period", ShippingSummary.Period.DAY)
    if period not in ShippingSummary.Period.values:
        period = ShippingSummary.Period.DAY
    rows = ShippingSummary.objects.filter(period=period).order_by("-start")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "fulfillment/shipping/summary_list.html", {
        "page": page, "period": period, "periods": ShippingSummary.Period.choices,
        "may_generate": user_can(request.user, "fulfillment.ship"),
        "today": timezone.localdate().isoformat(), "page_title": _("发货汇总")})


def _yuan(fen):
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


def summary_tables(summary) -> list[dict]:
    """The figures as titled tables: what the detail page shows and the export writes.
    Amounts are yuan as Decimals: two decimals on the page, numbers in the export."""
    d, labels = summary.data, dict(TrackingEvent.Status.choices)
    rate = d.get("same_day_rate")
    hours = d.get("avg_paid_to_ship_hours")
    overview = [
        (_("下单数"), d.get("created", 0)), (_("付款订单数"), d.get("paid", 0)),
        (_("发货订单数"), d.get("shipped", 0)), (_("发货包裹数"), d.get("parcels", 0)),
        (_("签收订单数"), d.get("delivered", 0)), (_("取消订单数"), d.get("cancelled", 0)),
        (_("销售额（元）"), _yuan(d.get("sales_fen"))),
        (_("客单价（元）"), _yuan(d.get("average_order_fen"))),
        (_("付款到发货平均小时"), "—" if hours is None else hours),
        (_("当日发货率（%）"), "—" if rate is None else rate),
        (_("应当日发货订单数"), d.get("same_day_due", 0)),
        (_("当日发出订单数"), d.get("same_day_shipped", 0)),
        (_("物流异常数"), d.get("exceptions", 0)),
    ]
    return [
        {"key": "overview", "title": _("总览"), "headers": [_("指标"), _("数值")],
         "rows": overview},
        {"key": "couriers", "title": _("按快递公司发货"), "headers": [_("快递公司"), _("发货订单数")],
         "rows": [(r["courier"], r["orders"]) for r in d.get("by_courier", [])]},
        {"key": "channels", "title": _("按渠道"), "headers": [_("渠道"), _("付款订单数"),
                                                            _("销售额（元）")],
         "rows": [(r["channel"], r["orders"], _yuan(r["sales_fen"]))
                  for r in d.get("by_channel", [])]},
        {"key": "provinces", "title": _("前十省份"), "headers": [_("省份"), _("付款订单数"),
                                                             _("销售额（元）")],
         "rows": [(r["province"], r["orders"], _yuan(r["sales_fen"]))
                  for r in d.get("top_provinces", [])]},
        {"key": "skus", "title": _("发货数量前十 SKU"), "headers": [_("商家编码"), _("商品"),
                                                               _("发货数量")],
         "rows": [(r["sku"], r["title"], r["quantity"]) for r in d.get("top_skus", [])]},
        {"key": "exceptions", "title": _("物流异常"), "headers": [_("异常类型"), _("次数")],
         "rows": [(labels.get(k, k), n) for k, n in d.get("exceptions_by_status", {}).items()]},
    ]


def summary_workbook(summary) -> bytes:
    import io

    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in summary_tables(summary):
        sheet = book.create_sheet(str(table["title"])[:31])
        sheet.append([str(h) for h in table["headers"]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            sheet.append([v if isinstance(v, (int, float, Decimal)) else str(v) for v in row])
        for i, _h in enumerate(table["headers"]):
            sheet.column_dimensions[chr(65 + i)].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@access("fulfillment.view")
def summary_detail(request, pk):
    summary = get_object_or_404(ShippingSummary, pk=pk)
    return render(request, "fulfillment/shipping/summary_detail.html", {
        "summary": summary, "d": summary.data, "tables": summary_tables(summary),
        "page_title": _("发货汇总")})


@access("fulfillment.view")
def summary_export(request, pk):
    summary = get_object_or_404(ShippingSummary, pk=pk)
    response = HttpResponse(
        summary_workbook(summary),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"shipping-summary-{summary.period}-{summary.start:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access("fulfillment.ship")
@require_POST
def summary_generate(request):
    period = request.POST.get("period", "")
    day = parse_date(request.POST.get("date", "") or "")
    try:
        if day is None:
            raise UserError("summary_bad_date", "请选择日期。", "Choose a date.")
        summary = summary_actions.generate_summary(actor=request.user, period=period,
                                                   start=day)
    except (UserError, ValueError) as exc:
        messages.error(request, user_message(exc) if isinstance(exc, UserError)
                       else _("日期不正确。"))
        return redirect(f"{reverse('fulfillment:summary_list')}?period={period}")
    messages.success(request, _("已生成汇总。"))
    return redirect("fulfillment:summary_detail", summary.pk)


urlpatterns = [
    path("tracking/", tracking_list, name="tracking_list"),
    path("tracking/import/", tracking_import, name="tracking_import"),
    path("tracking/import/confirm/", tracking_import_confirm, name="tracking_import_confirm"),
    path("parcels/<int:pk>/tracking/", parcel_detail, name="parcel_detail"),
    path("parcels/<int:pk>/tracking/record/", parcel_record, name="parcel_record"),
    path("summaries/", summary_list, name="summary_list"),
    path("summaries/generate/", summary_generate, name="summary_generate"),
    path("summaries/<int:pk>/", summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/export/", summary_export, name="summary_export"),
]
