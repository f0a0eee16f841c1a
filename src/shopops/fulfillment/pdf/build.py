"""Gathers what one print run's documents show (a handful of queries for the whole run) and
writes the three PDFs: summary sheet, picking slips, waybills (FUL-2)."""

from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation

from shopops.core.registry import setting
from shopops.orders.models import Amendment, OrderLine
from shopops.service.privacy import mask_phone

from ..models import PickAllocation, Slip, Wave, WaveOrder
from . import slips, summary, waybills

UNLOCATED = "未上架"


def render_run(run) -> dict:
    """Write the run's PDFs; returns {"summary"|"slips"|"waybills": path under MEDIA_ROOT}."""
    docs = collect(run)
    folder = Path("prints") / run.number
    (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, writer in (("summary", summary.write), ("slips", slips.write),
                         ("waybills", waybills.write)):
        relative = str(folder / f"{kind}.pdf")
        writer(Path(settings.MEDIA_ROOT) / relative, docs)
        files[kind] = relative
    return files


def collect(run) -> dict:
    wave = Wave.objects.select_related("warehouse").get(pk=run.wave_id)
    run_slips = list(Slip.objects.filter(print_run=run).select_related("order", "courier")
                     .order_by("order_id"))
    order_ids = [s.order_id for s in run_slips]
    positions = dict(WaveOrder.objects.filter(wave=wave).values_list("order_id", "position"))
    lines = defaultdict(list)
    for line in (OrderLine.objects.filter(order_id__in=order_ids)
                 .select_related("sku__product")
                 .prefetch_related(Prefetch("pick_allocations",
                                            queryset=PickAllocation.objects.filter(wave=wave)
                                            .select_related("location")))):
        lines[line.order_id].append(line)
    amendments = defaultdict(list)
    for a in Amendment.objects.filter(order_id__in=order_ids).select_related("author"):
        amendments[a.order_id].append(a)
    by_waybill = defaultdict(list)
    for s in run_slips:
        by_waybill[s.waybill_no].append(s.order.number)
    packaging = setting("fulfillment.packaging_weight_g")
    orders = []
    for s in sorted(run_slips, key=lambda s: (positions.get(s.order_id, 0), s.order_id)):
        order_lines = lines[s.order_id]
        orders.append({
            "order": s.order, "slip": s, "position": positions.get(s.order_id, 0),
            "total": len(positions), "lines": [_line(x) for x in order_lines],
            "amendments": [amendment_text(a) for a in amendments[s.order_id]],
            "pair": [n for n in by_waybill[s.waybill_no] if n != s.order.number],
            "weight_g": sum(x.quantity * x.sku.weight_g for x in order_lines) + packaging,
        })
    return {"wave": wave, "run": run, "orders": orders,
            "printed_at": timezone.localtime(run.printed_at).strftime("%Y-%m-%d %H:%M"),
            "printed_by": (run.printed_by.display_name or run.printed_by.username)
            if run.printed_by_id else "系统",
            "pick_rows": pick_rows(orders)}


def _line(line):
    spots = [(a.location.code if a.location else UNLOCATED,
              a.location.walk_order if a.location else None, a.quantity)
             for a in line.pick_allocations.all()]
    return {"line": line, "code": line.sku.code, "barcode": line.sku.barcode,
            "title": line.title, "quantity": line.quantity,
            "spec": "" if line.sku.spec_label in line.title else line.sku.spec_label,
            "spots": spots,
            "where": "、".join(f"{code}×{q}" if len(spots) > 1 else code
                              for code, _, q in spots) or UNLOCATED}


def pick_rows(orders) -> list[dict]:
    """The summary sheet: one row per (location, SKU) in walk order, unlocated last."""
    rows = {}
    for doc in orders:
        for x in doc["lines"]:
            spots = x["spots"] or [(UNLOCATED, None, x["quantity"])]
            for code, walk, quantity in spots:
                key = (walk is None, walk or 0, code, x["code"])
                row = rows.setdefault(key, {"location": code, "code": x["code"],
                                            "title": x["title"], "spec": x["spec"],
                                            "barcode": x["barcode"], "quantity": 0,
                                            "positions": []})
                row["quantity"] += quantity
                if doc["position"] not in row["positions"]:
                    row["positions"].append(doc["position"])
    return [rows[k] for k in sorted(rows)]


def amendment_text(a) -> str:
    """红旗备注 line as the seeds write it: field: before → after (reason — author, time)."""
    who = (a.author.display_name or a.author.username) if a.author_id else "系统"
    when = timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M")
    with translation.override(settings.LANGUAGE_CODE):  # the slip is printed in Chinese
        field = a.get_field_display()
    return (f"红旗备注：{field}：{_value(a.before)} → {_value(a.after)}"
            f"（原因：{a.reason} — {who} {when}）")


def _value(value) -> str:
    if isinstance(value, dict):
        if "address_detail" in value:
            shown = {**value, "customer_phone": mask_phone(value.get("customer_phone", ""))}
            return " ".join(str(shown.get(k) or "") for k in (
                "customer_name", "customer_phone", "province", "city", "district",
                "address_detail") if shown.get(k))
        return " ".join(str(v) for v in value.values() if v)
    return str(value) if value not in (None, "") else "（空）"
