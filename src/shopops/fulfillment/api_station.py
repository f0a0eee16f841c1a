"""/api/v1/fulfillment/ scan stations (FUL-4, FUL-5): verification, packing, courier
handover. A rejected scan answers 200 with ok=false (it is recorded, not an error); errors
a user can cause otherwise answer 4xx JSON (shopops.api handler)."""

from datetime import datetime

from ninja import Router, Schema

from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError
from shopops.inventory.models import Warehouse
from shopops.orders.models import Order

from .actions.handover import close_handover, open_handover, remove_from_handover, scan_parcel
from .actions.packing import pack_order
from .actions.verify import finish_verify, progress, scan_item, start_verify
from .models import Courier, Handover, Parcel, VerifySession

router = Router(tags=["验货/打包/交接 stations"])


class ProgressOut(Schema):
    line_id: int
    sku_code: str
    title: str
    spec: str = ""
    barcode: str
    needed: int
    scanned: int


class StationOut(Schema):
    ok: bool
    code: str
    message: str
    message_en: str
    kind: str
    done: bool
    intercepted: bool
    session_id: int | None
    order: str | None
    progress: list[ProgressOut]


class CodeIn(Schema):
    code: str = ""


class ScanIn(Schema):
    session: int = 0
    barcode: str = ""


class SessionIn(Schema):
    session: int = 0


class SessionOut(Schema):
    id: int
    order: str
    state: str
    verifier: str
    started_at: datetime
    finished_at: datetime | None
    rejected: int
    progress: list[ProgressOut]


class PackIn(Schema):
    order: str = ""  # order number
    checklist: dict[str, bool] = {}
    weight_g: int | None = None


class ParcelOut(Schema):
    id: int
    number: str
    waybill_no: str
    courier: str
    state: str
    estimate_g: int
    weight_g: int | None
    orders: list[str]


class HandoverOpenIn(Schema):
    courier: str = ""  # courier code
    warehouse: int | None = None
    driver_name: str = ""


class HandoverScanIn(Schema):
    code: str = ""


class HandoverRemoveIn(Schema):
    waybill_no: str = ""
    reason: str = ""


class HandoverCloseIn(Schema):
    resolution: str = ""


class HandoverOut(Schema):
    id: int
    number: str
    courier: str
    state: str
    expected_count: int
    scanned_count: int
    pdf: str
    failures: list[dict] = []


def _get(model, pk, label):
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise NotFoundError("not_found", "{label}不存在：{pk}", "No such {label}: {pk}",
                            label=label, pk=pk)
    return row


def _handover(h, failures=None) -> dict:
    return {"id": h.pk, "number": h.number, "courier": h.courier.name, "state": h.state,
            "expected_count": h.expected_count, "scanned_count": len(h.scanned), "pdf": h.pdf,
            "failures": failures or []}


@router.post("/verify/start", response=StationOut)
@api_access("fulfillment.verify")
def verify_start(request, payload: CodeIn):
    return start_verify(actor=request.user, code=payload.code).as_dict()


@router.post("/verify/scan", response=StationOut)
@api_access("fulfillment.verify")
def verify_scan(request, payload: ScanIn):
    session = _get(VerifySession, payload.session, "验货记录")
    return scan_item(actor=request.user, session=session, barcode=payload.barcode).as_dict()


@router.post("/verify/finish", response=StationOut)
@api_access("fulfillment.verify")
def verify_finish(request, payload: SessionIn):
    session = _get(VerifySession, payload.session, "验货记录")
    return finish_verify(actor=request.user, session=session).as_dict()


@router.get("/verify/sessions/{session_id}", response=SessionOut)
@api_access("fulfillment.view")
def verify_session(request, session_id: int):
    session = VerifySession.objects.select_related("order", "verifier").filter(
        pk=session_id).first()
    if session is None:
        raise NotFoundError("not_found", "验货记录不存在：{pk}", "No such verification: {pk}",
                            pk=session_id)
    lines = session.order.lines.select_related("sku").order_by("pk")
    return {"id": session.pk, "order": session.order.number, "state": session.state,
            "verifier": str(session.verifier), "started_at": session.started_at,
            "finished_at": session.finished_at, "rejected": session.rejected,
            "progress": progress(lines, session.scanned)}


@router.post("/pack", response={201: ParcelOut})
@api_access("fulfillment.pack")
def pack(request, payload: PackIn):
    order = Order.objects.filter(number=payload.order).first()
    if order is None:
        raise NotFoundError("not_found", "订单不存在：{number}", "No such order: {number}",
                            number=payload.order or "（空）")
    parcel = pack_order(actor=request.user, order=order, checklist=payload.checklist,
                        weight_g=payload.weight_g)
    return 201, {"id": parcel.pk, "number": parcel.number, "waybill_no": parcel.waybill_no,
                 "courier": parcel.courier.name, "state": parcel.state,
                 "estimate_g": parcel.estimate_g, "weight_g": parcel.weight_g,
                 "orders": [o.number for o in parcel.orders.all()]}


@router.post("/handovers", response={201: HandoverOut})
@api_access("fulfillment.handover")
def handover_open(request, payload: HandoverOpenIn):
    courier = Courier.objects.filter(code=payload.courier).first()
    if courier is None:
        raise NotFoundError("not_found", "快递公司不存在：{value}", "No such courier: {value}",
                            value=payload.courier or "（空）")
    warehouse = _get(Warehouse, payload.warehouse, "仓库") if payload.warehouse else None
    handover = open_handover(actor=request.user, courier=courier, warehouse=warehouse,
                             driver_name=payload.driver_name)
    return 201, _handover(handover)


@router.post("/handovers/{handover_id}/scan", response=StationOut)
@api_access("fulfillment.handover")
def handover_scan(request, handover_id: int, payload: HandoverScanIn):
    handover = _get(Handover, handover_id, "交接单")
    return scan_parcel(actor=request.user, handover=handover, code=payload.code).as_dict()


@router.post("/handovers/{handover_id}/remove", response=HandoverOut)
@api_access("fulfillment.handover")
def handover_remove(request, handover_id: int, payload: HandoverRemoveIn):
    handover = _get(Handover, handover_id, "交接单")
    parcel = Parcel.objects.filter(waybill_no=payload.waybill_no).first()
    if parcel is None:
        raise NotFoundError("not_found", "包裹不存在：{value}", "No such parcel: {value}",
                            value=payload.waybill_no or "（空）")
    handover = remove_from_handover(actor=request.user, handover=handover, parcel=parcel,
                                    reason=payload.reason)
    return _handover(handover)


@router.post("/handovers/{handover_id}/close", response=HandoverOut)
@api_access("fulfillment.handover")
def handover_close(request, handover_id: int, payload: HandoverCloseIn):
    handover = _get(Handover, handover_id, "交接单")
    closed = close_handover(actor=request.user, handover=handover, resolution=payload.resolution)
    return _handover(closed, closed.failures)
