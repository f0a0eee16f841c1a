"""导入导出 (CAT-9): upload a file, watch it being checked, read every bad row, confirm;
export products, prices and stock (audited). Thin views over catalog/actions/imports.py."""

import csv
import io
import re
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from ..actions import imports as actions
from ..importing import columns, export, refs, samples
from ..models import Brand, Channel, ImportJob, Product

PAGE_SIZE = 50
ERRORS_PER_PAGE = 100
COUNT_LABELS = {
    "products_new": pgettext_lazy("import count", "新建商品"),
    "products_updated": gettext_lazy("更新商品"),
    "products_unchanged": gettext_lazy("无变化的商品"),
    "skus_new": gettext_lazy("新建SKU"),
    "skus_updated": gettext_lazy("更新SKU"),
    "skus_unchanged": gettext_lazy("无变化的SKU"),
    "proposals": gettext_lazy("调价申请（每个商品一份）"),
    "price_lines": gettext_lazy("调价明细"),
    "prices_unchanged": gettext_lazy("价格无变化"),
    "adjustments": gettext_lazy("盘点调整"),
    "stock_unchanged": gettext_lazy("数量无变化"),
    "units_added": gettext_lazy("盘盈件数"),
    "units_removed": gettext_lazy("盘亏件数"),
}
RUNNING = {ImportJob.State.PARSING, ImportJob.State.APPLYING}
STALLED_AFTER = timedelta(minutes=10)  # 50,000 rows take well under a minute


def _kinds(user):
    kinds = [(k, columns.KIND_LABELS[k]) for k in ImportJob.Kind.values]
    if not user_can(user, "inventory.stocktake"):
        kinds = [(k, label) for k, label in kinds if k != ImportJob.Kind.STOCK]
    return kinds


@access("catalog.import")
def import_list(request):
    jobs = ImportJob.objects.select_related("created_by")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/imports/list.html", {
        "page": page, "kinds": _kinds(request.user), "page_title": _("导入导出"),
        "can_export": user_can(request.user, "catalog.export"),
        "selected_kind": request.GET.get("kind", "products"),
        "max_rows": _max_rows(),
    })


def _max_rows():
    from shopops.core.registry import setting

    return setting("catalog.import_max_rows")


@access("catalog.import")
@require_POST
def import_upload(request):
    try:
        job = actions.start_import(actor=request.user, kind=request.POST.get("kind", ""),
                                   upload=request.FILES.get("file"))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("catalog:import_list")
    return redirect("catalog:import_detail", job.pk)


def _counts(job) -> list[tuple[str, int]]:
    counts = job.summary.get("applied") or job.summary.get("counts") or {}
    shown = [(COUNT_LABELS[k], v) for k, v in counts.items() if k in COUNT_LABELS]
    if job.state != ImportJob.State.PREVIEW and not any(v for _, v in shown):
        return []  # an all-bad file: nothing to say beyond its errors
    return shown


@access("catalog.import")
def import_detail(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    errors = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    proposal_ids = (job.summary.get("applied") or {}).get("proposal_ids") or []
    return render(request, "catalog/imports/detail.html", {
        "job": job, "errors": errors, "error_count": len(job.errors or []),
        "reasons": _reasons(job.errors or []),
        "bad_rows": len({e.get("row") for e in job.errors or []}),
        "counts": _counts(job), "notices": job.summary.get("notices", []),
        "running": job.state in RUNNING, "stalled": _stalled(job),
        "proposal_ids": proposal_ids[:50],
        "more_proposals": max(0, len(proposal_ids) - 50), "kinds": _kinds(request.user),
        "page_title": _("导入任务"),
    })


_CODES = re.compile(r"[\x21-\x7e]+")


def _reasons(errors, shown=10):
    """The most frequent problems first, when there are too many rows to read one by one
    (one wrong supplier code on 10,000 rows is one thing to fix)."""
    if len(errors) <= shown:
        return []
    groups = {}
    for error in errors:
        # Messages name the row's own codes and numbers: group without them.
        key = (error.get("column", ""), _CODES.sub("…", error.get("message", "")))
        group = groups.setdefault(key, {"column": key[0], "message": error.get("message", ""),
                                         "count": 0, "first": error.get("row")})
        group["count"] += 1
    return sorted(groups.values(), key=lambda g: -g["count"])[:shown]


@access("catalog.import")
def import_progress(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    if job.state not in RUNNING and request.htmx:
        return HttpResponseClientRefresh()  # finished: show the whole result page
    return render(request, "catalog/imports/_progress.html", {
        "job": job, "running": job.state in RUNNING, "stalled": _stalled(job)})


def _stalled(job) -> bool:
    """Still running long after upload: the background worker is probably not running."""
    return job.state in RUNNING and timezone.now() - job.created_at > STALLED_AFTER


@access("catalog.import")
@require_POST
def import_confirm(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        actions.confirm_import(actor=request.user, job=job)
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect("catalog:import_detail", job.pk)


@access("catalog.import")
def import_file(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    if not job.file or not job.file.storage.exists(job.file.name):
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.original_name)


@access("catalog.import")
def import_errors(request, pk):
    """The error list as a CSV to fix the file by (行号, 列, 原因)."""
    job = get_object_or_404(ImportJob, pk=pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["行号", "列", "原因", "Reason"])
    for error in job.errors or []:
        writer.writerow([error.get("row") or "", error.get("column", ""), error.get("message", ""),
                         error.get("message_en", "")])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"导入错误-{job.pk}-{job.original_name}.csv")
    return response


@access("catalog.import")
def import_template(request, kind):
    if kind not in samples.EXAMPLES:
        raise Http404
    response = HttpResponse(
        samples.content(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{columns.KIND_LABELS[kind]}导入模板.xlsx")
    return response


@access("catalog.export")
def export_page(request):
    if request.method == "POST":
        return _export(request)
    from shopops.inventory.models import Warehouse

    paths = refs.category_paths()
    return render(request, "catalog/imports/export.html", {
        "categories": sorted(paths.items(), key=lambda item: item[1]),
        "brands": Brand.objects.only("pk", "name"),
        "channels": Channel.objects.only("pk", "name", "code"),
        "warehouses": Warehouse.objects.only("pk", "name", "code"),
        "statuses": Product.Status.choices, "formats": export.FORMATS,
        "encodings": export.ENCODINGS, "page_title": _("导出商品数据"),
        "can_stock": user_can(request.user, "inventory.view"),
    })


def _export(request):
    kind = request.POST.get("kind", "")
    fmt = request.POST.get("format", "xlsx")
    encoding = request.POST.get("encoding", "utf-8-sig")
    try:
        sheet = actions.export_catalog(actor=request.user, kind=kind, fmt=fmt, encoding=encoding,
                                       filters={k: request.POST.get(k) for k in (
                                           "category", "brand", "status", "channel",
                                           "warehouse")})
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("catalog:export")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{columns.KIND_LABELS[kind]}-{stamp}"
    if fmt == "xlsx":
        handle = export.xlsx_file(sheet, columns.KIND_LABELS[kind])
        return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx")
    charset = "utf-8" if encoding == "utf-8-sig" else encoding
    response = StreamingHttpResponse(export.csv_chunks(sheet, encoding),
                                     content_type=f"text/csv; charset={charset}")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    return response


urlpatterns = [
    path("imports/", import_list, name="import_list"),
    path("imports/upload/", import_upload, name="import_upload"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("imports/<int:pk>/file/", import_file, name="import_file"),
    path("imports/<int:pk>/errors.csv", import_errors, name="import_errors"),
    path("imports/template/<str:kind>/", import_template, name="import_template"),
    path("export/", export_page, name="export"),
]
