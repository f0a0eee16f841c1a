"""My orders: the list with tabs, an order with its payment, tracking and the customer's
own moves (pay, cancel while unpaid, confirm receipt, review after delivery)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access
from shopops.fulfillment.models import Parcel, TrackingEvent
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import State
from shopops.service.actions.reviews import submit_review
from shopops.service.models import Review

from .. import payments
from ..actions import my_orders
from ..auth import current_customer, customer_required, shop_actor
from ..models import Payment, Refund
from ..words import REVIEWABLE, TABS, customer_state, tab_states
from .checkout import own_order_or_404
from .common import attempt, page_of


@access(PUBLIC)
@customer_required
def my_orders_page(request):
    customer = current_customer(request)
    tab = request.GET.get("tab", "")
    orders = (Order.objects.filter(customer=customer)
              .prefetch_related(Prefetch("lines", queryset=OrderLine.objects
                                         .select_related("sku__product").order_by("pk")))
              .order_by("-created_at", "-pk"))
    states = tab_states(tab)
    if states:
        orders = orders.filter(state__in=states)
    page = page_of(request, orders, 10)
    rows = list(page.object_list)
    deadlines = payments.pay_deadlines(rows)
    for order in rows:
        order.words, order.tone = customer_state(order)
        order.pay_until = deadlines.get(order.pk)
        order.due_fen = payments.amount_due(order)
    page.object_list = rows
    return render(request, "storefront/orders/list.html", {
        "page": page, "tab": tab, "tabs": [(c, label) for c, label, _ in TABS],
        "page_title": _("我的订单")})


@access(PUBLIC)
@customer_required
def my_order(request, pk):
    order = own_order_or_404(request, pk)
    lines = list(order.lines.select_related("sku__product").order_by("pk"))
    reviews = {r.line_id: r for r in Review.objects.filter(line__in=lines)}
    for line in lines:
        line.my_review = reviews.get(line.pk)
    parcels = list(Parcel.objects.filter(orders=order).select_related("courier")
                   .prefetch_related(Prefetch("tracking", queryset=TrackingEvent.objects
                                              .order_by("-at", "-pk")))
                   .order_by("packed_at"))
    order.words, order.tone = customer_state(order)
    attempts = list(Payment.objects.filter(order=order).select_related("reorder")
                    .order_by("-created_at", "-pk"))
    late_for = list(Payment.objects.filter(reorder=order).select_related("order"))
    refunds = list(Refund.objects.filter(order=order).order_by("-created_at", "-pk"))
    return render(request, "storefront/orders/detail.html", {
        "order": order, "lines": lines, "parcels": parcels, "payments": attempts,
        "late_for": late_for, "refunds": refunds,
        "late_money": next((p for p in attempts if p.state == Payment.State.SUCCEEDED
                            and p.outcome != Payment.Outcome.PAID), None), "due": payments.amount_due(order),
        "pay_until": payments.pay_deadlines([order]).get(order.pk),
        "providers": payments.offered(), "cancel_reasons": my_orders.CANCEL_REASONS,
        "can_review": order.state in REVIEWABLE and any(not li.my_review for li in lines),
        "is_unpaid": order.state == State.PENDING_PAYMENT,
        "can_confirm": order.state == State.SHIPPED, "page_title": _("订单 {number}").format(number=order.number)})


@access(PUBLIC)
@customer_required
@require_POST
def order_cancel(request, pk):
    attempt(request, lambda: my_orders.cancel_unpaid(
        customer=current_customer(request), order_id=pk, reason=request.POST.get("reason", "")),
        lambda order: _("订单 {number} 已取消，库存已释放。").format(number=order.number))
    return redirect("storefront:my_order", pk=pk)


@access(PUBLIC)
@customer_required
@require_POST
def order_confirm(request, pk):
    attempt(request, lambda: my_orders.confirm_receipt(customer=current_customer(request),
                                                       order_id=pk),
            lambda order: _("已确认收货：{number}。欢迎评价您购买的商品！").format(
                number=order.number))
    return redirect("storefront:my_order", pk=pk)


@access(PUBLIC)
@customer_required
@require_POST
def order_review(request, pk):
    order = own_order_or_404(request, pk)
    line = order.lines.filter(pk=request.POST.get("line") or 0).first()
    if line is None:
        messages.error(request, _("请选择要评价的商品。"))
        return redirect("storefront:my_order", pk=pk)
    attempt(request, lambda: submit_review(
        actor=shop_actor(request), line=line, rating=request.POST.get("rating"),
        body=request.POST.get("body", "")), _("感谢您的评价：{title}").format(title=line.title))
    return redirect("storefront:my_order", pk=pk)
