"""Print and pick pages (FUL-2, FUL-3): waves, a wave with its orders and print runs, the
pick list a picker walks with, the PDFs, and the transfer requests. Each POST calls one
action and shows its error or result."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shopops.accounts.models import Role, User
from shopops.accounts.queries import users_with_roles
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.registry import setting
from shopops.inventory.models import Warehouse
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import State

from .actions import picking, printing, transfers
from .models import PickAllocation, PrintRun, Slip, TransferRequest, Wave, WaveOrder

PAGE_SIZE = 50
KINDS = {"summary": gettext_lazy("汇总单"), "slips": gettext_lazy("配货单"),
         "waybills": gettext_lazy("快递单")}


def _may(user):
    return {"print": user_can(user, "fulfillment.print"),
            "pick": user_can(user, "fulfillment.pick"),
            "transfers": user_can(user, "fulfillment.handle_transfers")}


def _mark_late(waves, now):
    """超时: handed (or still not handed) more than the setting's minutes after printing."""
    limit = setting("fulfillment.picker_handover_minutes")
    for w in waves:
        end = w.handed_at or (now if w.state == Wave.State.PRINTED else None)
        w.minutes = ((end - w.first_printed_at).total_seconds() / 60
                     if end and w.first_printed_at else None)
        w.late = w.minutes is not None and w.minutes > limit
    return limit


@access("fulfillment.view")
def wave_list(request):
    waves = Wave.objects.select_related("warehouse", "picker").annotate(
        order_count=Count("members")).order_by("-created_at", "-pk")
    state = request.GET.get("state", "")
    if state in Wave.State.values:
        waves = waves.filter(state=state)
    page = Paginator(waves, PAGE_SIZE).get_page(request.GET.get("page"))
    limit = _mark_late(page, timezone.now())
    waiting = Order.objects.filter(state=State.REVIEWED, wave_member__isnull=True).count()
    return render(request, "fulfillment/print/wave_list.html", {
        "page": page, "states": Wave.State.choices, "state": state, "limit": limit,
        "waiting": waiting, "warehouses": Warehouse.objects.filter(active=True),
        "may": _may(request.user), "page_title": _("波次")})


@access("fulfillment.print")
@require_POST
def wave_create(request):
    warehouse = request.POST.get("warehouse", "")
    warehouse = Warehouse.objects.filter(pk=warehouse).first() if warehouse.isdigit() else None
    try:
        waves = printing.create_waves(actor=request.user, warehouse=warehouse)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        if waves:
            messages.success(request, _("已生成 {count} 个波次。").format(count=len(waves)))
        else:
            messages.info(request, _("没有待建波次的已审单订单。"))
    return redirect("fulfillment:wave_list")


@access("fulfillment.view")
def wave_detail(request, pk):
    wave = get_object_or_404(Wave.objects.select_related(
        "warehouse", "picker", "handed_by", "created_by"), pk=pk)
    members = Paginator(WaveOrder.objects.filter(wave=wave).select_related("order")
                        .order_by("position"), PAGE_SIZE).get_page(request.GET.get("page"))
    slips = {s.order_id: s for s in Slip.objects.filter(
        order_id__in=[m.order_id for m in members], state=Slip.State.ACTIVE)
        .select_related("courier")}
    for m in members:
        m.slip = slips.get(m.order_id)
    limit = _mark_late([wave], timezone.now())
    may = _may(request.user)
    runs = list(wave.print_runs.select_related("printed_by").order_by("-printed_at", "-pk"))
    return render(request, "fulfillment/print/wave_detail.html", {
        "wave": wave, "members": members, "runs": runs, "rows": walk_rows(wave),
        "kinds": KINDS, "limit": limit, "may": may,
        "pickers": pickers() if may["print"] and wave.state == Wave.State.PRINTED else [],
        "reprint_waiting": WaveOrder.objects.filter(wave=wave, order__needs_reprint=True).count(),
        "page_title": _("波次 {number}").format(number=wave.number)})


def walk_rows(wave):
    """The summary sheet on screen: (location, SKU) rows in walk order, unlocated last."""
    rows = {}
    for a in (PickAllocation.objects.filter(wave=wave)
              .select_related("location", "line__sku__product")
              .only("quantity", "location__code", "location__walk_order", "line__order_id",
                    "line__title", "line__sku__code", "line__sku__barcode",
                    "line__sku__attributes", "line__sku__product__id")):
        loc = a.location
        key = (loc is None, loc.walk_order if loc else 0, loc.code if loc else "",
               a.line.sku.code)
        row = rows.setdefault(key, {"location": loc.code if loc else _("未上架"),
                                    "unlocated": loc is None, "sku": a.line.sku,
                                    "title": a.line.title,
                                    "spec": extra_spec(a.line.title, a.line.sku.spec_label),
                                    "quantity": 0, "orders": set()})
        row["quantity"] += a.quantity
        row["orders"].add(a.line.order_id)
    positions = dict(WaveOrder.objects.filter(wave=wave).values_list("order_id", "position"))
    out = []
    for key in sorted(rows):
        row = rows[key]
        row["positions"] = ", ".join(str(p) for p in sorted(positions.get(o, 0)
                                                           for o in row["orders"]))
        out.append(row)
    return out


def extra_spec(title, spec):
    """The spec when the title (a snapshot that often already names it) does not."""
    return "" if spec and spec in title else spec


def pickers():
    """People whose posts pick (hand_to_picker checks the person's own capability)."""
    roles = [r.code for r in Role.objects.all() if "fulfillment.pick" in (r.capabilities or [])]
    return users_with_roles(roles)


def _wave_action(handler, success):
    @require_POST
    def view(request, pk):
        wave = get_object_or_404(Wave, pk=pk)
        try:
            result = handler(request, wave)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, success(result))
        back = request.POST.get("next", "")
        return redirect(back if back.startswith("/") and not back.startswith("//")
                        else wave.get_absolute_url())
    return view


def _reprint(request, wave):
    chosen = [int(x) for x in request.POST.getlist("orders") if x.isdigit()]
    return printing.reprint(actor=request.user, wave=wave, orders=chosen or None,
                            reason=request.POST.get("reason", ""))


def _hand(request, wave):
    picker = request.POST.get("picker", "")
    person = User.objects.filter(pk=picker, is_active=True).first() if picker.isdigit() else None
    return printing.hand_to_picker(actor=request.user, wave=wave, picker=person)


def _complete(request, wave):
    shortages = [{"line": int(key[8:]), "missing": value, "note": request.POST.get(
        f"note_{key[8:]}", "")} for key, value in request.POST.items()
        if key.startswith("missing_") and key[8:].isdigit() and value.strip()
        and value.strip() != "0"]
    return picking.complete_pick(actor=request.user, wave=wave, shortages=shortages)


def _report(request, wave):
    line = request.POST.get("report_line", "")
    line = (OrderLine.objects.filter(pk=line, order__wave_member__wave=wave)
            .select_related("order", "sku").first() if line.isdigit() else None)
    if line is None:
        raise UserError("bad_line", "请选择缺货的订单行。", "Choose the short line.")
    return transfers.report_shortage(
        actor=request.user, order=line.order, sku=line.sku,
        quantity=request.POST.get(f"missing_{line.pk}", ""),
        note=request.POST.get(f"note_{line.pk}", ""))


wave_print = access("fulfillment.print")(_wave_action(
    lambda r, w: printing.print_wave(actor=r.user, wave=w),
    lambda run: _("已打印 {count} 单（{number}）。").format(count=run.order_count,
                                                          number=run.number)))
wave_reprint = access("fulfillment.print")(_wave_action(
    _reprint, lambda run: _("已重打 {count} 单（{number}），原单已作废。").format(
        count=run.order_count, number=run.number)))
wave_hand = access("fulfillment.print")(_wave_action(
    _hand, lambda w: _("已交给备货员 {name}。").format(
        name=w.picker.display_name or w.picker.username)))
wave_complete_pick = access("fulfillment.pick")(_wave_action(
    _complete, lambda ids: _("配货完成：{count} 单。").format(count=len(ids))))
pick_shortage = access("fulfillment.pick")(_wave_action(
    _report, lambda req: _("已报缺并提交调拨申请 {number}。").format(number=req.number)))


@access("fulfillment.view")
def wave_pick_list(request, pk):
    wave = get_object_or_404(Wave.objects.select_related("warehouse", "picker"), pk=pk)
    lines = Paginator(OrderLine.objects.filter(order__wave_member__wave=wave)
                      .select_related("order__wave_member", "sku")
                      .order_by("order__wave_member__position", "pk"),
                      PAGE_SIZE * 4).get_page(request.GET.get("page"))
    return render(request, "fulfillment/print/pick_list.html", {
        "wave": wave, "rows": walk_rows(wave), "lines": lines, "may": _may(request.user),
        "can_pick": wave.state in (Wave.State.HANDED, Wave.State.PICKED),
        "page_title": _("配货单 {number}").format(number=wave.number)})


@access("fulfillment.view")
def print_file(request, pk, kind):
    if kind not in KINDS:
        raise Http404
    run = get_object_or_404(PrintRun, pk=pk)
    relative = run.files.get(kind)
    if not relative or not (Path(settings.MEDIA_ROOT) / relative).exists():
        relative = printing.render_print_run(run)[kind]  # printed with render=False
    return FileResponse(open(Path(settings.MEDIA_ROOT) / relative, "rb"),  # noqa: SIM115
                        content_type="application/pdf",
                        filename=f"{run.number}-{kind}.pdf")


@access("fulfillment.view")
def transfer_list(request):
    rows = TransferRequest.objects.select_related(
        "sku__product", "order", "wave", "warehouse", "requested_by", "resolved_by")
    state = request.GET.get("state", "")
    if state in TransferRequest.State.values:
        rows = rows.filter(state=state)
    rows = rows.annotate(open_first=Case(When(state=TransferRequest.State.OPEN, then=Value(0)),
                                         default=Value(1), output_field=IntegerField()))
    page = Paginator(rows.order_by("open_first", "-requested_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "fulfillment/print/transfer_list.html", {
        "page": page, "states": TransferRequest.State.choices, "state": state,
        "may": _may(request.user), "page_title": _("调拨申请")})


@access("fulfillment.handle_transfers")
@require_POST
def transfer_resolve(request, pk):
    request_row = get_object_or_404(TransferRequest, pk=pk)
    fulfilled = request.POST.get("outcome") == "fulfilled"
    try:
        transfers.resolve_transfer(actor=request.user, request=request_row, fulfilled=fulfilled,
                                   note=request.POST.get("note", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, (_("已调拨，订单继续发货。") if fulfilled
                                   else _("已标记无法调拨，已通知客服联系客户。")))
    return redirect("fulfillment:transfer_list")


urlpatterns = [
    path("waves/", wave_list, name="wave_list"),
    path("waves/new/", wave_create, name="wave_create"),
    path("waves/<int:pk>/", wave_detail, name="wave_detail"),
    path("waves/<int:pk>/print/", wave_print, name="wave_print"),
    path("waves/<int:pk>/reprint/", wave_reprint, name="wave_reprint"),
    path("waves/<int:pk>/hand/", wave_hand, name="wave_hand"),
    path("waves/<int:pk>/pick/", wave_pick_list, name="wave_pick_list"),
    path("waves/<int:pk>/pick/done/", wave_complete_pick, name="wave_complete_pick"),
    path("waves/<int:pk>/pick/shortage/", pick_shortage, name="pick_shortage"),
    path("print-runs/<int:pk>/<str:kind>.pdf", print_file, name="print_file"),
    path("transfers/", transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/resolve/", transfer_resolve, name="transfer_resolve"),
]
