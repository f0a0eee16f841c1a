"""{% load aftersales %}: the after-sales panel other pages include.

    {% order_after_sales order %}   on the staff order page: the order's requests and a
                                    link to register one (one query)
"""

from django import template

from shopops.core.access import user_can

register = template.Library()


@register.inclusion_tag("aftersales/_order_requests.html", takes_context=True)
def order_after_sales(context, order):
    from ..models import AfterSale

    request = context.get("request")
    user = getattr(request, "user", None)
    rows = list(AfterSale.objects.filter(order=order).order_by("-created_at", "-pk")) \
        if user_can(user, "aftersales.view") else []
    return {"order": order, "order_after_sales": rows, "request": request,
            "visible": user_can(user, "aftersales.view"),
            "perms_aftersales_handle": user_can(user, "aftersales.handle")}


@register.inclusion_tag("aftersales/shop/_order_panel_body.html")
def shop_order_after_sales(order):
    """The shop's order page: the customer's requests on this order and the 申请售后
    button when the order allows one and something is left to claim (two queries)."""
    from ..models import AfterSale
    from ..queries import remaining_quantities
    from ..states import options

    rows = list(AfterSale.objects.filter(order=order).order_by("-created_at", "-pk"))
    allowed = options(order)
    left = any(remaining_quantities(order).values()) if allowed["kinds"] else False
    shown = [k for k in (AfterSale.Kind.RETURN_REFUND, AfterSale.Kind.EXCHANGE,
                         AfterSale.Kind.REPAIR) if k in allowed["until"]]
    return {"order": order, "rows": rows, "can_request": bool(allowed["kinds"]) and left,
            "why": allowed["why"] if not allowed["kinds"] else "",
            "windows": [(AfterSale.Kind(k).label, allowed["until"][k]) for k in shown]}
