"""Product search (CAT-1): one text column per product that every catalog action keeps
current, so a search is a single indexed-table scan with no joins, whatever matches
(title, selling points, 款号, 商家编码, barcode, brand, supplier, category names).

Chinese has no spaces to split on; substring matching on the stored text finds "碎花" in
"夏季碎花雪纺连衣裙" without a segmenter. Terms separated by spaces must all match.
"""

from django.db.models import Q

from .barcodes import normalize
from .models import Category, Product, Sku


def category_names(category) -> list[str]:
    """The names from the root down to `category` (its path lists the ancestors' ids)."""
    if category is None:
        return []
    ids = [int(p) for p in (category.path or "").strip("/").split("/") if p.isdigit()]
    if not ids:
        return [category.name]
    names = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[i] for i in ids if i in names]


def build_search_text(product) -> str:
    parts = [product.code, product.title, product.selling_points]
    if product.brand_id:
        parts += [product.brand.name, product.brand.name_en]
    if product.supplier_id:
        parts.append(product.supplier.name)
    parts += category_names(product.category)
    for code, barcode in Sku.objects.filter(product=product).values_list("code", "barcode"):
        parts += [code, barcode]
    return " ".join(p.strip() for p in parts if p and p.strip()).lower()


def refresh_search_text(product) -> str:
    text = build_search_text(product)
    if text != product.search_text:
        Product.objects.filter(pk=product.pk).update(search_text=text)
        product.search_text = text
    return text


def refresh_for_categories(category_ids) -> int:
    """After a category is renamed or moved: rebuild the text of the products under it."""
    products = Product.objects.filter(category_id__in=list(category_ids)).select_related(
        "brand", "supplier", "category")
    count = 0
    for product in products.iterator():
        refresh_search_text(product)
        count += 1
    return count


def terms(q: str) -> list[str]:
    return [t for t in normalize(q).lower().replace("　", " ").split() if t]


def filter_text(queryset, q: str):
    for term in terms(q):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def exact_match(q: str):
    """The one product a scanned barcode, a 商家编码 or a 款号 names exactly, else None."""
    code = normalize(q)
    if not code or " " in code:
        return None
    sku = Sku.objects.filter(Q(barcode=code) | Q(code__iexact=code)).only("product_id").first()
    if sku is not None:
        return sku.product_id
    return Product.objects.filter(code__iexact=code).values_list("pk", flat=True).first()
