"""AS-4 for finance: the liabilities recorded for settlement, filtered by supplier, courier,
party and month, with totals and an xlsx export (audited, ROLE-4)."""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from shopops.core.access import access
from shopops.core.days import day_bounds
from shopops.fulfillment.models import Courier
from shopops.purchasing.models import Supplier

from .actions.liability import record_liability_export
from .models import Liability

PAGE_SIZE = 100


def _month(text):
    try:
        return date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


def liability_rows(params):
    rows = (Liability.objects.filter(voided_at__isnull=True)
            .select_related("request__order__channel", "supplier", "courier", "decided_by"))
    month = _month(params.get("month"))
    if month is not None:
        following = (month + timedelta(days=32)).replace(day=1)
        start, end = day_bounds(month)[0], day_bounds(following)[0]
        rows = rows.filter(decided_at__gte=start, decided_at__lt=end)
    party = params.get("party", "")
    if party in Liability.Party.values:
        rows = rows.filter(party=party)
    for key in ("supplier", "courier"):
        value = params.get(key, "")
        if str(value).isdigit():
            rows = rows.filter(**{f"{key}_id": int(value)})
    return rows.order_by("-decided_at", "-pk")


def _filters(params):
    return {k: params.get(k, "") for k in ("month", "party", "supplier", "courier")}


@access("aftersales.liability")
def liability_list(request):
    rows = liability_rows(request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = list(rows.order_by().values("party").annotate(total=Sum("amount_fen"))
                  .order_by("party"))
    labels = dict(Liability.Party.choices)
    return render(request, "aftersales/liability_list.html", {
        "page": page, "f": _filters(request.GET),
        "totals": [(labels[t["party"]], t["total"]) for t in totals],
        "grand_total": sum(t["total"] for t in totals),
        "parties": Liability.Party.choices, "suppliers": Supplier.objects.all(),
        "couriers": Courier.objects.all(),
        "this_month": timezone.localdate().strftime("%Y-%m"),
        "page_title": _("售后责任")})


HEADERS = ["判定时间", "售后单号", "订单号", "渠道", "责任方类型", "责任方", "承担金额（元）", "依据",
           "判定人"]


def liability_workbook(rows) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "售后责任"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    total = 0
    for row in rows:
        total += row.amount_fen
        sheet.append([timezone.localtime(row.decided_at).strftime("%Y-%m-%d %H:%M"),
                      row.request.number, row.request.order.number,
                      row.request.order.channel.name, row.get_party_display(), row.party_name,
                      Decimal(row.amount_fen) / 100, row.basis, str(row.decided_by or "")])
        sheet.cell(row=sheet.max_row, column=7).number_format = "0.00"
    sheet.append(["合计", "", "", "", "", "", Decimal(total) / 100, "", ""])
    sheet.cell(row=sheet.max_row, column=7).number_format = "0.00"
    for column, width in zip("ABCDEFGHI", (17, 20, 20, 12, 12, 18, 14, 40, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@access("aftersales.liability")
def liability_export(request):
    rows = list(liability_rows(request.GET))
    record_liability_export(actor=request.user, filters=_filters(request.GET), count=len(rows))
    response = HttpResponse(liability_workbook(rows), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    response["Content-Disposition"] = f'attachment; filename="aftersales-liability-{month}.xlsx"'
    return response


urlpatterns = [
    path("liability/", liability_list, name="liability_list"),
    path("liability/export.xlsx", liability_export, name="liability_export"),
]
