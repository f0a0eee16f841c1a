"""Reading a cart the way the customer sees it: each line at today's shop price with its
stock, problems named before checkout (已下架, 缺货, 库存不足 仅剩 N 件), and the totals
(goods, shipping by the shop's rule, total). Four queries whatever the cart holds."""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext

from shopops.catalog.models import Listing, Product, ordered_attributes
from shopops.core.registry import setting

from .models import CartItem
from .queries import available_by_sku, images_prefetch, sku_prices, stock_word


def shipping_for(goods_fen: int) -> int:
    if goods_fen <= 0:
        return 0
    free_from = setting("storefront.free_shipping_fen")
    if free_from == 0 or goods_fen >= free_from:
        return 0
    return setting("storefront.shipping_fen")


@dataclass
class CartLine:
    item: CartItem
    price_fen: int
    available: int
    listed: bool
    sold_out: bool = False  # delisted because stock ran out (CAT-3)

    @property
    def sku(self):
        return self.item.sku

    @property
    def product(self):
        return self.item.sku.product

    @property
    def quantity(self):
        return self.item.quantity

    @property
    def amount_fen(self):
        return self.price_fen * self.item.quantity

    @property
    def spec(self):
        return " / ".join(str(v) for _, v in ordered_attributes(self.item.sku.attributes))

    @property
    def title(self):
        return f"{self.product.title} {self.spec}".strip()

    @property
    def stock(self):
        return stock_word(self.available)

    @property
    def problem(self) -> str:
        """What stops this line from being bought, in the reader's language ("" if nothing)."""
        if self.sold_out or (self.listed and self.available <= 0):
            return gettext("该规格已售罄")
        if not self.listed:
            return gettext("该商品已下架，无法购买")
        if self.quantity > self.available:
            return gettext("库存不足，仅剩 {n} 件").format(n=self.available)
        return ""

    @property
    def image(self):
        images = getattr(self.product, "images", None) or []
        return images[0] if images else None


@dataclass
class CartView:
    lines: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def goods_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def shipping_fen(self) -> int:
        return shipping_for(self.goods_fen)

    @property
    def total_fen(self) -> int:
        return self.goods_fen + self.shipping_fen

    @property
    def problems(self) -> list:
        return [line for line in self.lines if line.problem]

    @property
    def free_shipping_gap_fen(self) -> int:
        """How much more to buy for free shipping (0 when already free)."""
        free_from = setting("storefront.free_shipping_fen")
        if not self.lines or free_from == 0 or self.goods_fen >= free_from:
            return 0
        return free_from - self.goods_fen


def cart_view(cart, channel) -> CartView:
    if cart is None:
        return CartView()
    items = list(CartItem.objects.filter(cart=cart).select_related("sku__product")
                 .prefetch_related(images_prefetch("sku__product__"))
                 .order_by("-added_at", "-pk"))
    if not items:
        return CartView()
    sku_ids = [i.sku_id for i in items]
    prices = sku_prices(sku_ids, channel)
    units = available_by_sku(sku_ids)
    listings = {product_id: (state, reason) for product_id, state, reason in Listing.objects.filter(
        product_id__in={i.sku.product_id for i in items}, channel=channel,
        product__status=Product.Status.ACTIVE).values_list("product_id", "state",
                                                           "delist_reason")}
    lines = []
    for item in items:
        state, reason = listings.get(item.sku.product_id, ("", ""))
        lines.append(CartLine(
            item, prices.get(item.sku_id, item.sku.price_fen), units.get(item.sku_id, 0),
            listed=state == Listing.State.LISTED and item.sku.active,
            sold_out=reason == Listing.DelistReason.STOCK_ZERO and item.sku.active))
    return CartView(lines)


def cart_count(*, customer=None, visitor_key=None) -> int:
    """Units in the customer's (else the visitor's) cart: one query, no cart read first."""
    if customer is not None:
        items = CartItem.objects.filter(cart__customer=customer)
    elif visitor_key:
        items = CartItem.objects.filter(cart__visitor_key=visitor_key)
    else:
        return 0
    return items.aggregate(n=Sum("quantity"))["n"] or 0
