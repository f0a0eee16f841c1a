"""What every shop page's frame needs (storefront/base.html): the shop's name, the cart
count, the signed-in customer and the top categories. Only on shop pages (/shop/…), so
staff pages pay nothing for it."""

from django.urls import reverse

from shopops.core.registry import setting

_PREFIX = None


def _shop_prefix():
    global _PREFIX
    if _PREFIX is None:
        _PREFIX = reverse("storefront:home")
    return _PREFIX


def shop(request):
    if not request.path.startswith(_shop_prefix()):
        return {}
    from .auth import current_cart, current_customer
    from .cart import cart_count
    from .queries import nav_categories

    cart = current_cart(request)
    return {
        "shop_name": setting("storefront.shop_name"),
        "shop_customer": current_customer(request),
        "cart_count": cart_count(cart.pk if cart is not None else None),
        "shop_categories": nav_categories(),
    }
