"""Pick (FUL-3): the picker walks the summary sheet, sorts per slip and says the wave is
done; short lines are reported on the spot (transfers.report_shortage), the rest of the
wave's orders become PICKED."""

from django.db import transaction
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.events import record, record_many
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import State

from ..models import Wave
from .common import require_cap
from .printing import locked_wave, move_wave
from .transfers import report_shortage

W = Wave.State


@transaction.atomic
def complete_pick(*, actor, wave, shortages=()) -> list[int]:
    """Finish picking a handed wave. `shortages`: [{"line": OrderLine or id, "missing": n}];
    each short order goes out of stock with a transfer request, the others → PICKED.
    On a wave already picked, picks the orders that came back from a transfer.
    Returns the ids of the orders picked."""
    require_cap(actor, "fulfillment.pick")
    wave = locked_wave(wave)
    if wave.state not in (W.HANDED, W.PICKED):
        raise UserError("wave_not_handed", "波次 {number} 还没有交给备货员（{state}），不能配货。",
                        "Wave {number} has not been handed to a picker ({state}).",
                        number=wave.number, state=wave.get_state_display())
    short = _shortages(wave, shortages)
    for line, missing, note in short:
        report_shortage(actor=actor, order=line.order, sku=line.sku, quantity=missing,
                        note=note)
    short_orders = {line.order_id for line, _, _ in short}
    todo = list(Order.objects.filter(wave_member__wave=wave, state=State.PRINTED)
                .exclude(pk__in=short_orders).order_by("pk").values_list("pk", "number"))
    now = timezone.now()
    ids = [pk for pk, _ in todo]
    if ids:
        updated = Order.objects.filter(pk__in=ids, state=State.PRINTED).update(
            state=State.PICKED, picked_by=actor if actor is not None and actor.pk else None,
            picked_at=now)
        if updated != len(ids):
            raise UserError("pick_changed",
                            "配货期间波次 {number} 中有订单状态被改变，未记录配货，请刷新后重试。",
                            "An order of wave {number} changed meanwhile; nothing was "
                            "recorded. Refresh and try again.", number=wave.number)
    started = wave.handed_at
    record_many(actor=actor, object_type="orders.order", entries=[{
        "verb": "order.picked", "object_id": pk, "object_repr": number,
        "summary": f"{number} 配货完成（波次 {wave.number}）",
        "data": {"wave": wave.pk, "started": started, "finished": now}} for pk, number in todo])
    first = wave.state == W.HANDED
    if first:
        move_wave(wave, W.PICKED, picked_at=now)
    if first or ids:
        record(actor=actor, verb="wave.picked", obj=wave,
               summary=f"波次 {wave.number} 配货完成：{len(ids)} 单"
                       + (f"，缺货 {len(short_orders)} 单" if short_orders else ""),
               data={"wave": wave.pk, "started": started, "finished": now, "picked": ids,
                     "short": sorted(short_orders), "first": first})
    return ids


def _shortages(wave, shortages):
    """[(line, missing, note)] for the lines of this wave's printed orders."""
    wanted = {}
    for entry in shortages or ():
        line = entry.get("line")
        line_id = getattr(line, "pk", line)
        try:
            missing = int(entry.get("missing") or 0)
        except (TypeError, ValueError):
            missing = -1
        if missing == 0:
            continue
        wanted[int(line_id)] = (missing, (entry.get("note") or "").strip())
    if not wanted:
        return []
    lines = {x.pk: x for x in OrderLine.objects.filter(
        pk__in=list(wanted), order__wave_member__wave=wave).select_related("order", "sku")}
    out = []
    for line_id, (missing, note) in wanted.items():
        line = lines.get(line_id)
        if line is None:
            raise UserError("bad_line", "订单行 {line} 不在波次 {number} 中。",
                            "Line {line} is not in wave {number}.", line=line_id,
                            number=wave.number)
        if not 0 < missing <= line.quantity:
            raise UserError("bad_missing", "{sku} 的缺货数量须在 1 到 {quantity} 之间。",
                            "The missing quantity of {sku} must be 1 to {quantity}.",
                            sku=line.sku.code, quantity=line.quantity)
        out.append((line, missing, note))
    return out
