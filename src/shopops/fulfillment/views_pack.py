"""The packing bench (FUL-5): look up a verified order by its waybill or number, tick the
checklist, weigh, pack; today's parcels by courier; the supervisor's weight checks. The
courier handover pages live in views_handover.py (their URLs are listed here)."""


from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access
from shopops.core.days import day_bounds
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.orders.models import Order, OrderLine

from . import views_handover
from .actions.packing import (
    CHECKLIST,
    clear_weight_check,
    estimate_weight,
    pack_order,
    packing_orders,
    required_items,
)
from .actions.verify import find_order_code
from .models import Parcel

PAGE_SIZE = 50
CAP = "fulfillment.pack"


def today_start():
    return day_bounds()[0]


def parcels_with_orders():
    return Parcel.objects.select_related("courier", "packed_by").prefetch_related(
        Prefetch("orders", queryset=Order.objects.only("pk", "number", "city")))


def lookup(code):
    """The box a scanned waybill or order number belongs to: (primary order, its orders,
    their lines) — a merged order leads to its primary."""
    order_id, _slip = find_order_code(code)
    if order_id is None:
        raise UserError("unknown_code", "找不到快递单或订单：{value}",
                        "No waybill or order {value}.", value=code)
    order = Order.objects.get(pk=order_id)
    primary = order.merged_into if order.merged_into_id else order
    orders = packing_orders(primary)
    lines = list(OrderLine.objects.filter(order__in=orders).select_related("sku")
                 .order_by("order_id", "pk"))
    return primary, orders, lines


@access(CAP)
def pack_station(request):
    code = request.GET.get("code", "").strip()
    found = None
    if code:
        try:
            primary, orders, lines = lookup(code)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            need = required_items(orders, lines)
            found = {"primary": primary, "orders": orders, "lines": lines,
                     "estimate": estimate_weight(lines),
                     "checklist": [(key, label, key in need) for key, label in CHECKLIST.items()],
                     "ready": all(o.state == Order.State.VERIFIED for o in orders)}
    start = today_start()
    by_courier = (Parcel.objects.filter(packed_at__gte=start)
                  .values("courier__name").annotate(
                      total=Count("pk"),
                      waiting=Count("pk", filter=Q(state=Parcel.State.PACKED,
                                                   handover__isnull=True)),
                      check=Count("pk", filter=Q(state=Parcel.State.CHECK)))
                  .order_by("courier__name"))
    today = Paginator(parcels_with_orders().filter(packed_at__gte=start)
                      .order_by("courier__sort_order", "-packed_at", "-pk"),
                      PAGE_SIZE).get_page(request.GET.get("page"))
    checks = parcels_with_orders().filter(state=Parcel.State.CHECK).order_by("packed_at")[:100]
    return render(request, "fulfillment/station/pack.html", {
        "code": code, "found": found, "by_courier": by_courier, "page": today,
        "checks": checks, "supervisor": request.user.has_role("warehouse_supervisor"),
        "page_title": _("打包")})


@access(CAP)
@require_POST
def pack_submit(request, pk):
    order = get_object_or_404(Order, pk=pk)
    checklist = {key: request.POST.get(key) == "on" for key in CHECKLIST}
    try:
        parcel = pack_order(actor=request.user, order=order, checklist=checklist,
                            weight_g=request.POST.get("weight_g", "").strip() or None)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect(reverse("fulfillment:pack_station") + "?" + urlencode({"code": order.number}))
    if parcel.state == Parcel.State.CHECK:
        messages.warning(request, _("称重异常：包裹 {number} 称重 {weight} 克，预估 {estimate} 克，"
                                    "已停下等待仓库主管核实，请放到待核区。").format(
            number=parcel.waybill_no, weight=parcel.weight_g, estimate=parcel.estimate_g))
    else:
        messages.success(request, _("已打包：{courier} {waybill}（包裹 {number}），请放到该快递的区域。")
                         .format(courier=parcel.courier.name, waybill=parcel.waybill_no,
                                 number=parcel.number))
    return redirect("fulfillment:pack_station")


@access(CAP)
@require_POST
def weight_clear(request, pk):
    parcel = get_object_or_404(Parcel, pk=pk)
    try:
        clear_weight_check(actor=request.user, parcel=parcel, note=request.POST.get("note", ""),
                           weight_g=request.POST.get("weight_g", "").strip() or None)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("包裹 {waybill} 核重通过，可以交接。").format(
            waybill=parcel.waybill_no))
    return redirect(reverse("fulfillment:pack_station") + "#weight-check")


handover_list = views_handover.handover_list  # the nav and other pages name it here

urlpatterns = [
    path("pack-station/", pack_station, name="pack_station"),
    path("pack-station/<int:pk>/pack/", pack_submit, name="pack_order"),
    path("parcels/<int:pk>/clear-weight/", weight_clear, name="parcel_weight_clear"),
    *views_handover.urlpatterns,
]
