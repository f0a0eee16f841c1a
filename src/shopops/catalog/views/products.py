"""Product pages (CAT-1): the list with search and filters, the detail page, create/edit
with SKU rows, status changes."""

import importlib.util

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.purchasing.models import Supplier

from ..actions import products as actions
from ..actions.media import ACCEPT, limit_bytes
from ..actions.reference import category_label, category_tree
from ..models import Brand, Category, Channel, Media, Product
from ..queries import product_detail as load_product
from ..queries import product_rows
from ..search import exact_match
from .product_forms import ProductForm, SkuRowForm, sku_formset, sku_rows

PAGE_SIZE = 50
PRICING_TAGS = "shopops.catalog.templatetags.catalog_pricing"
STATUS_TAGS = {"draft": "grey", "active": "ok", "discontinued": "bad"}
LISTING_TAGS = {"listed": "ok", "delisted": "bad", "unlisted": "grey"}


def _pk(value, model):
    if value and str(value).isdigit():
        return model.objects.filter(pk=int(value)).first()
    return None


@access("catalog.view")
def product_list(request):
    q = request.GET.get("q", "").strip()
    if q and not request.GET.get("page"):
        found = exact_match(q)
        if found is not None:  # a scanned barcode or an exact code: straight to the product
            return redirect("catalog:product_detail", pk=found)
    category = _pk(request.GET.get("category"), Category)
    brand = _pk(request.GET.get("brand"), Brand)
    supplier = _pk(request.GET.get("supplier"), Supplier)
    status = request.GET.get("status", "")
    status = status if status in Product.Status.values else ""
    rows = product_rows(q=q, category=category, brand=brand, supplier=supplier, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for product in page:
        product.thumb = product.images[0] if product.images else None
        product.status_tag = STATUS_TAGS.get(product.status, "grey")
        for listing in product.channel_listings:
            listing.tag = LISTING_TAGS.get(listing.state, "grey")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "catalog/products/list.html", {
        "page": page, "q": q, "category": category, "brand": brand, "supplier": supplier,
        "status": status, "statuses": Product.Status.choices, "tree": [(c, "　" * depth) for c, depth in category_tree()],
        "brands": Brand.objects.all(), "suppliers": Supplier.objects.all(),
        "query": query.urlencode(), "page_title": _("商品"),
        "can_create": user_can(request.user, "catalog.edit_products"),
        "can_submit": user_can(request.user, "catalog.submit_info"),
    })


@access("catalog.view")
def product_detail(request, pk):
    try:
        product = load_product(pk)
    except Product.DoesNotExist:
        raise Http404 from None
    skus = list(product.skus.all())
    for sku in skus:
        sku.spec = actions.ordered_attributes(sku.attributes)
    media = list(product.media.all())
    listings = {listing.channel_id: listing for listing in product.listings.all()}
    channels = [(channel, listings.get(channel.pk)) for channel in Channel.objects.all()]
    return render(request, "catalog/products/detail.html", {
        "product": product, "skus": skus,
        "images": [m for m in media if m.kind == Media.Kind.IMAGE],
        "videos": [m for m in media if m.kind == Media.Kind.VIDEO],
        "documents": [m for m in media if m.kind == Media.Kind.DOCUMENT],
        "channels": channels, "status_tag": STATUS_TAGS.get(product.status, "grey"),
        "next_statuses": [(s, Product.Status(s).label) for s in
                          sorted(actions.STATUS_MOVES.get(product.status, ()))],
        "has_pricing": importlib.util.find_spec(PRICING_TAGS) is not None,
        "can_edit": user_can(request.user, "catalog.edit_products"),
        "can_upload": user_can(request.user, "catalog.upload_media"),
        "accept": ACCEPT, "limits": {kind: limit_bytes(kind)[1] for kind in Media.Kind.values},
        "category_label": category_label(product.category) if product.category_id else "",
        "page_title": str(product),
    })


def _edit(request, product=None):
    posted = request.method == "POST"
    if product is None:
        form = ProductForm(request.POST if posted else None)
        initial = None
    else:
        form = ProductForm(request.POST if posted else None,
                           initial=ProductForm.initial_for(product))
        initial = [SkuRowForm.initial_for(sku) for sku in product.skus.order_by("-active", "id")]
    add_row = posted and "add_row" in request.POST
    formset = sku_formset(request.POST if posted else None, initial=initial, add_row=add_row)
    if product is not None and product.status != Product.Status.DRAFT:
        # Prices of a product on sale change only through a price proposal (CAT-4).
        for row in formset.forms:
            if row.initial.get("id"):
                row.fields["price"].widget.attrs.update(
                    readonly=True, title=_("在售商品的售价须通过调价申请修改"))
    if posted and not add_row and form.is_valid() and formset.is_valid():
        try:
            saved = actions.save_product(actor=request.user, product=product,
                                         fields=form.values(), skus=sku_rows(formset))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已保存：{product}").format(product=saved))
            return redirect("catalog:product_detail", pk=saved.pk)
    inactive = {} if product is None else {
        s.pk: s for s in product.skus.filter(active=False)}
    return render(request, "catalog/products/form.html", {
        "form": form, "formset": formset, "product": product, "inactive_ids": set(inactive),
        "page_title": _("编辑商品") if product else _("新建商品"),
    })


@access("catalog.edit_products")
def product_create(request):
    return _edit(request)


@access("catalog.edit_products")
def product_edit(request, pk):
    return _edit(request, get_object_or_404(Product, pk=pk))


@access("catalog.edit_products")
@require_POST
def product_status(request, pk):
    product = get_object_or_404(Product, pk=pk)
    try:
        actions.change_status(actor=request.user, product=product,
                              status=request.POST.get("status", ""),
                              reason=request.POST.get("reason", "").strip())
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("状态已改为「{status}」").format(
            status=product.get_status_display()))
    return redirect("catalog:product_detail", pk=pk)


urlpatterns = [
    path("", product_list, name="product_list"),
    path("new/", product_create, name="product_create"),
    path("<int:pk>/", product_detail, name="product_detail"),
    path("<int:pk>/edit/", product_edit, name="product_edit"),
    path("<int:pk>/status/", product_status, name="product_status"),
]
