"""FUL-4 scan verification: the verifier scans an order's waybill (or types its number),
then every item; the order is verified when the last item is scanned.

Each rejected scan is recorded (verify.rejected: the scorecards count them) and returned
as a StationResult instead of raised, so the record commits. An order with a pending
interception is stopped on the spot (common.stop_intercepted) and that stop commits too."""


from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from shopops.core.days import day_bounds
from shopops.core.errors import NotFoundError, UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import State

from ..models import Slip, VerifySession
from .common import locked_order, move, require_cap, stop_intercepted
from .station import StationResult, refusal, success

CAP = "fulfillment.verify"
DONE_STATES = {State.VERIFIED, State.PACKED, State.SHIPPED, State.DELIVERED, State.COMPLETED}


def find_order_code(code) -> tuple[int | None, Slip | None]:
    """The order a waybill number (its active slip before any void one) or an order number
    names: (order id, slip or None). Orders merged into one parcel share their waybill:
    scanning it again takes the next order of the box still waiting to be verified."""
    # Slip.waybill_no is indexed; "active" sorts before "void".
    slips = list(Slip.objects.filter(waybill_no=code).select_related("order")
                 .order_by("state", "order_id", "-pk")[:50])
    if slips:
        active = [s for s in slips if s.state == Slip.State.ACTIVE]
        waiting = [s for s in active if s.order.state == State.PICKED]
        slip = (waiting or active or slips)[0]
        return slip.order_id, slip
    order_id = Order.objects.filter(number=code).values_list("pk", flat=True).first()
    return order_id, None


def progress(lines, scanned) -> list[dict]:
    return [{"line_id": line.pk, "sku_code": line.sku.code, "title": line.title,
             "spec": line.sku.spec_label, "barcode": line.sku.barcode,
             "needed": line.quantity, "scanned": int(scanned.get(str(line.pk), 0))}
            for line in lines]


def today_verified_count(verifier) -> int:
    start = day_bounds()[0]
    return VerifySession.objects.filter(verifier=verifier, state=VerifySession.State.DONE,
                                        finished_at__gte=start).count()


@transaction.atomic
def start_verify(*, actor, code) -> StationResult:
    """Open (or resume) the verification of the order a waybill/order number names."""
    require_cap(actor, CAP)
    code = (code or "").strip()
    if not code:
        return refusal("empty_code", "请扫描快递单条码或输入订单号。",
                       "Scan a waybill barcode or type an order number.")
    order_id, slip = find_order_code(code)
    if order_id is None:
        return _reject(actor, code, refusal(
            "unknown_code", "条码不是本仓的快递单或订单号：{code}",
            "Not a waybill or order number of this warehouse: {code}", code=code))
    order = locked_order(order_id)
    refused = _check_order(actor, order, slip, code)
    if refused is not None:
        return refused
    session = _open_session(actor, order, slip)
    lines = _lines(order)
    return success("started", f"开始验货：{order.number}，请逐件扫描商品条码。",
                   f"Verifying {order.number}: scan every item.", session=session,
                   order=order, progress=progress(lines, session.scanned))


@transaction.atomic
def scan_item(*, actor, session, barcode) -> StationResult:
    """Count one item (SKU barcode or merchant code) of the open order."""
    require_cap(actor, CAP)
    barcode = (barcode or "").strip()
    order, session = _locked_session(session)
    lines = _lines(order)
    refused = _check_open(actor, order, session, lines, barcode)
    if refused is not None:
        return refused
    scanned = dict(session.scanned)
    matching = [x for x in lines if barcode and barcode in (x.sku.barcode, x.sku.code)]
    if not matching:
        return _reject(actor, barcode, refusal(
            "wrong_item", "条码不属于此订单（商品错误）：{code}，请把商品放回。",
            "This item is not in the order (wrong item): {code}; put it back.", code=barcode,
            session=session, order=order, progress=progress(lines, scanned)), order, session)
    line = next((x for x in matching if scanned.get(str(x.pk), 0) < x.quantity), None)
    if line is None:
        first = matching[0]
        return _reject(actor, barcode, refusal(
            "over_scan", "该商品已扫够（多扫）：{title} 只需 {needed} 件，请把多的放回。",
            "Already scanned enough (one too many): {title} needs {needed}.",
            title=first.title, needed=sum(x.quantity for x in matching), session=session,
            order=order, progress=progress(lines, scanned)), order, session)
    scanned[str(line.pk)] = scanned.get(str(line.pk), 0) + 1
    VerifySession.objects.filter(pk=session.pk).update(scanned=scanned)
    session.scanned = scanned
    if all(scanned.get(str(x.pk), 0) >= x.quantity for x in lines):
        return _finish(actor, order, session, lines)
    count = scanned[str(line.pk)]
    return success("scanned", f"正确：{line.title}（{count}/{line.quantity}）",
                   f"OK: {line.sku.code} ({count}/{line.quantity})", session=session,
                   order=order, progress=progress(lines, scanned))


@transaction.atomic
def finish_verify(*, actor, session) -> StationResult:
    """Mark the order verified once every line is scanned (scan_item calls this by itself
    after the last item). Lines still short → UserError naming them; nothing changes."""
    require_cap(actor, CAP)
    order, session = _locked_session(session)
    lines = _lines(order)
    refused = _check_open(actor, order, session, lines, "")
    if refused is not None:
        if refused.intercepted:
            return refused
        raise UserError(refused.code, refused.message, refused.message_en)
    missing = [f"{x.sku.code} {x.title} 少 {x.quantity - session.scanned.get(str(x.pk), 0)} 件"
               for x in lines if session.scanned.get(str(x.pk), 0) < x.quantity]
    if missing:
        raise UserError("verify_incomplete", "少扫：{items}。请扫完全部商品再完成验货。",
                        "Not all items scanned: {items}.", items="；".join(missing))
    return _finish(actor, order, session, lines)


@transaction.atomic
def abandon_verify(*, actor, session, reason) -> VerifySession:
    """Reset an order's verification (items scanned wrongly were put back): the session
    ends and the next scan of the waybill starts counting from zero."""
    require_cap(actor, CAP)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写重新验货的原因。", "Please give a reason.")
    order, session = _locked_session(session)
    if session.state != VerifySession.State.OPEN:
        raise UserError("session_closed", "此单验货已结束，不能重置。",
                        "This verification has already ended.")
    now = timezone.now()
    VerifySession.objects.filter(pk=session.pk).update(
        state=VerifySession.State.STOPPED, stop_reason=f"重新验货：{reason}"[:300],
        finished_at=now)
    session.refresh_from_db()
    record(actor=actor, verb="verify.abandoned", obj=order,
           summary=f"{order.number} 重新验货：{reason}",
           data={"session": session.pk, "started_at": session.started_at,
                 "abandoned_at": now, "scanned": session.scanned, "reason": reason,
                 "verifier": actor})
    return session


def station_scan(*, actor, session, code) -> StationResult:
    """One scan at the station. While an order is open its items count; a code that is a
    waybill or order number starts that order instead (the next parcel on the bench)."""
    code = (code or "").strip()
    if session is not None and session.state == VerifySession.State.OPEN and code:
        item = OrderLine.objects.filter(order_id=session.order_id).filter(
            Q(sku__barcode=code) | Q(sku__code=code)).exists()
        if item or find_order_code(code)[0] is None:
            return scan_item(actor=actor, session=session, barcode=code)
    return start_verify(actor=actor, code=code)


# -- the checks ---------------------------------------------------------------------------


def _check_order(actor, order, slip, code) -> StationResult | None:
    def no(key, message, message_en, **params):
        return _reject(actor, code, refusal(key, message, message_en, order=order,
                                            number=order.number, **params), order)

    if order.state == State.CANCELLED:
        return no("order_cancelled", "订单已取消，单据作废，商品放回：{number}",
                  "Order {number} is cancelled: its documents are void; put the goods back.")
    if slip is not None and slip.state == Slip.State.VOID:
        return no("slip_void", "此快递单已作废（重打或取消），请用新单：{waybill}",
                  "This waybill was voided (reprinted or cancelled); use the new one: {waybill}",
                  waybill=slip.waybill_no)
    if order.intercept:
        return _stop(actor, order)
    if order.needs_reprint:
        return no("needs_reprint", "订单有修改，须重打后再验货：{number}",
                  "Order {number} was amended: reprint it before verifying.")
    if order.state == State.PRINTED:
        return no("not_picked", "尚未配货：{number}", "Order {number} has not been picked yet.")
    if order.state in DONE_STATES:
        return no("already_verified", "订单已验货（{state}）：{number}",
                  "Order {number} has already been verified ({state}).",
                  state=order.get_state_display())
    if order.state != State.PICKED:
        return no("not_verifiable", "订单状态为「{state}」，不能验货：{number}",
                  "Order {number} is {state}: it cannot be verified.",
                  state=order.get_state_display())
    if actor is not None and order.picked_by_id == actor.pk:
        return no("own_pick", "配货人不能验自己配的货：{number} 请交给其他验货员。",
                  "You picked order {number}: another person must verify it.")
    return None


def _check_open(actor, order, session, lines, code) -> StationResult | None:
    if session.state != VerifySession.State.OPEN:
        return refusal("session_closed", "此单验货已结束，请扫描下一单的快递单。",
                       "This verification has ended; scan the next waybill.",
                       session=session, order=order, progress=progress(lines, session.scanned))
    if order.intercept:
        return _stop(actor, order, session)
    if actor is not None and session.verifier_id != actor.pk:
        return refusal("other_verifier", "此单正由其他验货员验货，请重新扫描快递单接手。",
                       "Another verifier has this order open; scan its waybill to take over.",
                       session=session, order=order)
    if order.state != State.PICKED:
        VerifySession.objects.filter(pk=session.pk).update(
            state=VerifySession.State.STOPPED, finished_at=timezone.now(),
            stop_reason=f"订单状态变为{zh(order.get_state_display())}")
        return _reject(actor, code, refusal(
            "not_verifiable", "订单状态已变为「{state}」，停止验货：{number}",
            "Order {number} is now {state}: verification stopped.",
            state=order.get_state_display(), number=order.number, order=order), order)
    return None


def _stop(actor, order, session=None) -> StationResult:
    error = stop_intercepted(actor=actor, order=order, where="验货")
    VerifySession.objects.filter(order=order, state=VerifySession.State.OPEN).update(
        state=VerifySession.State.STOPPED, finished_at=timezone.now(),
        stop_reason=error.message[:300])
    return StationResult(ok=False, code=error.code, message=error.message,
                         message_en=error.message_en, session=session, order=order,
                         intercepted=True)


def _reject(actor, code, result, order=None, session=None) -> StationResult:
    now = timezone.now()
    if session is not None:
        VerifySession.objects.filter(pk=session.pk).update(rejected=F("rejected") + 1)
        session.rejected += 1
    record(actor=actor, verb="verify.rejected", obj=order,
           summary=f"验货拒绝{' ' + order.number if order else ''}：{result.message}",
           data={"code": code, "reason": result.code, "message": result.message,
                 "verifier": actor, "at": now,
                 "session": session.pk if session is not None else None})
    return result


# -- the steps ----------------------------------------------------------------------------


def _lines(order):
    return list(OrderLine.objects.filter(order=order).select_related("sku").order_by("pk"))


def _locked_session(session):
    session_id = getattr(session, "pk", session)
    order_id = VerifySession.objects.filter(pk=session_id).values_list("order_id",
                                                                       flat=True).first()
    if order_id is None:
        raise NotFoundError("not_found", "验货记录不存在：{pk}", "No such verification: {pk}",
                            pk=session_id)
    order = locked_order(order_id)  # the order row lock serializes scans of one order
    return order, VerifySession.objects.get(pk=session_id)


def _open_session(actor, order, slip) -> VerifySession:
    session = VerifySession.objects.filter(order=order, state=VerifySession.State.OPEN).first()
    resumed = session is not None
    previous = session.verifier_id if resumed else None
    if session is None:
        session = VerifySession.objects.create(order=order, verifier=actor)
    elif previous != actor.pk:
        VerifySession.objects.filter(pk=session.pk).update(verifier=actor)
        session.verifier = actor
    record(actor=actor, verb="verify.started", obj=order,
           summary=f"{order.number} {'继续' if resumed else '开始'}验货",
           data={"session": session.pk, "started_at": session.started_at,
                 "resumed": resumed, "previous_verifier": previous,
                 "picked_by": order.picked_by_id,
                 "waybill_no": slip.waybill_no if slip is not None else ""})
    return session


def _finish(actor, order, session, lines) -> StationResult:
    now = timezone.now()
    move(order, State.VERIFIED, verified_by=actor, verified_at=now)
    VerifySession.objects.filter(pk=session.pk).update(state=VerifySession.State.DONE,
                                                       finished_at=now)
    session.state, session.finished_at = VerifySession.State.DONE, now
    items = sum(x.quantity for x in lines)
    record(actor=actor, verb="order.verified", obj=order,
           summary=f"{order.number} 验货完成，共 {items} 件",
           changes={"state": [State.PICKED, State.VERIFIED]},
           data={"session": session.pk, "started_at": session.started_at, "finished_at": now,
                 "scans": sum(int(v) for v in session.scanned.values()),
                 "rejected": session.rejected, "verifier": actor,
                 "picked_by": order.picked_by_id})
    return success("verified", f"验货完成：{order.number}，共 {items} 件。请扫描下一单。",
                   f"Verified {order.number} ({items} items). Scan the next waybill.",
                   session=session, order=order, progress=progress(lines, session.scanned),
                   done=True)
