"""Staff: every shop payment and refund, with late and duplicate payments up front (what
happened to money that arrived for a cancelled or already-paid order)."""

from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from shopops.core.access import access

from ..models import Payment
from .common import page_of

PROBLEMS = [Payment.Outcome.REORDERED, Payment.Outcome.REFUNDED, Payment.Outcome.DUPLICATE,
            Payment.Outcome.REFUND_FAILED]
FILTERS = [("", "全部"), ("late", "迟到/重复付款"), ("failed", "退款失败待处理"),
           ("succeeded", "支付成功"), ("open", "待支付")]


@access("orders.view")
def payments(request):
    show = request.GET.get("show", "")
    rows = (Payment.objects.select_related("order", "reorder", "customer")
            .prefetch_related("refunds").order_by("-created_at", "-pk"))
    if show == "late":
        rows = rows.filter(outcome__in=PROBLEMS)
    elif show == "failed":
        rows = rows.filter(outcome=Payment.Outcome.REFUND_FAILED)
    elif show == "succeeded":
        rows = rows.filter(state=Payment.State.SUCCEEDED)
    elif show == "open":
        rows = rows.filter(state=Payment.State.CREATED)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(number=q) | Q(order__number=q) | Q(reorder__number=q)
                           | Q(provider_ref=q))
    page = page_of(request, rows, 50)
    return render(request, "storefront/staff/payments.html", {
        "page": page, "show": show, "filters": FILTERS, "q": q,
        "attention": Payment.objects.filter(outcome=Payment.Outcome.REFUND_FAILED).count(),
        "page_title": _("商城支付")})
