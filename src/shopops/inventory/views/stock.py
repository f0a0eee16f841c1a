"""Stock pages (INV-1, INV-5): stock per SKU × warehouse, one SKU's stock and ledger, the
whole ledger, and setting safety stock."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.models import Category, Sku
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from ..actions.safety import set_safety_stock
from ..alerts import is_low
from ..forms import SafetyStockForm
from ..models import BinStock, Document, Move, Reservation, Stock, Warehouse

PAGE_SIZE = 50
DOC_REF = "inventory.document:"


def may(user) -> dict:
    """What the inventory pages offer this person (templates read may.receive …)."""
    return {key: user_can(user, f"inventory.{code}") for key, code in (
        ("receive", "receive"), ("transfer", "transfer"), ("stocktake", "stocktake"),
        ("manage", "manage_warehouses"), ("safety", "set_safety_stock"))}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def stock_rows(params):
    """Stock rows filtered as on the page (used by the page and the API)."""
    rows = Stock.objects.select_related("sku__product", "warehouse", "responsible")
    warehouse = _int(params.get("warehouse"))
    if warehouse:
        rows = rows.filter(warehouse_id=warehouse)
    category = _int(params.get("category"))
    if category:
        path_ = Category.objects.filter(pk=category).values_list("path", flat=True).first()
        rows = rows.filter(sku__product__category__path__startswith=path_ or "#")
    q = (params.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(sku__code__icontains=q) | Q(sku__barcode=q)
                           | Q(sku__product__code__icontains=q)
                           | Q(sku__product__title__icontains=q))
    if params.get("low"):
        rows = rows.annotate(avail=F("on_hand") - F("reserved")).filter(
            safety_stock__gt=0, avail__lte=F("safety_stock"))
    return rows.order_by("sku__product__code", "sku__code", "warehouse__code")


@access("inventory.view")
def stock_list(request):
    page = Paginator(stock_rows(request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    for stock in page:
        stock.is_low = is_low(stock.available, stock.safety_stock)
    return render(request, "inventory/stock_list.html", {
        "page": page, "f": request.GET,
        "warehouses": Warehouse.objects.all(),
        "categories": Category.objects.order_by("path"),
        "page_title": _("库存"),
    })


def annotate_references(moves):
    """Give each move a link to its document when it came from one (one query a page)."""
    ids = {int(m.reference[len(DOC_REF):]) for m in moves
           if m.reference.startswith(DOC_REF) and m.reference[len(DOC_REF):].isdigit()}
    numbers = dict(Document.objects.filter(pk__in=ids).values_list("pk", "number")) if ids else {}
    for move in moves:
        move.document_id = move.document_number = None
        if move.reference.startswith(DOC_REF):
            pk = _int(move.reference[len(DOC_REF):])
            if pk in numbers:
                move.document_id, move.document_number = pk, numbers[pk]
    return moves


def _moves():
    return Move.objects.select_related("sku", "warehouse", "location", "actor", "counterpart")


@access("inventory.view")
def sku_stock(request, pk):
    sku = get_object_or_404(Sku.objects.select_related("product"), pk=pk)
    stocks = list(Stock.objects.filter(sku=sku).select_related("warehouse", "responsible")
                  .order_by("warehouse__code"))
    for stock in stocks:
        stock.is_low = is_low(stock.available, stock.safety_stock)
    page = Paginator(_moves().filter(sku=sku), PAGE_SIZE).get_page(request.GET.get("page"))
    annotate_references(page.object_list)
    return render(request, "inventory/sku_stock.html", {
        "sku": sku, "stocks": stocks, "page": page,
        "bins": BinStock.objects.filter(sku=sku).select_related("location__warehouse")
        .order_by("location__warehouse__code", "location__walk_order", "location__code"),
        "reservations": Reservation.objects.filter(sku=sku, state=Reservation.State.ACTIVE)
        .select_related("warehouse").order_by("created_at")[:200],
        "safety_form": SafetyStockForm() if user_can(request.user, "inventory.set_safety_stock")
        else None,
        "page_title": _("库存 · {sku}").format(sku=sku.code),
    })


@access("inventory.set_safety_stock")
@require_POST
def safety_set(request, pk):
    sku = get_object_or_404(Sku, pk=pk)
    form = SafetyStockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写仓库和 0 或正整数的安全库存。"))
        return redirect("inventory:sku_stock", pk=pk)
    data = form.cleaned_data
    try:
        set_safety_stock(actor=request.user, sku=sku, warehouse=data["warehouse"],
                         safety_stock=data["safety_stock"], responsible=data["responsible"])
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已设置 {sku} 在 {warehouse} 的安全库存为 {n} 件。").format(
            sku=sku.code, warehouse=data["warehouse"].name, n=data["safety_stock"]))
    return redirect("inventory:sku_stock", pk=pk)


def move_rows(params):
    rows = _moves()
    warehouse = _int(params.get("warehouse"))
    if warehouse:
        rows = rows.filter(warehouse_id=warehouse)
    kind = params.get("kind")
    if kind in Move.Kind.values:
        rows = rows.filter(kind=kind)
    q = (params.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(sku__code__icontains=q) | Q(sku__barcode=q))
    ref = (params.get("reference") or "").strip()
    if ref:
        number = Document.objects.filter(number=ref).values_list("pk", flat=True).first()
        rows = rows.filter(reference=f"{DOC_REF}{number}" if number else ref)
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        day = _date(params.get(key))
        if day:
            rows = rows.filter(**{lookup: day})
    return rows


def _date(text):
    try:
        return parse_date(text or "")
    except ValueError:
        return None


@access("inventory.view")
def move_list(request):
    page = Paginator(move_rows(request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    annotate_references(page.object_list)
    return render(request, "inventory/move_list.html", {
        "page": page, "f": request.GET, "kinds": Move.Kind.choices,
        "warehouses": Warehouse.objects.all(), "page_title": _("库存流水"),
    })


urlpatterns = [
    path("", stock_list, name="stock_list"),
    path("sku/<int:pk>/", sku_stock, name="sku_stock"),
    path("sku/<int:pk>/safety/", safety_set, name="safety_set"),
    path("moves/", move_list, name="move_list"),
]
