"""The day's consultation log (客户咨询表), deal log (成交记录表) and conversion per agent
(CS-7), with xlsx exports; and the month per agent (conversion, quality, first response)."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import User
from shopops.core.access import access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.registry import setting

from . import reports
from .actions.reports import export_log, outcome
from .views_crm_common import day_param, xlsx_response


@access("service.view_reports")
def consultation_log(request):
    day = day_param(request)
    log = reports.build(day)
    entries = [(e, outcome(e)) for e in log.entries]
    return render(request, "service/reports/day.html", {
        "day": day, "log": log, "entries": entries, "totals": log.totals,
        "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
        "today": timezone.localdate(), "window": setting("service.conversion_window_hours"),
        "page_title": _("{day} 咨询与成交记录").format(day=f"{day:%Y-%m-%d}")})


@require_POST
@access("service.view_reports")
def log_export(request):
    kind = "deals" if request.POST.get("kind") == "deals" else "consultations"
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("日期不正确。"))
        return redirect("service:consultation_log")
    try:
        data = export_log(actor=request.user, kind=kind, day=day)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect(f"{reverse('service:consultation_log')}?day={day:%Y-%m-%d}")
    return xlsx_response(data, f"{kind}-{day:%Y%m%d}.xlsx")


@access("service.view_reports")
def month_stats(request):
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    stats = reports.agents_month_stats(year, month)
    people = User.objects.in_bulk(list(stats))
    rows = sorted(((people[pk], s) for pk, s in stats.items() if pk in people),
                  key=lambda r: str(r[0]))
    first = date(year, month, 1)
    return render(request, "service/reports/month.html", {
        "rows": rows, "month": first, "prev": (first - timedelta(days=1)).replace(day=1),
        "next": (first + timedelta(days=32)).replace(day=1),
        "page_title": _("{month} 客服月度数据").format(month=f"{first:%Y-%m}")})


urlpatterns = [
    path("reports/consultations/", consultation_log, name="consultation_log"),
    path("reports/consultations/export/", log_export, name="consultation_log_export"),
    path("reports/month/", month_stats, name="report_month"),
]
