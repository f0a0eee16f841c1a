"""Home (the shelf plan, CAT-6), category pages, Chinese search and the product page."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from shopops.catalog.models import Category
from shopops.core.access import PUBLIC, access
from shopops.core.registry import setting

from .. import queries
from ..search import ranked, search_products
from .common import channel, page_of


@access(PUBLIC)
def home(request):
    shop = channel()
    sections = queries.home_sections(shop)
    newest = queries.decorate(queries.sorted_products(
        queries.with_prices(queries.listed_products(shop), shop)
        .prefetch_related(queries.images_prefetch()), "new")[:8], shop)
    return render(request, "storefront/shop/home.html", {
        "sections": sections, "newest": newest, "shop_open": shop.active,
        "free_shipping_fen": setting("storefront.free_shipping_fen")})


@access(PUBLIC)
def category(request, pk):
    shop = channel()
    node = get_object_or_404(Category, pk=pk)
    sort = request.GET.get("sort", "")
    sort = sort if sort in queries.SORTS else ""
    sections, products = queries.category_page(shop, node)
    page = page_of(request, queries.sorted_products(products, sort))
    page.object_list = queries.decorate(page.object_list, shop)
    children = list(node.children.order_by("sort_order", "name"))
    return render(request, "storefront/shop/category.html", {
        "category": node, "crumbs": queries.breadcrumbs(node), "children": children,
        "sections": sections if page.number == 1 and not sort else [], "page": page,
        "sort": sort, "sorts": queries.SORTS.items(), "page_title": node.name})


@access(PUBLIC)
def search(request):
    shop = channel()
    q = request.GET.get("q", "").strip()[:60]
    sort = request.GET.get("sort", "")
    sort = sort if sort in queries.SORTS else ""
    products, words = search_products(shop, q)
    page = page_of(request, ranked(products.prefetch_related(queries.images_prefetch()), sort))
    page.object_list = queries.decorate(page.object_list, shop)
    suggestions = queries.nav_categories() if q and not page.paginator.count else []
    return render(request, "storefront/shop/search.html", {
        "q": q, "words": words, "page": page, "sort": sort, "sorts": queries.SORTS.items(),
        "suggestions": suggestions, "page_title": _("搜索：{q}").format(q=q) if q else _("搜索")})


@access(PUBLIC)
def product(request, pk):
    shop = channel()
    item = queries.product_for_shop(shop, pk)
    stats, reviews = queries.review_summary(item)
    return render(request, "storefront/shop/product.html", {
        "product": item, "skus": item.shop_skus, "crumbs": queries.breadcrumbs(item.category),
        "stats": stats, "reviews": reviews, "page_title": item.title,
        "selling_points": [p.strip() for p in item.selling_points.replace("，", "\n")
                           .replace("；", "\n").splitlines() if p.strip()]})
