"""Health (OPS-2) and backup (OPS-1) pages. Restore is deliberately not here: a running
web process must not swap out its own database; it is done with `shopops restore`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from . import actions, health
from .backup import backup_dir
from .models import Backup

PAGE_SIZE = 50


@access("ops.view_health")
@never_cache
def health_page(request):
    checks = health.check_and_alert()
    return render(request, "ops/health.html", {
        "checks": checks, "all_ok": health.all_ok(checks), "page_title": _("系统健康"),
    })


@access(PUBLIC)
@never_cache
def healthz(request):
    # For load balancers and monitors: the verdict only, nothing about the internals.
    ok = health.all_ok(health.check_and_alert())
    return JsonResponse({"status": "ok" if ok else "fail"}, status=200 if ok else 503)


@access("ops.backup")
def backup_list(request):
    backups = Backup.objects.select_related("actor").order_by("-started_at", "-pk")
    page = Paginator(backups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ops/backups.html", {
        "page": page,
        "rows": [{"backup": b, "size_mb": f"{b.size_bytes / 1048576:.2f}"} for b in page],
        "backup_dir": backup_dir(), "page_title": _("数据备份"),
    })


@access("ops.backup")
@require_POST
def backup_now(request):
    # Synchronous on purpose: the administrator sees at once whether it worked.
    kind = request.POST.get("kind", Backup.Kind.FULL)
    try:
        row = actions.run_backup(actor=request.user, kind=kind, trigger="manual")
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("ops:backups")
    if row.status == Backup.Status.OK:
        messages.success(request, _("备份完成：{file}（{size} MB）").format(
            file=row.file_name, size=f"{row.size_bytes / 1048576:.2f}"))
    else:
        messages.error(request, _("备份失败：{error}（Backup failed）").format(error=row.error))
    return redirect("ops:backups")


@access("ops.backup")
def backup_download(request, pk):
    try:
        path = actions.download_backup(actor=request.user, backup_id=pk)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("ops:backups")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name,
                        content_type="application/octet-stream")
