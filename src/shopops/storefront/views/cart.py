"""The cart: add from a product page, change quantities, remove; stock problems shown."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access
from shopops.core.errors import UserError

from ..actions import cart as actions
from ..auth import current_cart
from ..cart import cart_view
from .common import channel, error, safe_next


@access(PUBLIC)
def cart(request):
    shop = channel()
    view = cart_view(current_cart(request), shop)
    return render(request, "storefront/cart/cart.html", {"cart": view, "page_title": _("购物车")})


@access(PUBLIC)
@require_POST
def cart_add(request):
    shop = channel()
    back = safe_next(request, reverse("storefront:cart"))
    try:
        item = actions.add_item(cart=current_cart(request, create=True),
                                sku_id=request.POST.get("sku"),
                                quantity=request.POST.get("quantity", 1), channel=shop)
    except UserError as exc:
        error(request, exc)
        return redirect(back)
    messages.success(request, _("已加入购物车：{title}").format(title=item.sku.product.title))
    if request.POST.get("buy_now"):
        return redirect("storefront:checkout")
    return redirect(back)


@access(PUBLIC)
@require_POST
def cart_update(request, item):
    cart = current_cart(request)
    if cart is None:
        return redirect("storefront:cart")
    try:
        actions.set_quantity(cart=cart, item_id=item, quantity=request.POST.get("quantity"))
    except UserError as exc:
        error(request, exc)
    return redirect("storefront:cart")


@access(PUBLIC)
@require_POST
def cart_remove(request, item):
    cart = current_cart(request)
    if cart is not None and actions.remove_item(cart=cart, item_id=item):
        messages.success(request, _("已从购物车移除。"))
    return redirect("storefront:cart")

