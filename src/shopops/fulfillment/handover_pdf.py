"""The handover sheet (交接单) PDF: what the courier's driver signs for and finance files
(FUL-5). A4, one row per parcel, signature lines at the end."""

from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from shopops.orders.models import Order

from .models import Parcel

FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed, text extractable
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

COLUMNS = [("序号", 12), ("运单号", 48), ("订单号", 52), ("收货城市", 36), ("重量（克）", 24)]
ROW_MM = 7


def relative_path(handover) -> str:
    return f"handovers/{handover.number}.pdf"


def write_handover_pdf(handover, parcels) -> str:
    """Write MEDIA_ROOT/handovers/<number>.pdf for the shipped `parcels`; returns the path
    relative to the media root."""
    rows = list(Parcel.objects.filter(pk__in=[p.pk for p in parcels]).order_by("pk")
                .prefetch_related(Prefetch("orders", queryset=Order.objects.only(
                    "pk", "number", "province", "city"))))
    relative = relative_path(handover)
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    _draw(target, handover, rows)
    return relative


def _draw(target, handover, rows):
    pdf = canvas.Canvas(str(target), pagesize=A4)
    pdf.setTitle(f"交接单 {handover.number}")
    width, height = A4
    left = 15 * mm
    y = _header(pdf, handover, width, height, left)
    for index, parcel in enumerate(rows, 1):
        if y < 40 * mm:
            pdf.showPage()
            y = _table_head(pdf, height - 20 * mm, left)
        orders = list(parcel.orders.all())
        cells = [str(index), parcel.waybill_no, "、".join(o.number for o in orders),
                 "、".join(sorted({o.city or o.province for o in orders})),
                 str(parcel.weight_g) if parcel.weight_g is not None else f"约{parcel.estimate_g}"]
        _row(pdf, y, left, cells, 9)
        y -= ROW_MM * mm
    y -= 4 * mm
    pdf.setFont(FONT, 11)
    weight = sum(p.weight_g if p.weight_g is not None else p.estimate_g for p in rows)
    pdf.drawString(left, y, f"合计：{len(rows)} 件    总重约 {weight / 1000:.2f} 千克")
    y -= 18 * mm
    if y < 20 * mm:
        pdf.showPage()
        y = height - 30 * mm
    pdf.setFont(FONT, 11)
    for offset, label in ((0, "交接人："), (65 * mm, "快递员："), (130 * mm, "日期：")):
        pdf.drawString(left + offset, y, label)
        pdf.line(left + offset + 15 * mm, y - 1 * mm, left + offset + 55 * mm, y - 1 * mm)
    pdf.showPage()
    pdf.save()


def _header(pdf, handover, width, height, left):
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, height - 20 * mm, "快递交接单")
    pdf.setFont(FONT, 10)
    closed = timezone.localtime(handover.closed_at or timezone.now())
    facts = [f"交接单号：{handover.number}", f"快递公司：{handover.courier.name}",
             f"仓库：{handover.warehouse.name}", f"交接时间：{closed:%Y-%m-%d %H:%M}",
             f"快递员：{handover.driver_name or '—'}",
             f"应交 {handover.expected_count} 件，已扫 {len(handover.scanned)} 件"]
    y = height - 30 * mm
    for i, fact in enumerate(facts):
        pdf.drawString(left + (i % 2) * 90 * mm, y, fact)
        if i % 2:
            y -= 6 * mm
    return _table_head(pdf, y - 4 * mm, left)


def _table_head(pdf, y, left):
    _row(pdf, y, left, [c for c, _ in COLUMNS], 10)
    pdf.line(left, y - 2 * mm, left + sum(w for _, w in COLUMNS) * mm, y - 2 * mm)
    return y - ROW_MM * mm


def _row(pdf, y, left, cells, size):
    pdf.setFont(FONT, size)
    x = left
    for (_, col_width), text in zip(COLUMNS, cells, strict=True):
        pdf.drawString(x, y, _fit(text, col_width * mm - 2 * mm, size))
        x += col_width * mm


def _fit(text, width, size):
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"
