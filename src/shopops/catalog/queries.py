"""Catalog reads used by several callers (list pages, the API, the shop), each a fixed number
of queries whatever the number of rows."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone

from shopops.core.money import format_fen

from .models import Category, Listing, Media, Product, ShelfSlot, Sku
from .search import filter_text

# --- products -----------------------------------------------------------------------------


def product_rows(*, q="", category=None, brand=None, supplier=None, status=""):
    """The product list: brand/category/supplier joined, SKU count and price range
    annotated, first images and per-channel listings prefetched (CAT-1).

    Category filters include the whole subtree (Category.path prefix)."""
    active = Q(skus__active=True)
    rows = (Product.objects.select_related("category", "brand", "supplier")
            .annotate(sku_count=Count("skus", filter=active),
                      price_min=Min("skus__price_fen", filter=active),
                      price_max=Max("skus__price_fen", filter=active))
            .prefetch_related(
                Prefetch("media", queryset=Media.objects.filter(kind=Media.Kind.IMAGE)
                         .order_by("sort_order", "id"), to_attr="images"),
                Prefetch("listings", queryset=Listing.objects.select_related("channel")
                         .order_by("channel__sort_order", "channel__code"),
                         to_attr="channel_listings")))
    rows = filter_text(rows, q)
    if category is not None:
        rows = rows.filter(category__path__startswith=category.path)
    if brand is not None:
        rows = rows.filter(brand=brand)
    if supplier is not None:
        rows = rows.filter(supplier=supplier)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-updated_at", "-id")


def first_image(product):
    images = getattr(product, "images", None)
    if images is None:
        images = list(product.media.filter(kind=Media.Kind.IMAGE).order_by("sort_order", "id")[:1])
    return images[0] if images else None


def product_detail(pk):
    return (Product.objects.select_related("category", "brand", "supplier")
            .prefetch_related(
                Prefetch("skus", queryset=Sku.objects.order_by("-active", "id")),
                Prefetch("media", queryset=Media.objects.order_by("kind", "sort_order", "id")),
                Prefetch("listings", queryset=Listing.objects.select_related("channel")
                         .order_by("channel__sort_order", "channel__code")))
            .get(pk=pk))


# --- shelf plan (CAT-6) -------------------------------------------------------------------


@dataclass
class Section:
    name: str
    slots: list = field(default_factory=list)

    @property
    def products(self):
        return [slot.product for slot in self.slots]


def _shelf(page, category):
    slots = ShelfSlot.objects.filter(page=page).select_related("product", "category")
    if page == ShelfSlot.Page.CATEGORY:
        slots = slots.filter(category=category)
    return slots


def _sections(slots) -> list[Section]:
    sections: dict[str, Section] = {}
    for slot in slots:
        sections.setdefault(slot.section, Section(slot.section)).slots.append(slot)
    return list(sections.values())


def live_shelf(page=ShelfSlot.Page.HOME, category=None, at=None, channel=None) -> list[Section]:
    """What a shop page shows at `at` (now by default): its sections in plan order, each
    with its products in position order. Only products on sale; with `channel`, only
    those listed in that channel (unlisted products are invisible in the shop, CAT-2).

        for section in live_shelf("home", channel=b2c):
            section.name, section.products
    """
    at = at or timezone.now()
    slots = (_shelf(page, category)
             .filter(starts_at__lte=at, ends_at__gt=at, product__status=Product.Status.ACTIVE)
             .prefetch_related(Prefetch("product__media", queryset=Media.objects
                                        .filter(kind=Media.Kind.IMAGE)
                                        .order_by("sort_order", "id"), to_attr="images"))
             .order_by("section", "position", "starts_at"))
    if channel is not None:
        slots = slots.filter(product__listings__channel=channel,
                             product__listings__state=Listing.State.LISTED)
    return _sections(slots)


def shelf_plan(page=ShelfSlot.Page.HOME, category=None, at=None, include_ended=False):
    """The planning view of one page: every section, each slot tagged live/scheduled/ended."""
    at = at or timezone.now()
    slots = _shelf(page, category).prefetch_related(
        Prefetch("product__media", queryset=Media.objects.filter(kind=Media.Kind.IMAGE)
                 .order_by("sort_order", "id"), to_attr="images"))
    if not include_ended:
        slots = slots.filter(ends_at__gt=at)
    slots = list(slots.order_by("section", "position", "starts_at"))
    for slot in slots:
        slot.phase = ("live" if slot.starts_at <= at < slot.ends_at
                      else "scheduled" if slot.starts_at > at else "ended")
    return _sections(slots)


# --- submissions (CAT-5) ------------------------------------------------------------------


def category_labels() -> dict:
    """{category id: "女装 › 连衣裙"} for the whole tree in one query (the tree is small)."""
    rows = {pk: (name, path) for pk, name, path in
            Category.objects.values_list("pk", "name", "path")}
    out = {}
    for pk, (_, path) in rows.items():
        ids = [int(p) for p in path.strip("/").split("/") if p.isdigit()]
        out[pk] = " › ".join(rows[i][0] for i in ids if i in rows)
    return out


def _money(fen):
    return format_fen(fen) if isinstance(fen, int) else ""


def _spec(attributes):
    from .actions.products import format_attributes

    return format_attributes(attributes)


SKU_COMPARED = (("barcode", "条码", str), ("attributes", "规格", _spec),
                ("weight_g", "重量（克）", str), ("cost_fen", "成本", _money),
                ("price_fen", "售价", _money))


def submission_diff(payload: dict, product, labels: dict) -> dict:
    """What accepting would change: product fields and SKUs, old → new, in readable text.

    `product` is the existing product with the same 款号 (skus prefetched) or None."""
    fields = []
    current = {}
    if product is not None:
        current = {"title": product.title, "selling_points": product.selling_points,
                   "description": product.description,
                   "category": labels.get(product.category_id, ""),
                   "brand": product.brand.name if product.brand_id else ""}
    for name, label in (("title", "标题"), ("selling_points", "卖点"),
                        ("description", "详情描述"), ("category", "类目"), ("brand", "品牌")):
        new = payload.get(name) or ""
        old = current.get(name, "")
        if product is None and new:
            fields.append({"label": label, "old": "", "new": new})
        elif product is not None and new and new != old:
            fields.append({"label": label, "old": old, "new": new})
    existing = {s.code: s for s in product.skus.all()} if product is not None else {}
    skus = []
    for row in payload.get("skus", []):
        sku = existing.get(row["code"])
        changes = []
        for name, label, show in SKU_COMPARED:
            new = show(row.get(name))
            old = show(getattr(sku, name)) if sku is not None else ""
            if sku is None or new != old:
                changes.append({"label": label, "old": old, "new": new})
        skus.append({"code": row["code"], "state": "new" if sku is None else
                     ("changed" if changes else "same"), "changes": changes})
    sent = {row["code"] for row in payload.get("skus", [])}
    return {"new": product is None, "fields": fields, "skus": skus,
            "untouched": sorted(code for code in existing if code not in sent)}


def pending_with_diffs(submissions) -> list:
    """Attach `.existing` and `.diff` to each submission: three queries for any number."""
    submissions = list(submissions)
    codes = {s.payload.get("code") for s in submissions}
    products = {p.code: p for p in Product.objects.filter(code__in=codes)
                .select_related("brand").prefetch_related("skus")}
    labels = category_labels()
    for submission in submissions:
        submission.existing = products.get(submission.payload.get("code"))
        submission.diff = submission_diff(submission.payload, submission.existing, labels)
    return submissions
