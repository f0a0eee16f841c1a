"""订单导入 (ORD-1): upload a Taobao/Tmall or JD export, read the preview with every
problem row, confirm; the unmatched-lines queue where staff pick the SKU. Thin views over
orders/actions/imports.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.models import Channel, Sku
from shopops.core.access import access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from .actions import imports as actions
from .importing.columns import PLATFORM_LABELS
from .models import OrderImport, UnmatchedLine

PAGE_SIZE = 50
PROBLEMS_PER_PAGE = 100


@access("orders.create")
def import_list(request):
    jobs = OrderImport.objects.select_related("channel", "created_by").defer("plan")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/imports/list.html", {
        "page": page, "page_title": _("订单导入"), "platforms": PLATFORM_LABELS,
        "channels": Channel.objects.filter(active=True, kind__in=actions.IMPORT_CHANNEL_KINDS),
        "open_unmatched": UnmatchedLine.objects.filter(state=UnmatchedLine.State.OPEN).count()})


@access("orders.create")
@require_POST
def import_upload(request):
    channel_id = request.POST.get("channel", "")
    channel = Channel.objects.filter(pk=channel_id).first() if channel_id.isdigit() else None
    try:
        job = actions.start_import(actor=request.user, channel=channel,
                                   upload=request.FILES.get("file"))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("orders:import_list")
    return redirect("orders:import_detail", job.pk)


@access("orders.create")
def import_detail(request, pk):
    job = get_object_or_404(OrderImport.objects.select_related("channel", "created_by"), pk=pk)
    problems = Paginator(job.errors or [], PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/imports/detail.html", {
        "job": job, "problems": problems, "problem_count": len(job.errors or []),
        "counts": job.summary.get("counts", {}), "applied": job.summary.get("applied"),
        "failures": job.summary.get("failures", []),
        "platform": PLATFORM_LABELS.get(job.platform, job.platform),
        "page_title": _("订单导入")})


@access("orders.create")
@require_POST
def import_confirm(request, pk):
    job = get_object_or_404(OrderImport, pk=pk)
    try:
        actions.confirm_import(actor=request.user, job=job)
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect("orders:import_detail", job.pk)


@access("orders.create")
def unmatched_list(request):
    state = request.GET.get("state", UnmatchedLine.State.OPEN)
    lines = UnmatchedLine.objects.select_related("channel", "sku", "order", "resolved_by")
    if state in UnmatchedLine.State.values:
        lines = lines.filter(state=state)
    page = Paginator(lines.defer("payload"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/imports/unmatched.html", {
        "page": page, "state": state, "states": UnmatchedLine.State.choices,
        "page_title": _("未匹配订单行")})


@access("orders.create")
@require_POST
def unmatched_resolve(request, pk):
    line = get_object_or_404(UnmatchedLine, pk=pk)
    code = request.POST.get("sku", "").strip()
    sku = (Sku.objects.filter(code=code).first() or Sku.objects.filter(barcode=code).first()
           if code else None)
    try:
        if sku is None:
            raise UserError("unmatched_no_sku", "找不到商家编码或条码为“{value}”的SKU。",
                            "No SKU with code or barcode '{value}'.", value=code)
        order = actions.resolve_unmatched(actor=request.user, line=line, sku=sku)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("orders:unmatched_list")
    if order is not None:
        messages.success(request, _("已生成订单 %(number)s。") % {"number": order.number})
    else:
        messages.success(request, _("已匹配，该订单还有其他待匹配的行。"))
    return redirect("orders:unmatched_list")


@access("orders.create")
@require_POST
def unmatched_discard(request, pk):
    line = get_object_or_404(UnmatchedLine, pk=pk)
    try:
        count = actions.discard_unmatched(actor=request.user, line=line,
                                          reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已放弃平台订单 %(no)s（%(count)s 行），不会生成订单。")
                         % {"no": line.platform_order_no, "count": count})
    return redirect("orders:unmatched_list")


urlpatterns = [
    path("imports/", import_list, name="import_list"),
    path("imports/upload/", import_upload, name="import_upload"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("unmatched/", unmatched_list, name="unmatched_list"),
    path("unmatched/<int:pk>/resolve/", unmatched_resolve, name="unmatched_resolve"),
    path("unmatched/<int:pk>/discard/", unmatched_discard, name="unmatched_discard"),
]
