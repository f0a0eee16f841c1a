"""Carts. A cart binds nobody and reserves nothing (checkout reserves, through the ledger),
so its changes are not business events: they write no event rows (a busy shop would fill
the log with clicks). What the cart holds is visible to customer service beside the chat.

Every change is a conditional UPDATE or an INSERT guarded by the (cart, sku) unique key,
so two tabs adding the same SKU at once add up instead of losing one."""

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone

from shopops.catalog.models import Listing, Product, Sku
from shopops.core.errors import NotFoundError, UserError
from shopops.core.registry import setting

from ..models import Cart, CartItem


def find_cart(*, customer=None, visitor_key=None):
    if customer is not None:
        return Cart.objects.filter(customer=customer).first()
    if visitor_key:
        return Cart.objects.filter(visitor_key=visitor_key).first()
    return None


def cart_for(*, customer=None, visitor_key=None) -> Cart:
    """The customer's (or visitor's) cart, made when first needed."""
    if customer is None and not visitor_key:
        raise ValueError("a cart belongs to a customer or a visitor")
    lookup = {"customer": customer} if customer is not None else {"visitor_key": visitor_key}
    cart = Cart.objects.filter(**lookup).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(**lookup)
    except IntegrityError:  # made by a parallel request a moment ago
        return Cart.objects.get(**lookup)


def _shop_sku(sku_id, channel) -> Sku:
    sku = (Sku.objects.select_related("product")
           .filter(pk=sku_id, active=True, product__status=Product.Status.ACTIVE,
                   product__listings__channel=channel,
                   product__listings__state=Listing.State.LISTED).first())
    if sku is None:
        raise NotFoundError("sku_unavailable", "该商品已下架或规格不存在。",
                            "This item is not available.")
    return sku


def _quantity(value) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        quantity = 0
    if quantity < 1:
        raise UserError("bad_quantity", "购买数量至少为 1 件。", "Buy at least one.")
    limit = setting("storefront.max_quantity")
    if quantity > limit:
        raise UserError("too_many", "每个规格最多购买 {limit} 件。",
                        "At most {limit} of one item.", limit=limit)
    return quantity


@transaction.atomic
def add_item(*, cart, sku_id, quantity, channel) -> CartItem:
    """Put `quantity` more of a SKU in the cart (capped at storefront.max_quantity)."""
    sku = _shop_sku(sku_id, channel)
    quantity = _quantity(quantity)
    limit = setting("storefront.max_quantity")
    now = timezone.now()
    for _ in range(2):
        if CartItem.objects.filter(cart=cart, sku=sku).update(
                quantity=Least(F("quantity") + quantity, Value(limit)), added_at=now):
            break
        try:
            with transaction.atomic():
                CartItem.objects.create(cart=cart, sku=sku, quantity=quantity, added_at=now)
            break
        except IntegrityError:  # the same SKU added by a parallel request: add to it
            continue
    Cart.objects.filter(pk=cart.pk).update(updated_at=now)
    return CartItem.objects.select_related("sku__product").get(cart=cart, sku=sku)


@transaction.atomic
def set_quantity(*, cart, item_id, quantity) -> CartItem | None:
    """A new quantity for one line; 0 removes it."""
    try:
        wanted = int(quantity)
    except (TypeError, ValueError):
        wanted = -1
    if wanted == 0:
        remove_item(cart=cart, item_id=item_id)
        return None
    wanted = _quantity(wanted)
    if not CartItem.objects.filter(cart=cart, pk=item_id).update(quantity=wanted):
        raise NotFoundError("cart_item_missing", "购物车里没有这件商品。",
                            "That item is not in the cart.")
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return CartItem.objects.get(pk=item_id)


@transaction.atomic
def remove_item(*, cart, item_id) -> int:
    removed, _ = CartItem.objects.filter(cart=cart, pk=item_id).delete()
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return removed


@transaction.atomic
def remove_skus(*, cart, sku_ids) -> int:
    removed, _ = CartItem.objects.filter(cart=cart, sku_id__in=list(sku_ids)).delete()
    return removed


@transaction.atomic
def merge_visitor_cart(*, customer, visitor_key) -> int:
    """At sign-in: the visitor's cart joins the customer's (quantities of the same SKU add
    up, within the limit) and the visitor's cart is gone. Returns the lines moved."""
    visitor = Cart.objects.filter(visitor_key=visitor_key).first() if visitor_key else None
    if visitor is None:
        return 0
    items = list(visitor.items.all())
    if not items:
        visitor.delete()
        return 0
    mine = cart_for(customer=customer)
    limit = setting("storefront.max_quantity")
    now = timezone.now()
    for item in items:
        if not CartItem.objects.filter(cart=mine, sku_id=item.sku_id).update(
                quantity=Least(F("quantity") + item.quantity, Value(limit)), added_at=now):
            CartItem.objects.create(cart=mine, sku_id=item.sku_id,
                                    quantity=min(item.quantity, limit), added_at=item.added_at)
    visitor.delete()
    Cart.objects.filter(pk=mine.pk).update(updated_at=now)
    return len(items)
