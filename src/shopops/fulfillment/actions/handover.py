"""FUL-4/FUL-5 courier handover and batch shipping: the packed parcels of one courier are
put on a handover sheet (交接单), scanned one by one in front of the driver, and shipped
together when the count matches. A count mismatch blocks the sheet until each missing
parcel is found or taken off it."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shopops.core.errors import NotFoundError, UserError
from shopops.core.events import record
from shopops.core.numbering import next_number
from shopops.inventory import ledger
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import State

from ..couriers import adapter_for
from ..models import Courier, Handover, Parcel, PickAllocation, Wave
from .common import move, require_cap, stop_intercepted
from .station import StationResult, refusal, success
from .tracking import publish_shipped

CAP = "fulfillment.handover"
# How long a started close keeps others from closing the same sheet (then it may resume).
CLOSING_CLAIM = timedelta(minutes=10)


@transaction.atomic
def open_handover(*, actor, courier, warehouse=None, driver_name="") -> Handover:
    """Start the sheet for a courier's pickup: every packed parcel of that courier and
    warehouse not yet on a sheet goes on it."""
    require_cap(actor, CAP)
    courier = courier if isinstance(courier, Courier) else Courier.objects.get(pk=courier)
    if warehouse is None:
        from shopops.orders.actions.intake import default_warehouse

        warehouse = default_warehouse()
    _refuse_second(courier, warehouse)
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                number=next_number("JJ"), courier=courier, warehouse=warehouse,
                created_by=actor, driver_name=(driver_name or "").strip()[:30])
    except IntegrityError:  # another packer opened one a moment ago
        _refuse_second(courier, warehouse)
        raise
    count = Parcel.objects.filter(courier=courier, warehouse=warehouse, state=Parcel.State.PACKED,
                                  handover__isnull=True).update(handover=handover)
    if count == 0:
        raise UserError("nothing_to_hand_over", "没有待交接的{courier}包裹（{warehouse}）。",
                        "No packed {courier} parcels waiting in {warehouse}.",
                        courier=courier.name, warehouse=warehouse.name)
    Handover.objects.filter(pk=handover.pk).update(expected_count=count)
    handover.expected_count = count
    record(actor=actor, verb="handover.created", obj=handover,
           summary=f"建交接单 {handover.number}：{courier.name} {count} 件",
           data={"courier": courier.name, "warehouse": warehouse.pk, "expected": count,
                 "driver_name": handover.driver_name, "opened_at": handover.created_at})
    # FUL-5: the courier is asked to come (through its adapter; by phone when it has none).
    booking = adapter_for(courier).request_pickup(handover=handover, count=count)
    record(actor=actor, verb="handover.pickup_requested", obj=handover,
           summary=f"{handover.number} 预约{courier.name}上门揽收 {count} 件"
                   + (f"（预约号 {booking}）" if booking else "（无接口，请电话预约）"),
           data={"courier": courier.name, "count": count, "booking": booking})
    return handover


@transaction.atomic
def scan_parcel(*, actor, handover, code) -> StationResult:
    """One parcel scanned in front of the driver (its waybill number)."""
    require_cap(actor, CAP)
    code = (code or "").strip()
    handover = _locked(handover)
    if handover.state != Handover.State.OPEN:
        return refusal("handover_closed", "交接单 {number} 已完成，不能再扫描。",
                       "Handover {number} is closed.", number=handover.number,
                       session=handover)
    if not code:
        return refusal("empty_code", "请扫描包裹上的快递单条码。", "Scan the parcel's waybill.",
                       session=handover)
    parcel = (Parcel.objects.select_related("courier")
              .filter(Q(waybill_no=code) | Q(number=code)).first())
    refused = _check_parcel(handover, parcel, code)
    if refused is not None:
        return _reject(actor, handover, code, refused)
    orders = list(Order.objects.select_for_update().filter(parcels=parcel).order_by("pk"))
    if any(o.intercept for o in orders):
        return _stop(actor, handover, parcel, orders)
    handover.scanned = [*handover.scanned, parcel.pk]
    Handover.objects.filter(pk=handover.pk).update(scanned=handover.scanned)
    count = len(handover.scanned)
    record(actor=actor, verb="handover.scanned", obj=handover,
           summary=f"{handover.number} 扫描 {parcel.waybill_no}（{count}/"
                   f"{handover.expected_count}）",
           data={"parcel": parcel.pk, "waybill_no": parcel.waybill_no, "at": timezone.now()})
    return success("scanned", f"已扫描 {parcel.waybill_no}（{count}/{handover.expected_count}）",
                   f"Scanned {parcel.waybill_no} ({count}/{handover.expected_count})",
                   session=handover, order=orders[0] if orders else None)


@transaction.atomic
def remove_from_handover(*, actor, handover, parcel, reason) -> Handover:
    """Take a parcel off the sheet (not found, or not going today): it stays packed for
    the next handover."""
    require_cap(actor, CAP)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写移出交接单的原因。", "Please give a reason.")
    handover = _locked(handover)
    if handover.state != Handover.State.OPEN:
        raise UserError("handover_closed", "交接单 {number} 已完成。", "Handover {number} is closed.",
                        number=handover.number)
    parcel_id = getattr(parcel, "pk", parcel)
    if not Parcel.objects.filter(pk=parcel_id, handover=handover).update(handover=None):
        raise UserError("not_in_handover", "包裹不在交接单 {number} 上。",
                        "The parcel is not on handover {number}.", number=handover.number)
    parcel = Parcel.objects.get(pk=parcel_id)
    _drop(handover, parcel)
    record(actor=actor, verb="handover.parcel_removed", obj=handover,
           summary=f"{handover.number} 移出包裹 {parcel.waybill_no}：{reason}",
           data={"parcel": parcel.pk, "waybill_no": parcel.waybill_no, "reason": reason,
                 "expected": handover.expected_count})
    return handover


def close_handover(*, actor, handover, resolution="") -> Handover:
    """The driver signs: when the scanned count matches, every parcel and its orders ship
    (reserved stock consumed). A parcel that cannot ship is listed in `handover.failures`
    and left off the sheet; the others ship regardless.

    Each parcel ships in its own short transaction (a savepoint when the caller holds one):
    a sheet of thousands of parcels must not hold the stock rows of its SKUs locked against
    order intake until the last parcel, nor deadlock with another courier's sheet. A close
    cut off half-way is finished by closing again (shipped parcels are skipped)."""
    require_cap(actor, CAP)
    handover, pending = _begin_close(actor, handover)
    now = timezone.now()
    failures = []
    for parcel in Parcel.objects.filter(pk__in=pending).order_by("pk"):
        failure = _ship_one(actor, handover, parcel, now)
        if failure is not None:
            failures.append(failure)
    handover = _finish_close(actor, handover, resolution, failures)
    handover.failures = failures
    return handover


# -- steps --------------------------------------------------------------------------------


@transaction.atomic
def _begin_close(actor, handover):
    """Check the count and claim the close (closed_at): a second person pressing 完成交接
    meanwhile is told to wait. Returns the parcels still to ship."""
    handover = _locked(handover)
    if handover.state != Handover.State.OPEN:
        raise UserError("handover_closed", "交接单 {number} 已完成。",
                        "Handover {number} is closed.", number=handover.number)
    now = timezone.now()
    if handover.closed_at is not None and now - handover.closed_at < CLOSING_CLAIM:
        raise UserError("handover_closing", "交接单 {number} 正在完成交接，请稍候刷新。",
                        "Handover {number} is being closed; reload in a moment.",
                        number=handover.number)
    parcels = list(handover.parcels.order_by("pk"))
    _refuse_mismatch(handover, parcels)
    Handover.objects.filter(pk=handover.pk).update(closed_at=now, closed_by=actor)
    return handover, [p.pk for p in parcels if p.state != Parcel.State.SHIPPED]


@transaction.atomic
def _finish_close(actor, handover, resolution, failures) -> Handover:
    from ..handover_pdf import write_handover_pdf

    handover = _locked(handover)
    if handover.state != Handover.State.OPEN:
        raise UserError("handover_closed", "交接单 {number} 已完成。",
                        "Handover {number} is closed.", number=handover.number)
    now = timezone.now()
    shipped = list(handover.parcels.filter(state=Parcel.State.SHIPPED).order_by("pk"))
    Handover.objects.filter(pk=handover.pk).update(
        state=Handover.State.DONE, closed_by=actor, closed_at=now,
        resolution=(resolution or "").strip()[:300])
    handover.refresh_from_db()
    _finish_waves(actor, shipped)
    handover.pdf = write_handover_pdf(handover, shipped)
    Handover.objects.filter(pk=handover.pk).update(pdf=handover.pdf)
    record(actor=actor, verb="handover.closed", obj=handover,
           summary=f"完成交接 {handover.number}：{handover.courier.name} 发货 {len(shipped)} 件"
                   + (f"，失败 {len(failures)} 件" if failures else ""),
           data={"expected": handover.expected_count, "scanned": len(handover.scanned),
                 "shipped": len(shipped), "failures": failures, "closed_at": now,
                 "driver_name": handover.driver_name})
    return handover


def _finish_waves(actor, parcels):
    """A picked wave none of whose orders is still in the warehouse's hands is done."""
    from .printing import _ON_SHELF, move_wave

    in_hand = [*_ON_SHELF, State.ON_HOLD, State.OUT_OF_STOCK]
    # No lock needed: move_wave is a conditional UPDATE (picked → done happens once).
    waves = (Wave.objects.filter(state=Wave.State.PICKED, members__order__parcels__in=parcels)
             .exclude(members__order__state__in=in_hand).distinct().order_by("pk"))
    for wave in waves:
        move_wave(wave, Wave.State.DONE)
        record(actor=actor, verb="wave.done", obj=wave,
               summary=f"波次 {wave.number} 完成：全部订单已发货或取消")


def _locked(handover) -> Handover:
    pk = getattr(handover, "pk", handover)
    found = Handover.objects.select_for_update().select_related("courier").filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not_found", "交接单不存在：{pk}", "No such handover: {pk}", pk=pk)
    return found


def _refuse_second(courier, warehouse):
    existing = Handover.objects.filter(courier=courier, warehouse=warehouse,
                                       state=Handover.State.OPEN).first()
    if existing is not None:
        raise UserError("handover_open", "{courier} 已有进行中的交接单 {number}，请先完成它。",
                        "{courier} already has an open handover {number}: finish it first.",
                        courier=courier.name, number=existing.number)


def _check_parcel(handover, parcel, code) -> StationResult | None:
    if parcel is None:
        return refusal("unknown_parcel", "不是本仓的包裹：{code}", "Not a parcel of ours: {code}",
                       code=code)
    if parcel.courier_id != handover.courier_id:
        return refusal("wrong_courier", "这是{courier}的包裹（{waybill}），不属于本交接单的{mine}。",
                       "This is a {courier} parcel ({waybill}), not {mine}.",
                       courier=parcel.courier.name, waybill=parcel.waybill_no,
                       mine=handover.courier.name)
    if parcel.state == Parcel.State.CHECK:
        return refusal("weight_check", "包裹 {waybill} 称重异常待核，不能交接。",
                       "Parcel {waybill} waits for a weight check.", waybill=parcel.waybill_no)
    if parcel.handover_id != handover.pk:
        if parcel.state in (Parcel.State.SHIPPED, Parcel.State.HANDED):
            return refusal("already_shipped", "包裹 {waybill} 已发货。",
                           "Parcel {waybill} has already shipped.", waybill=parcel.waybill_no)
        return refusal("not_in_handover", "包裹 {waybill} 不在本交接单上（打包晚于建单或已移出），"
                       "请留到下一批。", "Parcel {waybill} is not on this handover; keep it for "
                       "the next one.", waybill=parcel.waybill_no)
    if parcel.pk in handover.scanned:
        return refusal("already_scanned", "已扫描：{waybill}，不要重复计数。",
                       "Already scanned: {waybill}.", waybill=parcel.waybill_no)
    return None


def _reject(actor, handover, code, result) -> StationResult:
    result.session = handover
    record(actor=actor, verb="handover.rejected", obj=handover,
           summary=f"{handover.number} 扫描拒绝：{result.message}",
           data={"code": code, "reason": result.code, "message": result.message,
                 "at": timezone.now()})
    return result


def _drop(handover, parcel):
    handover.scanned = [pk for pk in handover.scanned if pk != parcel.pk]
    handover.expected_count = max(0, handover.expected_count - 1)
    Handover.objects.filter(pk=handover.pk).update(scanned=handover.scanned,
                                                   expected_count=handover.expected_count)


def _stop(actor, handover, parcel, orders) -> StationResult:
    stopped = [o for o in orders if o.intercept]
    errors = [stop_intercepted(actor=actor, order=o, where="交接") for o in stopped]
    others = [o.number for o in orders if o.state == State.PACKED]
    if others:
        # A merged box: the intercepted order's goods come out, the rest of the box keeps
        # its waybill and waits for the next sheet.
        parcel.orders.remove(*stopped)
        Parcel.objects.filter(pk=parcel.pk).update(handover=None)
        record(actor=actor, verb="parcel.repacked", obj=parcel,
               summary=f"包裹 {parcel.waybill_no} 拆箱取出被拦截的订单 "
                       f"{'、'.join(o.number for o in stopped)}，其余订单留待下次交接",
               data={"removed": [o.pk for o in stopped], "kept": others})
    else:
        Parcel.objects.filter(pk=parcel.pk).update(state=Parcel.State.STOPPED, handover=None)
    _drop(handover, parcel)
    record(actor=actor, verb="handover.parcel_stopped", obj=handover,
           summary=f"{handover.number} 拦截包裹 {parcel.waybill_no}，包裹留在仓库",
           data={"parcel": parcel.pk, "waybill_no": parcel.waybill_no,
                 "orders": [o.pk for o in orders], "kept_in_box": others,
                 "expected": handover.expected_count})
    first = errors[0]
    return StationResult(
        ok=False, code=first.code, intercepted=True, session=handover, order=orders[0],
        message=f"{first.message} 包裹 {parcel.waybill_no} 已移出交接单，留在仓库"
                f"（应交改为 {handover.expected_count} 件）。",
        message_en=f"{first.message_en} Parcel {parcel.waybill_no} is off the sheet and stays "
                   "in the warehouse.")


def _refuse_mismatch(handover, parcels):
    scanned = set(handover.scanned)
    missing = [p.waybill_no for p in parcels if p.pk not in scanned]
    if len(scanned) != handover.expected_count or missing:
        shown = "、".join(missing[:20]) + ("…" if len(missing) > 20 else "")
        raise UserError("count_mismatch", "交接件数不符：应交 {expected} 件，已扫 {scanned} 件；"
                        "未扫：{missing}。请找到并扫描，或移出交接单后再完成交接。",
                        "Count mismatch: {expected} expected, {scanned} scanned; not scanned: "
                        "{missing}.", expected=handover.expected_count, scanned=len(scanned),
                        missing=shown or "—")


def _ship_one(actor, handover, parcel, now) -> dict | None:
    """Ship one parcel in its own savepoint: a failure undoes only this parcel."""
    try:
        with transaction.atomic():
            orders = list(Order.objects.select_for_update(of=("self",))
                          .select_related("channel").filter(parcels=parcel).order_by("pk"))
            if any(o.intercept for o in orders):
                error = _stop(actor, handover, parcel, orders)
                return {"parcel": parcel.pk, "waybill_no": parcel.waybill_no,
                        "message": error.message, "intercepted": True}
            _ship(actor, handover, parcel, orders, now)
    except (UserError, IntegrityError) as exc:
        Parcel.objects.filter(pk=parcel.pk).update(handover=None)
        return {"parcel": parcel.pk, "waybill_no": parcel.waybill_no, "message": str(exc)}
    return None


def _ship(actor, handover, parcel, orders, now):
    if not Parcel.objects.filter(pk=parcel.pk, state=Parcel.State.PACKED).update(
            state=Parcel.State.SHIPPED, shipped_at=now):
        raise UserError("parcel_not_packed", "包裹 {waybill} 不是已打包状态，不能发货。",
                        "Parcel {waybill} is not packed.", waybill=parcel.waybill_no)
    lines = list(OrderLine.objects.filter(order__in=orders).select_related("reservation"))
    locations, places = {}, {}
    for pick in PickAllocation.objects.filter(line__in=lines).select_related("location"):
        locations.setdefault(pick.line_id, set()).add(pick.location_id)
        places[pick.location_id] = pick.location  # handed to the ledger: no second read
    for order in orders:
        move(order, State.SHIPPED, shipped_at=now, tracking_no=parcel.waybill_no)
    for line in lines:
        if line.reservation is None:
            continue
        where = locations.get(line.pk, set())
        location = places.get(next(iter(where))) if len(where) == 1 else None
        ledger.consume(actor=actor, reservation=line.reservation, location=location)
    courier = handover.courier.name
    for order in orders:
        record(actor=actor, verb="order.shipped", obj=order,
               summary=f"{order.number} 发货：{courier} {parcel.waybill_no}",
               changes={"state": [State.PACKED, State.SHIPPED]},
               data={"handover": handover.number, "waybill_no": parcel.waybill_no,
                     "courier": courier, "shipped_at": now, "parcel": parcel.pk})
    # FUL-6: the selling channel hears that the parcel left.
    parcel.shipped_at, parcel.courier = now, handover.courier
    publish_shipped(actor=actor, parcel=parcel, orders=orders)
