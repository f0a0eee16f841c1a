"""Stocktake pages (INV-3): start a count sheet, the fast count-entry page (scan a location
or a barcode to jump to its row), submit, reopen after a rejected adjustment."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.models import Sku
from shopops.core.access import access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from ..actions import stocktake as actions
from ..actions.documents import locations_by_code
from ..forms import SPLIT, StocktakeForm
from ..models import Document, Location

S = Document.State


@access("inventory.stocktake")
def stocktake_create(request):
    initial = {"warehouse": request.GET.get("warehouse")} if request.GET.get("warehouse") else {}
    form = StocktakeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warehouse = data["warehouse"]
        codes = [c for c in SPLIT.split(data["locations"].strip()) if c]
        found = locations_by_code(warehouse, codes)
        missing = [c.upper() for c in codes if c.upper() not in found]
        try:
            if missing:
                raise UserError("unknown_location", "{warehouse} 没有库位：{codes}",
                                "{warehouse} has no location: {codes}",
                                warehouse=warehouse.name, codes="、".join(missing))
            document = actions.create_stocktake(actor=request.user, warehouse=warehouse,
                                                locations=list(found.values()) or None,
                                                note=data["note"])
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已生成盘点单 {number}，共 {n} 行。").format(
                number=document.number, n=document.lines.count()))
            return redirect("inventory:stocktake_count", pk=document.pk)
    return render(request, "inventory/stocktake_form.html", {
        "form": form, "page_title": _("新建盘点单")})


def _sheet(document):
    lines = list(document.lines.select_related("sku__product", "location"))
    lines.sort(key=lambda ln: (ln.location.walk_order if ln.location_id else 10**9,
                               ln.location.code if ln.location_id else "", ln.sku.code))
    return lines


@access("inventory.stocktake")
def stocktake_count(request, pk):
    document = get_object_or_404(Document.objects.select_related("warehouse", "proposal"),
                                 pk=pk, kind=Document.Kind.STOCKTAKE)
    if request.method == "POST":
        counts = {key[len("count_"):]: value.strip() for key, value in request.POST.items()
                  if key.startswith("count_") and key[len("count_"):].isdigit()}
        try:
            saved = actions.record_counts(actor=request.user, document=document, counts=counts)
            if request.POST.get("and_submit"):
                document = actions.submit_stocktake(actor=request.user, document=document)
                if document.state == S.POSTED:
                    messages.success(request, _("盘点无差异，{number} 已过账。").format(
                        number=document.number))
                else:
                    messages.success(request, _("盘点有差异，已提交部门经理审批。"))
                return redirect(document)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已保存 {n} 行实盘数量。").format(n=saved))
            return redirect("inventory:stocktake_count", pk=pk)
    lines = _sheet(document)
    return render(request, "inventory/stocktake_count.html", {
        "document": document, "lines": lines,
        "counted": sum(1 for ln in lines if ln.counted is not None),
        "editable": document.state == S.COUNTING or (
            document.state == S.PROPOSED and document.proposal
            and document.proposal.state in ("rejected", "withdrawn")),
        "page_title": _("盘点录入 · {number}").format(number=document.number),
    })


@access("inventory.stocktake")
@require_POST
def stocktake_add_line(request, pk):
    document = get_object_or_404(Document.objects.select_related("warehouse"), pk=pk,
                                 kind=Document.Kind.STOCKTAKE)
    code = request.POST.get("sku", "").strip()
    location_code = request.POST.get("location", "").strip().upper()
    try:
        sku = Sku.objects.filter(barcode=code).first() or Sku.objects.filter(code=code).first()
        if sku is None:
            raise UserError("unknown_sku", "找不到商品 {value}（商家编码或条码）。",
                            "No SKU with code or barcode {value}.", value=code or "（空）")
        location = None
        if location_code:
            location = Location.objects.filter(warehouse=document.warehouse,
                                               code=location_code).first()
            if location is None:
                raise UserError("unknown_location", "{warehouse} 没有库位 {value}。",
                                "{warehouse} has no location {value}.",
                                warehouse=document.warehouse.name, value=location_code)
        actions.add_stocktake_line(actor=request.user, document=document, sku=sku,
                                   location=location, counted=request.POST.get("counted") or None)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已增加 {sku}。").format(sku=sku.code))
    return redirect("inventory:stocktake_count", pk=pk)


@access("inventory.stocktake")
@require_POST
def stocktake_reopen(request, pk):
    document = get_object_or_404(Document, pk=pk, kind=Document.Kind.STOCKTAKE)
    try:
        actions.reopen_stocktake(actor=request.user, document=document)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect(document)
    messages.success(request, _("已回到盘点中，请复盘后重新提交。"))
    return redirect("inventory:stocktake_count", pk=pk)


urlpatterns = [
    path("stocktakes/new/", stocktake_create, name="stocktake_create"),
    path("documents/<int:pk>/count/", stocktake_count, name="stocktake_count"),
    path("documents/<int:pk>/count/add/", stocktake_add_line, name="stocktake_add_line"),
    path("documents/<int:pk>/reopen/", stocktake_reopen, name="stocktake_reopen"),
]
