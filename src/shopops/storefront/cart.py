"""Reading a cart the way the customer sees it: each line at today's shop price with its
stock, problems named before checkout (已下架, 缺货, 库存不足 仅剩 N 件), and the totals
(goods, shipping by the shop's rule, total). Four queries whatever the cart holds."""

from dataclasses import dataclass, field

from django.db.models import Sum

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
        if not self.listed:
            return "该商品已下架，无法购买"
        if self.available <= 0:
            return "该规格已缺货"
        if self.quantity > self.available:
            return f"库存不足，仅剩 {self.available} 件"
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
    listed = set(Product.objects.filter(
        pk__in={i.sku.product_id for i in items}, status=Product.Status.ACTIVE,
        listings__channel=channel, listings__state=Listing.State.LISTED)
        .values_list("pk", flat=True))
    return CartView([CartLine(item, prices.get(item.sku_id, item.sku.price_fen),
                              units.get(item.sku_id, 0),
                              item.sku.product_id in listed and item.sku.active)
                     for item in items])


def cart_count(cart_id) -> int:
    if not cart_id:
        return 0
    return CartItem.objects.filter(cart_id=cart_id).aggregate(n=Sum("quantity"))["n"] or 0
