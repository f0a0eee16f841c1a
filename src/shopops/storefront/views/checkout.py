"""Checkout: choose or enter the address, review lines and totals, place the order; then
the confirmation with the order number and 去支付."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access
from shopops.core.errors import UserError
from shopops.orders.models import Order

from .. import payments
from ..actions import accounts
from ..actions.checkout import place_order
from ..auth import current_cart, current_customer, customer_required, shop_actor
from ..cart import cart_view
from .common import channel, error


def _chosen_address(request, customer):
    """The address the customer picked in the book, or the one typed in (saved to the book
    when asked, or when the book is empty)."""
    picked = request.POST.get("address", "new")
    if picked != "new":
        address = customer.addresses.filter(pk=picked if picked.isdigit() else 0).first()
        if address is None:
            raise UserError("address_missing", "请选择收货地址。", "Choose an address.")
        return {f: getattr(address, f) for f in accounts.ADDRESS_FIELDS}
    values = {f: request.POST.get(f, "").strip() for f in accounts.ADDRESS_FIELDS}
    if request.POST.get("save_address") or not customer.addresses.exists():
        accounts.add_address(actor=shop_actor(request), customer=customer, values=values)
    return values


@access(PUBLIC)
@customer_required
def checkout(request):
    shop = channel()
    customer = current_customer(request)
    cart = current_cart(request)
    typed = {}
    if request.method == "POST":
        typed = {f: request.POST.get(f, "").strip() for f in accounts.ADDRESS_FIELDS}
        try:
            address = _chosen_address(request, customer)
            order = place_order(customer=customer, cart=cart, channel=shop, address=address,
                                buyer_message=request.POST.get("buyer_message", ""),
                                expected_total_fen=request.POST.get("expected_total") or None)
        except UserError as exc:
            error(request, exc)
            if exc.code == "cart_empty":
                return redirect("storefront:cart")
        else:
            return redirect("storefront:order_placed", pk=order.pk)
    view = cart_view(cart, shop)
    if not view.lines and request.method != "POST":
        error(request, UserError("cart_empty", "购物车是空的，请先挑选商品再结算。",
                                 "Your cart is empty."))
        return redirect("storefront:cart")
    addresses = list(customer.addresses.all())
    chosen = request.POST.get("address") or next(
        (str(a.pk) for a in addresses if a.is_default), str(addresses[0].pk) if addresses else "new")
    return render(request, "storefront/checkout/checkout.html", {
        "cart": view, "addresses": addresses, "chosen": chosen, "typed": typed,
        "buyer_message": request.POST.get("buyer_message", ""), "page_title": _("确认订单")})


def own_order_or_404(request, pk):
    order = (Order.objects.filter(customer=current_customer(request), pk=pk)
             .prefetch_related("lines").first())
    if order is None:
        raise Http404(_("找不到这个订单"))
    return order


@access(PUBLIC)
@customer_required
def order_placed(request, pk):
    order = own_order_or_404(request, pk)
    return render(request, "storefront/checkout/placed.html", {
        "order": order, "lines": list(order.lines.all()), "due": payments.amount_due(order),
        "pay_until": payments.pay_deadlines([order]).get(order.pk),
        "providers": payments.offered(), "page_title": _("订单已提交")})


@access(PUBLIC)
@customer_required
@require_POST
def pay(request, pk):
    order = own_order_or_404(request, pk)
    try:
        _payment, url = payments.start_payment(customer=current_customer(request), order=order,
                                               provider_code=request.POST.get("provider", ""))
    except UserError as exc:
        error(request, exc)
        return redirect("storefront:my_order", pk=order.pk)
    return redirect(url)
