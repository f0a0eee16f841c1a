"""/api/v1/fulfillment/waves… — print and pick for integrations and the scan station
(FUL-2, FUL-3). Each operation calls one action; its UserErrors answer 4xx JSON."""

from datetime import datetime

from django.db.models import Count
from ninja import Router, Schema

from shopops.accounts.models import User
from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError
from shopops.inventory.models import Warehouse
from shopops.orders.models import Order

from .actions import picking, printing, transfers
from .models import PrintRun, TransferRequest, Wave

router = Router(tags=["打单配货 print & pick"])
MAX_LIMIT = 200


class CreateWavesIn(Schema):
    warehouse: str = ""  # warehouse code; all active warehouses when empty
    orders: list[int] | None = None
    size: int | None = None


class WaveOut(Schema):
    id: int
    number: str
    warehouse: str
    state: str
    state_label: str
    orders: int
    first_printed_at: datetime | None
    handed_at: datetime | None
    picker: str


class RunOut(Schema):
    id: int
    number: str
    kind: str
    order_count: int
    reason: str
    files: dict


class ReprintIn(Schema):
    reason: str = ""
    orders: list[int] | None = None


class HandIn(Schema):
    picker: str = ""  # username


# Defaults everywhere: the action checks the values (clear Chinese errors), and a caller
# without the capability gets 403 rather than a schema error.
class ShortageIn(Schema):
    line: int = 0
    missing: int = 0
    note: str = ""


class PickIn(Schema):
    shortages: list[ShortageIn] = []


class PickOut(Schema):
    picked: list[int]


class ReportIn(Schema):
    order: int = 0
    sku: str = ""  # 商家编码
    quantity: int = 0
    note: str = ""


class TransferOut(Schema):
    id: int
    number: str
    state: str
    sku: str
    quantity: int
    order: int | None


def _wave(o, count=None) -> dict:
    return {"id": o.pk, "number": o.number, "warehouse": o.warehouse.code, "state": o.state,
            "state_label": o.get_state_display(),
            "orders": count if count is not None else getattr(o, "order_count", 0),
            "first_printed_at": o.first_printed_at, "handed_at": o.handed_at,
            "picker": o.picker.username if o.picker_id else ""}


def _run(run: PrintRun) -> dict:
    return {"id": run.pk, "number": run.number, "kind": run.kind,
            "order_count": run.order_count, "reason": run.reason, "files": run.files}


def _waves():
    return Wave.objects.select_related("warehouse", "picker").annotate(
        order_count=Count("members"))


def _get(wave_id) -> Wave:
    wave = Wave.objects.filter(pk=wave_id).first()
    if wave is None:
        raise NotFoundError("not_found", "波次不存在：{pk}", "No such wave: {pk}", pk=wave_id)
    return wave


@router.get("/waves", response=list[WaveOut])
@api_access("fulfillment.view")
def list_waves(request, state: str = "", offset: int = 0, limit: int = 50):
    rows = _waves()
    if state in Wave.State.values:
        rows = rows.filter(state=state)
    offset, limit = max(0, offset), max(1, min(limit, MAX_LIMIT))
    return [_wave(w) for w in rows.order_by("-created_at", "-pk")[offset:offset + limit]]


@router.post("/waves", response={201: list[WaveOut]})
@api_access("fulfillment.print")
def create_waves(request, payload: CreateWavesIn):
    warehouse = None
    if payload.warehouse:
        warehouse = Warehouse.objects.filter(code=payload.warehouse).first()
        if warehouse is None:
            raise NotFoundError("not_found", "仓库不存在：{value}", "No such warehouse: {value}",
                                value=payload.warehouse)
    waves = printing.create_waves(actor=request.user, warehouse=warehouse,
                                  orders=payload.orders, size=payload.size)
    return 201, [_wave(w) for w in _waves().filter(pk__in=[w.pk for w in waves])
                 .order_by("pk")]


@router.post("/waves/{wave_id}/print", response={201: RunOut})
@api_access("fulfillment.print")
def print_wave(request, wave_id: int, render: bool = True):
    return 201, _run(printing.print_wave(actor=request.user, wave=_get(wave_id), render=render))


@router.post("/waves/{wave_id}/reprint", response={201: RunOut})
@api_access("fulfillment.print")
def reprint(request, wave_id: int, payload: ReprintIn):
    return 201, _run(printing.reprint(actor=request.user, wave=_get(wave_id),
                                      orders=payload.orders, reason=payload.reason))


@router.post("/waves/{wave_id}/hand", response=WaveOut)
@api_access("fulfillment.print")
def hand(request, wave_id: int, payload: HandIn):
    picker = User.objects.filter(username=payload.picker, is_active=True).first()
    wave = printing.hand_to_picker(actor=request.user, wave=_get(wave_id), picker=picker)
    return _wave(_waves().get(pk=wave.pk))


@router.post("/waves/{wave_id}/pick", response=PickOut)
@api_access("fulfillment.pick")
def complete_pick(request, wave_id: int, payload: PickIn):
    ids = picking.complete_pick(actor=request.user, wave=_get(wave_id),
                                shortages=[s.dict() for s in payload.shortages])
    return {"picked": ids}


@router.post("/shortages", response={201: TransferOut})
@api_access("fulfillment.pick")
def report_shortage(request, payload: ReportIn):
    order = Order.objects.filter(pk=payload.order).first()
    line = order.lines.select_related("sku").filter(sku__code=payload.sku).first() \
        if order else None
    if line is None:
        raise NotFoundError("not_found", "订单 {order} 中没有商品 {sku}。",
                            "Order {order} has no SKU {sku}.", order=payload.order,
                            sku=payload.sku)
    row: TransferRequest = transfers.report_shortage(
        actor=request.user, order=order, sku=line.sku, quantity=payload.quantity,
        note=payload.note)
    return 201, {"id": row.pk, "number": row.number, "state": row.state, "sku": line.sku.code,
                 "quantity": row.quantity, "order": row.order_id}
