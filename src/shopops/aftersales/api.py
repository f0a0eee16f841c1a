"""/api/v1/aftersales — after-sales for integrations and the returns desk's scanner:
the requests (list and one), and registering an incoming parcel (AS-2) after asking what
it matches. No buyer's personal data leaves here (ROLE-6). Writes go through the actions;
their UserErrors answer 4xx JSON."""

from datetime import datetime

from django.db.models import Prefetch
from ninja import Router, Schema

from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError, UserError
from shopops.fulfillment.models import Courier

from .actions import receiving
from .models import AfterSale, AfterSaleLine
from .rules import evaluate, match_parcel
from .states import OPEN

router = Router(tags=["售后 aftersales"])
MAX_LIMIT = 200


class LineOut(Schema):
    order_line: int
    sku_code: str
    title: str
    quantity: int
    exchange_sku_code: str | None
    condition: str
    plan: str


class RequestOut(Schema):
    id: int
    number: str
    order_number: str
    channel: str
    kind: str
    reason: str
    state: str
    state_label: str
    requested_refund_fen: int
    refund_fen: int
    dispute: bool
    return_waybill: str
    created_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    lines: list[LineOut]


class RefundOut(Schema):
    amount_fen: int
    method: str
    reference: str
    at: datetime


class RequestDetailOut(RequestOut):
    description: str
    reject_reason: str
    replacement_order: str | None
    refunds: list[RefundOut]


class ParcelIn(Schema):
    waybill_no: str = ""
    courier: str = ""  # courier code, e.g. yto
    sender_name: str = ""
    sender_phone: str = ""
    order_ref: str = ""
    freight_collect: bool = False
    freight_fen: int = 0
    packaging: str = "intact"
    packaging_note: str = ""
    decision: str = ""  # signed | refused
    note: str = ""


class MatchOut(Schema):
    request: str | None
    order: str | None
    how: str
    rule: str
    rule_label: str
    suggested: str


class ParcelOut(Schema):
    id: int
    number: str
    waybill_no: str
    request: str | None
    order: str | None
    rule: str
    suggested: str
    decision: str
    problem: bool
    passed_to: str | None


def _request(r, detail=False) -> dict:
    out = {"id": r.pk, "number": r.number, "order_number": r.order.number,
           "channel": r.order.channel.code, "kind": r.kind, "reason": r.reason,
           "state": r.state, "state_label": r.get_state_display(),
           "requested_refund_fen": r.requested_refund_fen, "refund_fen": r.refund_fen,
           "dispute": r.dispute, "return_waybill": r.return_waybill, "created_at": r.created_at,
           "due_at": r.due_at, "closed_at": r.closed_at,
           "lines": [{"order_line": x.order_line_id, "sku_code": x.order_line.sku.code,
                      "title": x.order_line.title, "quantity": x.quantity,
                      "exchange_sku_code": x.exchange_sku.code if x.exchange_sku else None,
                      "condition": x.condition, "plan": x.plan} for x in r.lines.all()]}
    if detail:
        out.update(description=r.description, reject_reason=r.reject_reason,
                   replacement_order=r.replacement_order.number if r.replacement_order
                   else None,
                   refunds=[{"amount_fen": f.amount_fen, "method": f.method,
                             "reference": f.reference, "at": f.refunded_at}
                            for f in r.refunds.all()])
    return out


def _requests():
    return AfterSale.objects.select_related("order__channel", "replacement_order") \
        .prefetch_related(Prefetch("lines", queryset=AfterSaleLine.objects.select_related(
            "order_line__sku", "exchange_sku")), "refunds")


@router.get("/requests", response=list[RequestOut])
@api_access("aftersales.view")
def list_requests(request, state: str = "", kind: str = "", dispute: bool = False,
                  order: str = "", offset: int = 0, limit: int = 50):
    rows = _requests()
    if state == "open":
        rows = rows.filter(state__in=OPEN)
    elif state in AfterSale.State.values:
        rows = rows.filter(state=state)
    if kind in AfterSale.Kind.values:
        rows = rows.filter(kind=kind)
    if dispute:
        rows = rows.filter(dispute=True)
    if order:
        rows = rows.filter(order__number=order)
    offset, limit = max(0, offset), max(1, min(limit, MAX_LIMIT))
    return [_request(r) for r in rows.order_by("-created_at", "-pk")[offset:offset + limit]]


@router.get("/requests/{request_id}", response=RequestDetailOut)
@api_access("aftersales.view")
def request_detail(request, request_id: int):
    found = _requests().filter(pk=request_id).first()
    if found is None:
        raise NotFoundError("not_found", "售后单不存在：{pk}", "No such request: {pk}",
                            pk=request_id)
    return _request(found, detail=True)


@router.get("/parcels/match", response=MatchOut)
@api_access("aftersales.receive")
def parcel_match(request, waybill_no: str = "", order_ref: str = "", sender_phone: str = "",
                 freight_collect: bool = False):
    found = match_parcel(waybill_no=waybill_no, order_ref=order_ref, sender_phone=sender_phone)
    rule = evaluate(found, freight_collect=freight_collect)
    return {"request": found.request.number if found.request else None,
            "order": found.order.number if found.order else None, "how": found.how,
            "rule": rule.code, "rule_label": str(rule.label), "suggested": rule.decision}


@router.post("/parcels", response={201: ParcelOut})
@api_access("aftersales.receive")
def register(request, payload: ParcelIn):
    data = payload.dict()
    code = data.pop("courier")
    courier = Courier.objects.filter(code=code).first() if code else None
    if code and courier is None:
        raise UserError("unknown_courier", "快递公司编码不存在：{code}", "No such courier: {code}",
                        code=code)
    parcel = receiving.register_parcel(actor=request.user, courier=courier, **data)
    return 201, {"id": parcel.pk, "number": parcel.number, "waybill_no": parcel.waybill_no,
                 "request": parcel.request.number if parcel.request else None,
                 "order": parcel.order.number if parcel.order else None, "rule": parcel.rule,
                 "suggested": parcel.suggested, "decision": parcel.decision,
                 "problem": parcel.problem,
                 "passed_to": str(parcel.passed_to) if parcel.passed_to else None}
