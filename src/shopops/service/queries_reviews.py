"""Reviews as the shop shows them (CS-6): published ones only, newest first, each with the
shop's reply. For the storefront's product page:

    {% include "service/reviews/_shop_reviews.html" with reviews=reviews %}
    reviews = public_reviews(product)[:20]
"""

from .models import Review


def public_reviews(product):
    return (Review.objects.filter(product=product, state=Review.State.PUBLISHED)
            .select_related("customer", "sku").order_by("-created_at", "-pk"))
