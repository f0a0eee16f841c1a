"""Courier handover pages (FUL-5): the sheets (finance reads them), opening one for a
courier's pickup, the scan station that reconciles the count in front of the driver,
taking a missing parcel off, closing (= batch shipping) and the signed PDF."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.models import Event
from shopops.inventory.models import Warehouse

from .actions.handover import close_handover, open_handover, remove_from_handover, scan_parcel
from .actions.station import StationResult
from .models import Courier, Handover, Parcel
from .views_verify import result_payload

PAGE_SIZE = 50
CAP = "fulfillment.handover"


@access("fulfillment.view")
def handover_list(request):
    state = request.GET.get("state", "")
    rows = Handover.objects.select_related("courier", "warehouse", "created_by", "closed_by")
    if state in Handover.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    # Packed parcels not yet on a sheet, per courier: what the next pickups take.
    waiting = (Parcel.objects.filter(handover__isnull=True,
                                     state__in=[Parcel.State.PACKED, Parcel.State.CHECK])
               .values("courier_id", "courier__name", "warehouse__name")
               .annotate(ready=Count("pk", filter=Q(state=Parcel.State.PACKED)),
                         check=Count("pk", filter=Q(state=Parcel.State.CHECK)))
               .order_by("courier__name"))
    return render(request, "fulfillment/station/handover_list.html", {
        "page": page, "state": state, "states": Handover.State.choices, "waiting": waiting,
        "couriers": Courier.objects.filter(active=True),
        "warehouses": Warehouse.objects.filter(active=True).order_by("code"),
        "can_handover": user_can(request.user, CAP), "page_title": _("快递交接")})


@access(CAP)
@require_POST
def handover_open(request):
    courier = Courier.objects.filter(pk=_int(request.POST.get("courier"))).first()
    warehouse = Warehouse.objects.filter(pk=_int(request.POST.get("warehouse"))).first()
    if courier is None:
        messages.error(request, _("请选择快递公司。"))
        return redirect("fulfillment:handover_list")
    try:
        handover = open_handover(actor=request.user, courier=courier, warehouse=warehouse,
                                 driver_name=request.POST.get("driver_name", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("fulfillment:handover_list")
    messages.success(request, _("已建交接单 {number}：应交 {count} 件，请当着快递员逐件扫描。").format(
        number=handover.number, count=handover.expected_count))
    return redirect(handover)


def detail_context(handover, page_number=None):
    parcels = handover.parcels.select_related("courier").prefetch_related("orders")
    scanned = set(handover.scanned)
    missing = list(parcels.exclude(pk__in=scanned).order_by("pk")[:200]) \
        if handover.state == Handover.State.OPEN else []
    page = Paginator(parcels.order_by("pk"), PAGE_SIZE).get_page(page_number)
    closed = None
    if handover.state == Handover.State.DONE:
        closed = (Event.objects.filter(verb="handover.closed", object_type="fulfillment.handover",
                                       object_id=str(handover.pk)).order_by("-pk").first())
    return {"handover": handover, "page": page, "scanned_ids": scanned, "missing": missing,
            "scanned_count": len(scanned),
            "failures": closed.data.get("failures", []) if closed else [],
            "shipped_count": closed.data.get("shipped") if closed else None}


@access("fulfillment.view")
def handover_detail(request, pk):
    handover = get_object_or_404(Handover.objects.select_related(
        "courier", "warehouse", "created_by", "closed_by"), pk=pk)
    return render(request, "fulfillment/station/handover_detail.html", {
        **detail_context(handover, request.GET.get("page")),
        "can_handover": user_can(request.user, CAP),
        "page_title": _("交接单 {number}").format(number=handover.number)})


@access(CAP)
@require_POST
def handover_scan(request, pk):
    handover = get_object_or_404(Handover, pk=pk)
    try:
        result = scan_parcel(actor=request.user, handover=handover,
                             code=request.POST.get("code", ""))
    except UserError as exc:
        result = StationResult(ok=False, code=exc.code, message=exc.message,
                               message_en=exc.message_en)
    handover = Handover.objects.select_related("courier", "warehouse").get(pk=pk)
    html = render_to_string("fulfillment/station/_handover_panel.html",
                            {**detail_context(handover), "can_handover": True}, request)
    return JsonResponse(result_payload(request, result, html))


@access(CAP)
@require_POST
def handover_remove(request, pk):
    handover = get_object_or_404(Handover, pk=pk)
    parcel = get_object_or_404(Parcel, pk=_int(request.POST.get("parcel")))
    try:
        remove_from_handover(actor=request.user, handover=handover, parcel=parcel,
                             reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("包裹 {waybill} 已移出交接单，留待下一批交接。").format(
            waybill=parcel.waybill_no))
    return redirect(handover)


@access(CAP)
@require_POST
def handover_close(request, pk):
    handover = get_object_or_404(Handover, pk=pk)
    try:
        closed = close_handover(actor=request.user, handover=handover,
                                resolution=request.POST.get("resolution", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect(handover)
    if closed.failures:
        messages.warning(request, _("交接完成，但有 {count} 件发货失败，见下方列表，请查实原因。").format(
            count=len(closed.failures)))
    else:
        messages.success(request, _("交接完成：{count} 件已发货。请打印交接单请快递员签字后交财务。").format(
            count=len(closed.scanned)))
    return redirect(closed)


@access("fulfillment.view")
def handover_pdf(request, pk):
    handover = get_object_or_404(Handover, pk=pk)
    if not handover.pdf:
        raise Http404("no pdf")
    file = Path(settings.MEDIA_ROOT) / handover.pdf
    if not file.is_file():
        raise Http404("no pdf")
    return FileResponse(file.open("rb"), content_type="application/pdf",
                        filename=f"交接单-{handover.number}.pdf")


def _int(value):
    return int(value) if str(value or "").isdigit() else None


urlpatterns = [
    path("handover-list/", handover_list, name="handover_list"),
    path("handovers/open/", handover_open, name="handover_open"),
    path("handovers/<int:pk>/", handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/scan/", handover_scan, name="handover_scan"),
    path("handovers/<int:pk>/remove/", handover_remove, name="handover_remove"),
    path("handovers/<int:pk>/close/", handover_close, name="handover_close"),
    path("handovers/<int:pk>/pdf/", handover_pdf, name="handover_pdf"),
]
