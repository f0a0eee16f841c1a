"""Order pages (ORD-1, ORD-4, ORD-6, ORD-7): the list, an order with its amendments and
history, manual intake, amendments and the state buttons. Thin: each POST calls one action."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.models import Channel
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from . import actions, queries
from .forms import AmendForm, CancelForm, HoldForm, OrderForm, money_or_zero, parse_lines
from .models import Amendment, Order, OrderLine
from .states import ALLOWED, HOLDABLE, PRINTED_OR_LATER, SHIPPED_OR_LATER, HoldReason, State

PAGE_SIZE = 50


def may(user):
    return {"create": user_can(user, "orders.create"), "amend": user_can(user, "orders.amend"),
            "cancel": user_can(user, "orders.cancel")}


def search(queryset, q):
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(Q(number__icontains=q) | Q(platform_order_no=q)
                           | Q(customer_name__icontains=q) | Q(customer_phone=q))


def _list_context(request):
    orders = Order.objects.select_related("channel", "warehouse").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("sku")))
    state = request.GET.get("state", "")
    if state in State.values:
        orders = orders.filter(state=state)
    channel = request.GET.get("channel", "")
    if channel.isdigit():
        orders = orders.filter(channel_id=int(channel))
    q = request.GET.get("q", "").strip()
    orders = search(orders, q)
    page = Paginator(orders.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return {"page": page, "state": state, "channel": channel, "q": q}


@access("orders.view")
def order_list(request):
    """The order queue; its table refreshes by itself when orders change (ORD-1)."""
    return render(request, "orders/order_list.html", {
        **_list_context(request), "states": State.choices, "channels": Channel.objects.all(),
        "may": may(request.user), "page_title": _("订单")})


@access("orders.view")
def order_list_table(request):
    """Just the table of the order list, for the live refresh (same query string)."""
    return render(request, "orders/_order_table.html", _list_context(request))


@access("orders.view")
def order_detail(request, pk):
    order = get_object_or_404(Order.objects.select_related(
        "channel", "warehouse", "created_by", "reviewed_by", "picked_by", "verified_by",
        "merged_into", "split_from"), pk=pk)
    lines = order.lines.select_related("sku__product", "reservation")
    amendments = order.amendments.select_related("author", "line")
    allowed = ALLOWED.get(order.state, set())
    return render(request, "orders/order_detail.html", {
        "order": order, "lines": lines, "amendments": amendments, "may": may(request.user),
        "can_pay": State.PAID in allowed and order.state == State.PENDING_PAYMENT,
        "can_confirm": State.CONFIRMED in allowed and order.state == State.PAID,
        "can_hold": order.state in HOLDABLE,
        "can_unhold": order.state in (State.ON_HOLD, State.OUT_OF_STOCK),
        "can_cancel": State.CANCELLED in allowed and not order.intercept,
        "can_refund": order.state not in SHIPPED_OR_LATER | {State.CANCELLED}
        and not order.intercept and order.hold_reason != HoldReason.REFUND,
        "printed": order.state in PRINTED_OR_LATER,
        "deadlines": queries.deadlines_of(order), "line": queries.line_record(order),
        "steps": queries.steps(order), "merged_orders": order.merged_orders.all(),
        "split_orders": order.split_orders.all(),
        "hold_form": HoldForm(), "cancel_form": CancelForm(), "page_title": order.number})


@access("orders.create")
def order_create(request):
    form = OrderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = actions.create_order(
                actor=request.user, channel=data["channel"], lines=parse_lines(data["lines"]),
                platform_order_no=data["platform_order_no"], warehouse=data["warehouse"],
                customer_name=data["customer_name"], customer_phone=data["customer_phone"],
                province=data["province"], city=data["city"], district=data["district"],
                address_detail=data["address_detail"], buyer_message=data["buyer_message"],
                seller_remark=data["seller_remark"], paid=data["paid"],
                shipping_fen=money_or_zero(data["shipping"]),
                discount_fen=money_or_zero(data["discount"]))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已创建订单 {number}。").format(number=order.number))
            return redirect("orders:order_detail", pk=order.pk)
    return render(request, "orders/order_form.html", {"form": form, "page_title": _("录入订单")})


@access("orders.amend")
def order_amend(request, pk):
    order = get_object_or_404(Order, pk=pk)
    lines = list(order.lines.select_related("sku__product"))
    form = AmendForm(request.POST if request.method == "POST" else None,
                     initial={"field": request.GET.get("field", "address"),
                              **{k: getattr(order, k) for k in (
                                  "customer_name", "customer_phone", "province", "city",
                                  "district", "address_detail")}})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.amend_order(actor=request.user, order=order, field=data["field"],
                                reason=data["reason"], **_amend_value(data, lines))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已记录修改（红旗备注）。"))
            return redirect("orders:order_detail", pk=order.pk)
    return render(request, "orders/order_amend.html", {
        "order": order, "lines": lines, "form": form,
        "page_title": _("修改订单 {number}").format(number=order.number)})


def _amend_value(data, lines):
    field = data["field"]
    if field == Amendment.Field.ADDRESS:
        return {"value": {k: data[k] for k in ("customer_name", "customer_phone", "province",
                                               "city", "district", "address_detail")}}
    if field == Amendment.Field.SKU:
        line = next((x for x in lines if x.pk == data["line"]), None)
        found = parse_lines(data["sku"]) if data["sku"] else []
        return {"line": line, "value": found[0]["sku"] if found else None}
    return {"value": data["text"]}


def _state_view(handler, success):
    @require_POST
    def view(request, pk):
        order = get_object_or_404(Order, pk=pk)
        try:
            result = handler(request, order)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, success(result))
        return redirect("orders:order_detail", pk=pk)
    return view


def _hold(request, order):
    form = HoldForm(request.POST)
    if not form.is_valid():
        raise UserError("bad_hold_reason", "请选择挂起原因。", "Choose a reason for the hold.")
    actions.hold(actor=request.user, order=order, reason=form.cleaned_data["reason"],
                 note=form.cleaned_data["note"])


order_pay = access("orders.amend")(_state_view(
    lambda r, o: actions.mark_paid(actor=r.user, order=o), lambda _r: _("已标记付款。")))
order_confirm = access("orders.amend")(_state_view(
    lambda r, o: actions.confirm(actor=r.user, order=o), lambda _r: _("订单已确认。")))
order_hold = access("orders.amend")(_state_view(_hold, lambda _r: _("订单已挂起。")))
order_unhold = access("orders.amend")(_state_view(
    lambda r, o: actions.unhold(actor=r.user, order=o, note=r.POST.get("note", "")),
    lambda _r: _("已解除挂起。")))
order_cancel = access("orders.cancel")(_state_view(
    lambda r, o: actions.cancel(actor=r.user, order=o, reason=r.POST.get("reason", "")),
    lambda o: _("订单已取消，库存占用已释放。") if o.state == State.CANCELLED
    else _("订单已打单，已登记拦截：验货、打包或交接扫描到此单时会自动拦截并作废单据。")))
order_refund = access("orders.amend")(_state_view(
    lambda r, o: actions.request_refund(actor=r.user, order=o, reason=r.POST.get("reason", "")),
    lambda o: _("已登记退款：订单已挂起，等待审单员处理。") if o.state == State.ON_HOLD
    else _("已登记退款拦截：扫描到此单时会自动拦截并退回审单员。")))

@access("orders.view")
def daily_check(request):
    """ORD-8: yesterday's (or ?day=) orders with anomalies, grouped."""
    from datetime import date, timedelta

    from django.utils import timezone

    from .daily_check import GROUPS, anomalies

    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate() - timedelta(days=1)
    groups = anomalies(day)
    return render(request, "orders/daily_check.html", {
        "day": day, "groups": [(code, _(label), groups[code]) for code, label in GROUPS],
        "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
        "page_title": _("每日异常订单")})


urlpatterns = [
    path("", order_list, name="order_list"),
    path("table/", order_list_table, name="order_list_table"),
    path("daily-check/", daily_check, name="daily_check"),
    path("new/", order_create, name="order_create"),
    path("<int:pk>/", order_detail, name="order_detail"),
    path("<int:pk>/amend/", order_amend, name="order_amend"),
    path("<int:pk>/pay/", order_pay, name="order_pay"),
    path("<int:pk>/confirm/", order_confirm, name="order_confirm"),
    path("<int:pk>/hold/", order_hold, name="order_hold"),
    path("<int:pk>/unhold/", order_unhold, name="order_unhold"),
    path("<int:pk>/cancel/", order_cancel, name="order_cancel"),
    path("<int:pk>/refund/", order_refund, name="order_refund"),
]
