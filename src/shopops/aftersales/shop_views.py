"""The customer's side of after-sales in the shop (/shop/aftersales/, AS-1): open a request
from one's own order, follow its state and history, enter the return waybill once it is
approved, withdraw it. Every page is PUBLIC for the access middleware and
@customer_required; another customer's order or request answers 404."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.models import Event
from shopops.core.money import parse_yuan
from shopops.core.registry import setting
from shopops.fulfillment.models import Courier
from shopops.orders.models import Order
from shopops.storefront.auth import current_customer, customer_required, shop_actor

from . import queries
from .actions import requests
from .models import AfterSale, AfterSalePhoto
from .states import CUSTOMER_CANCELLABLE, options

# What the customer's request page shows of its history: the request's own steps, not
# the staff's internal ones (deadlines, reveals, liability, disputes, takeovers).
CUSTOMER_VERBS = ["aftersales.requested", "aftersales.approved", "aftersales.rejected",
                  "aftersales.cancelled", "aftersales.closed", "aftersales.return_shipped",
                  "aftersales.received", "aftersales.return_refused", "aftersales.inspected",
                  "aftersales.repair_started", "aftersales.repaired",
                  "aftersales.replacement_created", "aftersales.completed",
                  "aftersales.refunded"]
CUSTOMER_WORDS = {
    AfterSale.State.REQUESTED: gettext_lazy("等待客服处理"),
    AfterSale.State.APPROVED: gettext_lazy("客服已同意，请寄回商品"),
    AfterSale.State.RETURNING: gettext_lazy("商品寄回中"),
    AfterSale.State.RECEIVED: gettext_lazy("商家已收到退货，检验中"),
    AfterSale.State.INSPECTED: gettext_lazy("已检验，处理中"),
    AfterSale.State.REPAIRING: gettext_lazy("维修中"),
    AfterSale.State.EXCHANGE_SHIPPING: gettext_lazy("新商品已安排发出"),
}


def _own_order(request, pk):
    order = (Order.objects.filter(customer=current_customer(request), pk=pk)
             .select_related("channel").first())
    if order is None:
        raise Http404(_("找不到这个订单"))
    return order


def _own_request(request, pk):
    found = (AfterSale.objects.filter(customer=current_customer(request), pk=pk)
             .select_related("order").first())
    if found is None:
        raise Http404(_("找不到这个售后单"))
    return found


def _lines(order):
    lines = list(order.lines.select_related("sku__product"))
    remaining = queries.remaining_quantities(order, lines)
    for line in lines:
        line.remaining = remaining[line.pk]
        line.paid_each = queries.goods_share_fen(order, line, 1)
        line.variants = [v for v in line.sku.product.skus.all() if v.active]
    return lines


@access(PUBLIC)
@customer_required
def request_new(request, order_pk):
    order = _own_order(request, order_pk)
    allowed = options(order)
    lines = _lines(order)
    for line in lines:
        line.qty = request.POST.get(f"qty_{line.pk}", "") if request.method == "POST" else (
            1 if line.remaining else 0)
    if request.method == "POST" and allowed["kinds"]:
        try:
            created = requests.open_request(
                actor=shop_actor(request), order=order, kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
                description=request.POST.get("description", ""),
                lines=[{"line": line.pk, "quantity": request.POST.get(f"qty_{line.pk}") or 0,
                        "exchange_sku": next((v for v in line.variants if str(v.pk) ==
                                              request.POST.get(f"sku_{line.pk}")), None)}
                       for line in lines],
                refund_fen=_yuan(request.POST.get("refund")),
                photos=request.FILES.getlist("photos"))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("售后申请已提交（%(number)s），客服会在 %(hours)s 小时内处理。")
                             % {"number": created.number,
                                "hours": setting("aftersales.respond_hours")})
            return redirect("shop_aftersales:detail", pk=created.pk)
    return render(request, "aftersales/shop/request_new.html", {
        "order": order, "lines": lines, "allowed": allowed, "f": request.POST,
        "kinds": [(k, AfterSale.Kind(k).label, [(r, AfterSale.Reason(r).label) for r in rs],
                   allowed["until"].get(k)) for k, rs in allowed["kinds"].items()],
        "max_photos": setting("aftersales.max_photos"),
        "image_kb": setting("catalog.image_max_kb"),
        "page_title": _("申请售后")})


def _yuan(text):
    text = (text or "").strip()
    return parse_yuan(text) if text else 0


@access(PUBLIC)
@customer_required
def request_list(request):
    rows = (AfterSale.objects.filter(customer=current_customer(request))
            .select_related("order").prefetch_related("lines__order_line")
            .order_by("-created_at", "-pk")[:100])
    return render(request, "aftersales/shop/request_list.html", {
        "rows": rows, "words": CUSTOMER_WORDS, "page_title": _("我的售后")})


@access(PUBLIC)
@customer_required
def request_detail(request, pk):
    req = _own_request(request, pk)
    history = (Event.objects.filter(object_type="aftersales.aftersale", object_id=str(req.pk),
                                    verb__in=CUSTOMER_VERBS).order_by("at", "pk"))
    return render(request, "aftersales/shop/request_detail.html", {
        "req": req, "order": req.order, "words": CUSTOMER_WORDS.get(req.state, ""),
        "lines": list(req.lines.select_related("order_line__sku", "exchange_sku")),
        "photos": list(req.photos.all()), "history": list(history),
        "refund_rows": list(req.refunds.all()),
        "can_cancel": req.state in CUSTOMER_CANCELLABLE,
        "can_ship": req.state in (AfterSale.State.APPROVED, AfterSale.State.RETURNING),
        "return_address": setting("aftersales.return_address"),
        "return_days": setting("aftersales.return_ship_days"),
        "couriers": Courier.objects.filter(active=True),
        "page_title": _("售后单 %(number)s") % {"number": req.number}})


def _post(action, success):
    @access(PUBLIC)
    @customer_required
    @require_POST
    def view(request, pk):
        req = _own_request(request, pk)
        try:
            action(request, req)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, success)
        return redirect("shop_aftersales:detail", pk=pk)
    return view


request_waybill = _post(lambda r, q: requests.enter_return_waybill(
    actor=shop_actor(r), request=q, courier=r.POST.get("courier", ""),
    waybill_no=r.POST.get("waybill_no", "")), _("已提交退回运单，商家收到后会尽快处理。"))
request_cancel = _post(lambda r, q: requests.cancel_request(
    actor=shop_actor(r), request=q, reason=r.POST.get("reason", "")), _("售后申请已撤销。"))


@access(PUBLIC)
@customer_required
def photo_file(request, pk):
    photo = AfterSalePhoto.objects.filter(pk=pk,
                                          request__customer=current_customer(request)).first()
    if photo is None or not photo.file.storage.exists(photo.file.name):
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [
    path("", request_list, name="list"),
    path("new/<int:order_pk>/", request_new, name="new"),
    path("<int:pk>/", request_detail, name="detail"),
    path("<int:pk>/waybill/", request_waybill, name="waybill"),
    path("<int:pk>/cancel/", request_cancel, name="cancel"),
    path("photos/<int:pk>/", photo_file, name="photo"),
]
