"""What the shop shows: products listed on the shop's channel (CAT-2), at the shop's price
(the channel's price of the SKU, else its base price, CAT-8), with stock as the customer
sees it (有货 / 仅剩 N 件 / 缺货) in the warehouse shop orders ship from. Each read is a
fixed number of queries whatever the number of products."""

import json
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from shopops.catalog.models import (
    Category,
    ChannelPrice,
    Listing,
    Media,
    Product,
    ShelfSlot,
    Sku,
    ordered_attributes,
)
from shopops.catalog.queries import live_shelf
from shopops.core.registry import setting
from shopops.inventory.models import Stock, Warehouse

SORTS = {
    "": gettext_lazy("综合"),
    "new": gettext_lazy("新品"),
    "sales": gettext_lazy("销量"),
    "price": gettext_lazy("价格从低到高"),
    "-price": gettext_lazy("价格从高到低"),
}


def _ship_warehouses():
    return (Warehouse.objects.filter(active=True, kind=Warehouse.Kind.WAREHOUSE, sellable=True)
            .order_by("code"))


def ship_warehouse():
    """Where shop orders are reserved and shipped from: the warehouse orders.create_order
    picks by default, so the stock shown is the stock checkout can take."""
    return _ship_warehouses().first()


def _stock_in(warehouse):
    """Stock rows of `warehouse`, or of the ship warehouse as a subquery (no extra read)."""
    if warehouse is not None:
        return Stock.objects.filter(warehouse=warehouse)
    return Stock.objects.filter(warehouse=Subquery(_ship_warehouses().values("pk")[:1]))


def images_prefetch(prefix=""):
    return Prefetch(f"{prefix}media", queryset=Media.objects.filter(kind=Media.Kind.IMAGE)
                    .order_by("sort_order", "id"), to_attr="images")


def listed_products(channel):
    """Products a customer may see: on sale and listed on the shop's channel."""
    return Product.objects.filter(status=Product.Status.ACTIVE, listings__channel=channel,
                                  listings__state=Listing.State.LISTED)


def with_prices(products, channel):
    """Annotate price_min / price_max (shop prices of the active SKUs) and listed_at."""
    return (products.annotate(
        shop_cp=FilteredRelation("skus__channel_prices",
                                 condition=Q(skus__channel_prices__channel=channel)))
        .annotate(price_min=Min(Coalesce("shop_cp__price_fen", "skus__price_fen"),
                                filter=Q(skus__active=True)),
                  price_max=Max(Coalesce("shop_cp__price_fen", "skus__price_fen"),
                                filter=Q(skus__active=True)),
                  listed_at=Max("listings__listed_at")))


def _sales_30d():
    from datetime import timedelta

    from django.utils import timezone

    from shopops.orders.models import OrderLine

    since = timezone.now() - timedelta(days=30)
    return Subquery(
        OrderLine.objects.filter(sku__product=OuterRef("pk"), order__created_at__gte=since)
        .exclude(order__state="cancelled").values("sku__product")
        .annotate(n=Sum("quantity")).values("n")[:1], output_field=IntegerField())


def sorted_products(products, sort):
    if sort == "price":
        return products.order_by("price_min", "-pk")
    if sort == "-price":
        return products.order_by("-price_min", "-pk")
    if sort == "sales":
        return products.annotate(sold=Coalesce(_sales_30d(), Value(0))).order_by("-sold", "-pk")
    return products.order_by(F("listed_at").desc(nulls_last=True), "-pk")


def decorate(products, channel, warehouse=None):
    """Give each product of a page `.image` (first image) and `.available` (units the
    shop can sell now): one query for the stock of the whole page."""
    products = list(products)
    units = available_by_product([p.pk for p in products], warehouse)
    for product in products:
        images = getattr(product, "images", None) or []
        product.image = images[0] if images else None
        product.available = units.get(product.pk, 0)
    return products


def available_by_product(product_ids, warehouse=None) -> dict[int, int]:
    if not product_ids:
        return {}
    rows = (_stock_in(warehouse).filter(sku__product_id__in=product_ids, sku__active=True)
            .values("sku__product_id").order_by()
            .annotate(units=Sum(F("on_hand") - F("reserved"))))
    return {row["sku__product_id"]: max(0, row["units"] or 0) for row in rows}


def available_by_sku(sku_ids, warehouse=None) -> dict[int, int]:
    if not sku_ids:
        return {}
    return {sku_id: max(0, units) for sku_id, units in
            _stock_in(warehouse).filter(sku_id__in=list(sku_ids))
            .values_list("sku_id", F("on_hand") - F("reserved"))}


def sku_prices(sku_ids, channel) -> dict[int, int]:
    """{sku id: shop price in fen}."""
    rows = Sku.objects.filter(pk__in=list(sku_ids)).annotate(
        shop_price=Coalesce(Subquery(ChannelPrice.objects.filter(
            sku=OuterRef("pk"), channel=channel).values("price_fen")[:1]), F("price_fen")))
    return dict(rows.values_list("pk", "shop_price"))


@dataclass
class StockWord:
    """What the customer reads about stock: 有货, 仅剩 N 件 or 缺货."""

    units: int
    low: int

    @property
    def level(self) -> str:
        return "out" if self.units <= 0 else "low" if self.units <= self.low else "ok"

    @property
    def label(self) -> str:
        if self.units <= 0:
            return gettext("缺货")
        if self.units <= self.low:
            return gettext("仅剩 {n} 件").format(n=self.units)
        return gettext("有货")


def stock_word(units) -> StockWord:
    return StockWord(units, setting("storefront.low_stock_units"))


# -- pages ---------------------------------------------------------------------------------


def nav_categories():
    """The top of the category tree, for the shop's navigation."""
    return list(Category.objects.filter(parent__isnull=True).order_by("sort_order", "name"))


def home_sections(channel):
    """The home page: the shelf plan's live sections (CAT-6) with prices and stock."""
    sections = live_shelf(ShelfSlot.Page.HOME, channel=channel)
    _price_shelf(sections, channel)
    return sections


def _price_shelf(sections, channel):
    products = [slot.product for section in sections for slot in section.slots]
    if not products:
        return
    ids = {p.pk for p in products}
    prices = {p.pk: (p.price_min, p.price_max) for p in with_prices(
        Product.objects.filter(pk__in=ids), channel).only("pk")}
    units = available_by_product(list(ids))
    for product in products:
        product.price_min, product.price_max = prices.get(product.pk, (None, None))
        images = getattr(product, "images", None) or []
        product.image = images[0] if images else None
        product.available = units.get(product.pk, 0)


def category_page(channel, category):
    """A category page: its shelf slots first (CAT-6), then every listed product under the
    category's subtree (the caller sorts and pages `products`)."""
    sections = live_shelf(ShelfSlot.Page.CATEGORY, category=category, channel=channel)
    _price_shelf(sections, channel)
    products = with_prices(listed_products(channel).filter(
        category__path__startswith=category.path), channel).prefetch_related(images_prefetch())
    return sections, products


def product_for_shop(channel, pk):
    """The product page's product, or 404 when it is not visible in the shop."""
    product = (listed_products(channel).filter(pk=pk)
               .select_related("category", "brand")
               .prefetch_related(
                   Prefetch("skus", queryset=Sku.objects.filter(active=True).order_by("id"),
                            to_attr="shop_skus"),
                   Prefetch("media", queryset=Media.objects.filter(kind=Media.Kind.IMAGE)
                            .order_by("sort_order", "id"), to_attr="images"))
               .first())
    if product is None:
        raise Http404(gettext("商品不存在或已下架"))
    skus = product.shop_skus
    prices = sku_prices([s.pk for s in skus], channel)
    units = available_by_sku([s.pk for s in skus])
    for sku in skus:
        sku.shop_price = prices.get(sku.pk, sku.price_fen)
        sku.stock = stock_word(units.get(sku.pk, 0))
        sku.attrs = ordered_attributes(sku.attributes)
        sku.attrs_json = json.dumps({k: str(v) for k, v in sku.attrs}, ensure_ascii=False)
    product.options = sku_options(skus)
    product.image = product.images[0] if product.images else None
    return product


def sku_options(skus) -> list[tuple[str, list[str]]]:
    """[("颜色", ["碎花", "藏青"]), ("尺码", ["S", "M", "L"])] in the catalog's order."""
    names: dict[str, list[str]] = {}
    for sku in skus:
        for name, value in ordered_attributes(sku.attributes):
            values = names.setdefault(name, [])
            if str(value) not in values:
                values.append(str(value))
    return list(names.items())


def review_summary(product):
    from shopops.service.models import Review

    published = Review.objects.filter(product=product, state=Review.State.PUBLISHED)
    stats = published.aggregate(count=Count("pk"), average=Avg("rating"))
    reviews = list(published.select_related("customer", "sku").order_by("-created_at", "-pk")[:20])
    return stats, reviews


def breadcrumbs(category) -> list[Category]:
    if category is None:
        return []
    ids = [int(p) for p in (category.path or "").strip("/").split("/") if p.isdigit()]
    found = {c.pk: c for c in Category.objects.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found] or [category]
