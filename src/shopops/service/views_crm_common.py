"""Small helpers shared by the customer, quality, report and review pages."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from shopops.core.errors import UserError
from shopops.core.i18n import user_message

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def day_param(request, name="day", default=None) -> date:
    """A ?day=YYYY-MM-DD, else `default` (today)."""
    try:
        return date.fromisoformat(request.GET.get(name, "").strip())
    except ValueError:
        return default or timezone.localdate()


def range_params(request, days=30) -> tuple[date, date]:
    """?from=…&to=… (inclusive), by default the last `days` days."""
    today = timezone.localdate()
    end = day_param(request, "to", today)
    start = day_param(request, "from", end - timedelta(days=days - 1))
    return (start, end) if start <= end else (end, start)


def int_param(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def back(request, fallback):
    """Redirect to the form's `next` when it is a page of ours, else to `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def run(request, do, success):
    """Call an action; show its UserError as the page's message, or `success`."""
    try:
        result = do()
    except UserError as exc:
        messages.error(request, user_message(exc))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
