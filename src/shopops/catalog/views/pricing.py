"""Prices (CAT-4, CAT-8): the price list, a product's price history, the price change
proposal form and competitor prices. Prices change only through approved proposals."""

from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, forbidden, user_can
from shopops.core.actions.approvals import can_propose
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.money import format_fen, parse_yuan

from ..actions import pricing
from ..models import (
    Brand,
    Category,
    Channel,
    ChannelPrice,
    CompetitorPrice,
    PriceChange,
    Product,
    Sku,
)

PAGE_SIZE = 50


def margin(price, cost):
    """Gross margin in percent of the price, one decimal; None without a price."""
    if not price:
        return None
    return round((price - cost) * 100 / price, 1)


def _filtered_skus(request):
    q = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    brand = request.GET.get("brand", "")
    rows = Sku.objects.filter(active=True).exclude(product__status=Product.Status.DISCONTINUED)
    if q:
        rows = rows.filter(Q(product__search_text__icontains=q) | Q(product__title__icontains=q)
                           | Q(product__code__icontains=q) | Q(code__icontains=q)
                           | Q(barcode=q))
    if category.isdigit():
        node = Category.objects.filter(pk=category).first()
        # The category's whole subtree: one indexed prefix match on path.
        rows = rows.filter(product__category__path__startswith=node.path) if node else rows.none()
    if brand.isdigit():
        rows = rows.filter(product__brand_id=brand)
    return rows, {"q": q, "category": category, "brand": brand}


@access("catalog.view")
def price_list(request):
    rows, filters = _filtered_skus(request)
    last = PriceChange.objects.filter(sku=OuterRef("pk")).order_by("-at", "-id")
    rows = (rows.select_related("product", "product__brand")
            .prefetch_related(Prefetch("channel_prices", queryset=ChannelPrice.objects.all()))
            .annotate(last_change_at=Subquery(last.values("at")[:1]),
                      last_change_by=Subquery(last.values("actor__display_name")[:1]))
            .order_by("product__code", "code"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    channels = list(Channel.objects.filter(active=True))
    for sku in page:
        own = {cp.channel_id: cp.price_fen for cp in sku.channel_prices.all()}
        sku.base_margin = margin(sku.price_fen, sku.cost_fen)
        sku.cells = []
        for channel in channels:
            price = own.get(channel.pk)
            effective = price if price is not None else sku.price_fen
            sku.cells.append({"price": price, "effective": effective,
                              "margin": margin(effective, sku.cost_fen)})
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "catalog/pricing/price_list.html", {
        "page": page, "channels": channels, **filters, "query": query,
        "categories": Category.objects.all(), "brands": Brand.objects.all(),
        "page_title": _("价格管理"),
    })


@access("catalog.view")
def price_history(request, pk):
    product = get_object_or_404(Product, pk=pk)
    skus = list(product.skus.all())
    rows = (PriceChange.objects.filter(sku__product=product)
            .select_related("sku", "channel", "actor", "proposal"))
    sku_id = request.GET.get("sku", "")
    if sku_id.isdigit():
        rows = rows.filter(sku_id=sku_id)
    page = Paginator(rows.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for change in page:
        change.delta = (None if change.old_fen in (None, 0)
                        else round((change.new_fen - change.old_fen) * 100 / change.old_fen, 1))
    return render(request, "catalog/pricing/history.html", {
        "product": product, "skus": skus, "sku_id": sku_id, "page": page,
        "can_propose": can_propose(request.user, pricing.KIND),
        "page_title": _("价格历史 · {product}").format(product=product.title),
    })


def _grid(product, skus, channels, posted=None):
    """The form's cells: current price of each SKU in base + every channel, with what the
    person typed when the form comes back after an error."""
    current = pricing.current_prices([s.pk for s in skus], [c.pk for c in channels])
    posted = posted or {}
    columns = [(None, _("基准价"))] + [(c.pk, c.name) for c in channels]
    grid = []
    for sku in skus:
        cells = []
        for channel_id, _name in columns:
            key = f"{sku.pk}_{channel_id or 'base'}"
            own = current.get((sku.pk, channel_id))
            cells.append({"key": key, "own": own,
                          "effective": own if own is not None else sku.price_fen,
                          "typed": posted.get(f"p_{key}", ""),
                          "old": "" if own is None else own})
        grid.append({"sku": sku, "label": pricing.sku_label(sku), "cells": cells})
    return columns, grid


def _posted_lines(post, skus, channels):
    lines = []
    for sku in skus:
        for channel_id in [None] + [c.pk for c in channels]:
            key = f"{sku.pk}_{channel_id or 'base'}"
            typed = post.get(f"p_{key}", "").strip()
            if not typed:
                continue
            old = post.get(f"o_{key}", "").strip()
            try:
                old_fen = int(old) if old else None
            except ValueError:
                old_fen = -1  # tampered: refused as a moved price
            lines.append({"sku_id": sku.pk, "channel_id": channel_id, "old_fen": old_fen,
                          "new_fen": parse_yuan(typed)})
    return lines


@access("catalog.view")
def propose_price(request, pk):
    product = get_object_or_404(Product, pk=pk)
    if not can_propose(request.user, pricing.KIND):
        return forbidden(request, "您的岗位不能提出调价申请。",
                         "Your role may not propose price changes.")
    skus = list(product.skus.filter(active=True))
    channels = list(Channel.objects.filter(active=True))
    competitors = list(CompetitorPrice.objects.filter(product=product)
                       .select_related("recorded_by")[:20])
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            lines = _posted_lines(posted, skus, channels)
            proposal = pricing.propose_price_change(
                actor=request.user, product=product, prices=lines,
                reason=posted.get("reason", ""),
                competitor_price_ids=[int(v) for v in posted.getlist("competitor") if v.isdigit()])
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("调价申请已提交，等待部门经理审批。"))
            return redirect(proposal.get_absolute_url())
    columns, grid = _grid(product, skus, channels, posted)
    chosen = set(posted.getlist("competitor")) if posted is not None else set()
    return render(request, "catalog/pricing/propose.html", {
        "product": product, "columns": columns, "grid": grid, "competitors": competitors,
        "chosen": chosen, "reason": posted.get("reason", "") if posted is not None else "",
        "page_title": _("申请调价 · {product}").format(product=product.title),
    }, status=400 if posted is not None else 200)


def _competitor_page(request, product, form=None, status=200):
    rows = CompetitorPrice.objects.filter(product=product).select_related("recorded_by")
    page = Paginator(rows.order_by("-observed_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    ours = min((s.price_fen for s in product.skus.filter(active=True)), default=None)
    for row in page:
        row.vs_ours = None if not ours else round((row.price_fen - ours) * 100 / ours, 1)
    return render(request, "catalog/pricing/competitors.html", {
        "product": product, "page": page, "form": form or {}, "our_price": ours,
        "can_record": user_can(request.user, "catalog.record_competitor_price"),
        "can_propose": can_propose(request.user, pricing.KIND),
        "page_title": _("竞品价格 · {product}").format(product=product.title),
    }, status=status)


@access("catalog.view")
def competitor_prices(request, pk):
    return _competitor_page(request, get_object_or_404(Product, pk=pk))


def _observed_at(text):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(text))
    except ValueError:
        raise UserError("bad_time", "记录时间格式不正确：{text}", "Bad time: {text}",
                        text=text) from None


@access("catalog.record_competitor_price")
@require_POST
def record_competitor_price(request, pk):
    product = get_object_or_404(Product, pk=pk)
    form = request.POST
    try:
        pricing.record_competitor_price(
            actor=request.user, product=product, competitor=form.get("competitor", ""),
            price_fen=parse_yuan(form.get("price", "")), url=form.get("url", ""),
            note=form.get("note", ""), observed_at=_observed_at(form.get("observed_at")))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return _competitor_page(request, product, form=form, status=400)
    messages.success(request, _("已记录竞品价格：{who} {price}").format(
        who=form.get("competitor", "").strip(), price=format_fen(parse_yuan(form["price"]))))
    return redirect("catalog:competitor_prices", pk=product.pk)


urlpatterns = [
    path("prices/", price_list, name="price_list"),
    path("<int:pk>/prices/", price_history, name="price_history"),
    path("<int:pk>/prices/propose/", propose_price, name="propose_price"),
    path("<int:pk>/competitors/", competitor_prices, name="competitor_prices"),
    path("<int:pk>/competitors/record/", record_competitor_price,
         name="record_competitor_price"),
]
