"""Payment pages: the sandbox provider's cashier, the notify URL providers call (no
session, no CSRF token: the signature is the proof), and the page the customer returns
to."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access
from shopops.core.errors import UserError

from .. import payments
from ..auth import current_customer, customer_required
from ..models import Payment
from ..payments.sandbox import sandbox
from .common import error


def _own_payment(request, number):
    payment = (Payment.objects.select_related("order", "reorder")
               .filter(number=number, customer=current_customer(request)).first())
    if payment is None:
        raise Http404(_("找不到这笔支付"))
    return payment


@access(PUBLIC)
@customer_required
def sandbox_pay(request, number):
    """The sandbox provider's cashier page (what Alipay's would be)."""
    payment = _own_payment(request, number)
    if payment.provider != sandbox.code:
        raise Http404("不是沙箱支付")
    if request.method == "POST" and payment.state == Payment.State.CREATED:
        choice = request.POST.get("result", "")
        if choice not in ("success", "fail", "cancel"):
            messages.error(request, _("请选择支付结果。"))
        else:
            # The gateway tells the shop (a signed notification), then sends the buyer back.
            try:
                payments.receive_notification(provider_code=sandbox.code,
                                              data=sandbox.notification(payment, choice))
            except UserError as exc:
                error(request, exc)
            return redirect("storefront:payment_return", number=payment.number)
    return render(request, "storefront/pay/sandbox.html", {
        "payment": payment, "order": payment.order, "page_title": _("沙箱收银台")})


@csrf_exempt
@access(PUBLIC)
@require_POST
def payment_notify(request, provider):
    """Where a provider posts its asynchronous notification (notify_url)."""
    try:
        handler = payments.get_provider(provider)
    except UserError:
        raise Http404("unknown provider") from None
    try:
        payments.receive_notification(provider_code=provider,
                                      data=handler.notification_data(request))
    except UserError:
        body, content_type = handler.acknowledge(False)
        return HttpResponse(body, content_type=content_type, status=400)
    body, content_type = handler.acknowledge(True)
    return HttpResponse(body, content_type=content_type)


@access(PUBLIC)
@customer_required
def payment_return(request, number):
    payment = _own_payment(request, number)
    return render(request, "storefront/pay/return.html", {
        "payment": payment, "order": payment.order, "page_title": _("支付结果")})
