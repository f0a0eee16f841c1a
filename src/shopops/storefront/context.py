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
    from .auth import VISITOR_KEY, current_customer
    from .cart import cart_count
    from .queries import nav_categories

    customer = current_customer(request)
    return {
        "shop_name": setting("storefront.shop_name"),
        "shop_customer": customer,
        "cart_count": cart_count(customer=customer,
                                 visitor_key=request.session.get(VISITOR_KEY)),
        "shop_categories": nav_categories(),
    }
