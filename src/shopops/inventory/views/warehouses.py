"""Warehouses, stores and locations (INV-1, INV-4)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from shopops.core.access import access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from ..actions import warehouses as actions
from ..forms import LocationForm, LocationRangeForm, WarehouseForm
from ..models import Document, Location, Warehouse
from .stock import may

PAGE_SIZE = 50


@access("inventory.view")
def warehouse_list(request):
    rows = (Warehouse.objects.annotate(
        location_count=Count("locations", filter=Q(locations__active=True), distinct=True))
        .order_by("-active", "code"))
    # Separate aggregates: joining locations and stocks in one query would multiply rows.
    totals = dict(Warehouse.objects.values_list("pk").annotate(n=Sum("stocks__on_hand")))
    skus = dict(Warehouse.objects.values_list("pk").annotate(
        n=Count("stocks", filter=Q(stocks__on_hand__gt=0))))
    counted = dict(Document.objects.filter(kind=Document.Kind.STOCKTAKE,
                                           state=Document.State.POSTED)
                   .values_list("warehouse_id").annotate(last=Max("posted_at")))
    warehouses = list(rows)
    for w in warehouses:
        w.on_hand, w.sku_count, w.last_stocktake = totals.get(w.pk) or 0, skus.get(w.pk, 0), \
            counted.get(w.pk)
    return render(request, "inventory/warehouse_list.html", {
        "may": may(request.user), "warehouses": warehouses, "page_title": _("仓库与库位")})


@access("inventory.view")
def warehouse_detail(request, pk):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    locations = (Location.objects.filter(warehouse=warehouse)
                 .annotate(units=Sum("bins__quantity"),
                           sku_count=Count("bins", filter=Q(bins__quantity__gt=0)))
                 .order_by("walk_order", "code"))
    q = request.GET.get("q", "").strip().upper()
    if q:
        locations = locations.filter(code__startswith=q)
    page = Paginator(locations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inventory/warehouse_detail.html", {
        "may": may(request.user), "warehouse": warehouse, "page": page, "q": q,
        "location_form": LocationForm(), "range_form": LocationRangeForm(),
        "page_title": warehouse.name,
    })


@access("inventory.manage_warehouses")
def warehouse_create(request):
    form = WarehouseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warehouse = actions.create_warehouse(
                actor=request.user, code=data["code"], name=data["name"], kind=data["kind"],
                address=data["address"], sellable=data["sellable"])
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已新建 {name}。").format(name=warehouse.name))
            return redirect("inventory:warehouse_detail", pk=warehouse.pk)
    return render(request, "inventory/warehouse_form.html", {
        "form": form, "page_title": _("新建仓库/门店")})


@access("inventory.manage_warehouses")
def warehouse_edit(request, pk):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    initial = {f: getattr(warehouse, f) for f in ("code", "name", "kind", "address",
                                                 "sellable", "active")}
    form = WarehouseForm(request.POST if request.method == "POST" else None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_warehouse(actor=request.user, warehouse=warehouse, name=data["name"],
                                     kind=data["kind"], address=data["address"],
                                     sellable=data["sellable"], active=data["active"])
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, pgettext("flash", "已保存。"))
            return redirect("inventory:warehouse_detail", pk=pk)
    return render(request, "inventory/warehouse_form.html", {
        "form": form, "warehouse": warehouse,
        "page_title": _("修改 {name}").format(name=warehouse.name)})


@access("inventory.manage_warehouses")
@require_POST
def location_create(request, pk):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    form = LocationForm(request.POST)
    try:
        if not form.is_valid():
            raise UserError("bad_walk_order", "拣货顺序必须是 0 或正整数。",
                            "The walk order must be 0 or a positive whole number.")
        location = actions.create_location(actor=request.user, warehouse=warehouse,
                                           code=form.cleaned_data["code"],
                                           walk_order=form.cleaned_data["walk_order"])
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已新建库位 {code}。").format(code=location.code))
    return redirect("inventory:warehouse_detail", pk=pk)


@access("inventory.manage_warehouses")
@require_POST
def location_bulk_create(request, pk):
    warehouse = get_object_or_404(Warehouse, pk=pk)
    form = LocationRangeForm(request.POST)
    try:
        if not form.is_valid():
            raise UserError("bad_range", "请填写起始库位和结束库位。",
                            "Give the first and the last location.")
        result = actions.bulk_create_locations(actor=request.user, warehouse=warehouse,
                                               first=form.cleaned_data["first"],
                                               last=form.cleaned_data["last"])
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已新建 {created} 个库位（{first} … {last}），"
                                    "已存在而跳过 {skipped} 个。").format(**result))
    return redirect("inventory:warehouse_detail", pk=pk)


@access("inventory.manage_warehouses")
def location_edit(request, pk):
    location = get_object_or_404(Location.objects.select_related("warehouse"), pk=pk)
    form = LocationForm(request.POST if request.method == "POST" else None,
                        initial={"code": location.code, "walk_order": location.walk_order,
                                 "active": location.active})
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        walk_order = form.cleaned_data["walk_order"]
        try:
            actions.update_location(actor=request.user, location=location,
                                    walk_order=location.walk_order if walk_order is None
                                    else walk_order, active=form.cleaned_data["active"])
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已保存库位 {code}。").format(code=location.code))
            return redirect("inventory:warehouse_detail", pk=location.warehouse_id)
    return render(request, "inventory/location_form.html", {
        "form": form, "location": location,
        "page_title": _("库位 {code}").format(code=location.code)})


urlpatterns = [
    path("warehouses/", warehouse_list, name="warehouse_list"),
    path("warehouses/new/", warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/", warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", warehouse_edit, name="warehouse_edit"),
    path("warehouses/<int:pk>/locations/new/", location_create, name="location_create"),
    path("warehouses/<int:pk>/locations/range/", location_bulk_create,
         name="location_bulk_create"),
    path("locations/<int:pk>/edit/", location_edit, name="location_edit"),
]
