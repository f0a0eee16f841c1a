"""Print (FUL-2): waves (波次) of reviewed orders grouped for one picking walk, the first
print producing the slip/waybill pair of every order, reprints that void the old pair, and
the handover of the printed wave to a picker (its minutes feed the 30-minute rule)."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from shopops.core.access import user_can
from shopops.core.errors import UserError
from shopops.core.events import record, record_many
from shopops.core.models import Sequence
from shopops.core.numbering import next_number
from shopops.core.registry import setting
from shopops.core.states import transition
from shopops.inventory.models import BinStock
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import PRINTED_OR_LATER, State

from ..models import Courier, PickAllocation, PrintRun, Slip, Wave, WaveOrder
from .common import require_cap, void_active_slips

W = Wave.State
WAVE_FLOW = {W.OPEN: {W.PRINTED}, W.PRINTED: {W.HANDED}, W.HANDED: {W.PICKED},
             W.PICKED: {W.DONE}, W.DONE: set()}
# Orders whose goods are still on the shelf (allocated, not yet shipped): a new wave must not
# send a picker to units another wave already counts on.
_ON_SHELF = [State.REVIEWED, State.PRINTED, State.PICKED, State.VERIFIED, State.PACKED]


def move_wave(wave, target, **also):
    return transition(wave, target, WAVE_FLOW, machine="波次", **also)


def locked_wave(wave) -> Wave:
    return Wave.objects.select_for_update().select_related("warehouse").get(
        pk=wave.pk if hasattr(wave, "pk") else wave)


# ---------------------------------------------------------------- waves

@transaction.atomic
def create_waves(*, actor, warehouse=None, orders=None, size=None) -> list[Wave]:
    """Group the reviewed orders that are in no wave yet into waves of at most `size`
    (setting fulfillment.wave_size), in the order of one walk through the warehouse."""
    require_cap(actor, "fulfillment.print")
    size = int(size or setting("fulfillment.wave_size"))
    candidates = Order.objects.filter(state=State.REVIEWED, wave_member__isnull=True)
    candidates = (candidates.filter(warehouse=warehouse) if warehouse is not None
                  else candidates.filter(warehouse__active=True))
    if orders is not None:
        candidates = candidates.filter(pk__in=[getattr(o, "pk", o) for o in orders])
    # Two printers pressing 生成波次 at once take disjoint orders (PostgreSQL); the
    # one-wave-per-order constraint is the backstop.
    rows = list(candidates.select_for_update(skip_locked=True, of=("self",)).order_by("pk")
                .values("pk", "number", "warehouse_id", "merged_into_id"))
    if not rows:
        return []
    ids = [r["pk"] for r in rows]
    # In slices: a peak-day backlog of reviewed orders must not become one giant IN list.
    lines = [line for start in range(0, len(ids), 5000)
             for line in OrderLine.objects.filter(order_id__in=ids[start:start + 5000])
             .order_by("order_id", "pk").values("pk", "order_id", "sku_id", "quantity")]
    shelves = _shelves({r["warehouse_id"] for r in rows}, {x["sku_id"] for x in lines})
    by_order = defaultdict(list)
    for line in lines:
        by_order[line["order_id"]].append(line)

    waves = []
    for warehouse_id, groups in _walk_groups(rows, by_order, shelves).items():
        for chunk in _chunks(groups, size):
            waves.append(_make_wave(actor, warehouse_id, chunk, by_order, shelves))
    return waves


def _shelves(warehouse_ids, sku_ids):
    """(sku, warehouse) → [[location_id, free units, walk_order]] in walk order: the bin
    stock less what open waves already allocated there."""
    taken = defaultdict(int)
    for row in (PickAllocation.objects.filter(location__isnull=False, line__sku_id__in=sku_ids,
                                              line__order__state__in=_ON_SHELF)
                .values("line__sku_id", "location_id").annotate(q=Sum("quantity"))):
        taken[row["line__sku_id"], row["location_id"]] = row["q"]
    shelves = defaultdict(list)
    for b in (BinStock.objects.filter(sku_id__in=sku_ids, quantity__gt=0, location__active=True,
                                      location__warehouse_id__in=warehouse_ids)
              .order_by("location__walk_order", "location__code")
              .values("sku_id", "location_id", "quantity", "location__walk_order",
                      "location__warehouse_id")):
        free = b["quantity"] - taken[b["sku_id"], b["location_id"]]
        if free > 0:
            shelves[b["sku_id"], b["location__warehouse_id"]].append(
                [b["location_id"], free, b["location__walk_order"]])
    return shelves


def _walk_groups(rows, by_order, shelves):
    """Per warehouse: lists of order rows (a primary with the orders merged into it) sorted
    by the first location of the walk any of them needs; unlocated orders last."""
    present = {r["pk"] for r in rows}
    groups = defaultdict(list)
    for r in rows:
        root = r["merged_into_id"] if r["merged_into_id"] in present else r["pk"]
        groups[root].append(r)
    never = 10 ** 9

    def first_stop(order_row):
        stops = [bins[0][2] for line in by_order[order_row["pk"]]
                 if (bins := shelves.get((line["sku_id"], order_row["warehouse_id"])))]
        return min(stops, default=never)

    per_warehouse = defaultdict(list)
    for root, members in groups.items():
        members.sort(key=lambda m: (m["pk"] != root, m["pk"]))  # the primary first
        key = (min(first_stop(m) for m in members), root)
        per_warehouse[members[0]["warehouse_id"]].append((key, members))
    return {wh: [members for _, members in sorted(items, key=lambda i: i[0])]
            for wh, items in per_warehouse.items()}


def _chunks(groups, size):
    """Fill waves up to `size` orders without splitting a merged group across waves."""
    chunk = []
    for members in groups:
        if chunk and len(chunk) + len(members) > size:
            yield chunk
            chunk = []
        chunk.extend(members)
    if chunk:
        yield chunk


def _make_wave(actor, warehouse_id, chunk, by_order, shelves):
    wave = Wave.objects.create(number=next_number("BC"), warehouse_id=warehouse_id,
                               created_by=actor if actor is not None and actor.pk else None)
    members, allocations = [], []
    for position, row in enumerate(chunk, start=1):
        members.append(WaveOrder(wave=wave, order_id=row["pk"], position=position))
        for line in by_order[row["pk"]]:
            allocations.extend(_allocate(wave, line, shelves.get((line["sku_id"],
                                                                  warehouse_id), [])))
    try:
        with transaction.atomic():
            WaveOrder.objects.bulk_create(members)
    except IntegrityError:
        raise UserError("wave_conflict", "有订单刚被加入了别的波次，请刷新后重新生成波次。",
                        "Some orders were just put in another wave; refresh and try again.") from None
    PickAllocation.objects.bulk_create(allocations)
    record(actor=actor, verb="wave.created", obj=wave,
           summary=f"建波次 {wave.number}：{len(chunk)} 单",
           data={"orders": [r["pk"] for r in chunk], "count": len(chunk),
                 "created_at": wave.created_at})
    return wave


def _allocate(wave, line, bins):
    """Take the line's units from the bins in walk order; what no bin holds is unlocated."""
    need, out = line["quantity"], []
    for slot in bins:
        if need == 0:
            break
        take = min(need, slot[1])
        if take > 0:
            out.append(PickAllocation(wave=wave, line_id=line["pk"], location_id=slot[0],
                                      quantity=take))
            slot[1] -= take
            need -= take
    if need:
        out.append(PickAllocation(wave=wave, line_id=line["pk"], location=None, quantity=need))
    return out


# ---------------------------------------------------------------- first print

def print_wave(*, actor, wave, render=True) -> PrintRun:
    """First print: a slip and a waybill for every order of the wave, orders → PRINTED.
    Orders no longer reviewed (held, cancelled) leave the wave so a later wave takes them
    when they come back. render=False leaves the PDFs to render_print_run (bench)."""
    try:
        run = _print_wave(actor=actor, wave=wave)
    except UserError as exc:
        if exc.code == "wave_empty":
            _dissolve(actor=actor, wave=wave)
        raise
    if render:  # after the commit: no row stays locked while the PDFs are drawn
        render_print_run(run)
    return run


@transaction.atomic
def _print_wave(*, actor, wave) -> PrintRun:
    require_cap(actor, "fulfillment.print")
    wave = locked_wave(wave)
    if wave.state != W.OPEN:
        raise UserError("wave_already_printed",
                        "波次 {number} 已打印过；如需再打请用“重打”并写明原因。",
                        "Wave {number} is already printed; use reprint with a reason.",
                        number=wave.number)
    members, dropped = _printable(wave)
    if not members:
        raise UserError("wave_empty",
                        "波次 {number} 中已没有待打印（已审单）的订单，波次已撤销；"
                        "订单恢复后会进入新的波次。",
                        "Wave {number} has no reviewed order left and was dissolved; its "
                        "orders join a new wave when they come back.", number=wave.number)
    now = timezone.now()
    move_wave(wave, W.PRINTED, first_printed_at=now)
    ids = [m["pk"] for m in members]
    updated = Order.objects.filter(pk__in=ids, state=State.REVIEWED).update(
        state=State.PRINTED, printed_at=now, needs_reprint=False)
    if updated != len(ids):
        raise UserError("wave_changed",
                        "打印期间波次 {number} 中有订单状态被改变（挂起或取消），未打印任何单据，"
                        "请刷新后重新打印。",
                        "An order of wave {number} changed while printing; nothing was "
                        "printed. Refresh and print again.", number=wave.number)
    run = PrintRun.objects.create(number=next_number("DY"), wave=wave, kind=PrintRun.Kind.FIRST,
                                  printed_by=_person(actor), printed_at=now,
                                  order_count=len(ids))
    slips = _new_slips(run, members, copies={})
    Slip.objects.bulk_create(slips)
    record(actor=actor, verb="wave.printed", obj=wave,
           summary=f"打印波次 {wave.number}：{len(ids)} 单（{run.number}）",
           data={"wave": wave.pk, "run": run.pk, "orders": ids, "printed_at": now,
                 "removed": dropped, "created_at": wave.created_at})
    _record_printed(actor, wave, run, slips, {m["pk"]: m["number"] for m in members}, now)
    return run


@transaction.atomic
def _dissolve(*, actor, wave):
    """Every order of an unprinted wave was held or cancelled: the wave goes, so the orders
    join a new wave when they come back instead of sitting in a wave nobody prints."""
    wave = Wave.objects.select_for_update().filter(pk=wave.pk, state=W.OPEN).first()
    if wave is None or WaveOrder.objects.filter(wave=wave, order__state=State.REVIEWED).exists():
        return
    orders = list(WaveOrder.objects.filter(wave=wave).values_list("order_id", flat=True))
    record(actor=actor, verb="wave.dissolved", obj=wave,
           summary=f"撤销波次 {wave.number}：其中订单均已挂起或取消",
           data={"wave": wave.pk, "orders": orders})
    wave.delete()


def _printable(wave):
    """The wave's orders still reviewed, in position order; the others leave the wave and
    the remaining positions close up (the slips say 3/50)."""
    rows = list(WaveOrder.objects.filter(wave=wave).order_by("position")
                .values("pk", "order_id", "order__number", "order__state", "order__courier",
                        "order__merged_into_id"))
    keep = [r for r in rows if r["order__state"] == State.REVIEWED]
    dropped = [r["order_id"] for r in rows if r["order__state"] != State.REVIEWED]
    if dropped:
        PickAllocation.objects.filter(wave=wave, line__order_id__in=dropped).delete()
        WaveOrder.objects.filter(wave=wave, order_id__in=dropped).delete()
        renumbered = [WaveOrder(pk=r["pk"], position=i) for i, r in enumerate(keep, start=1)]
        WaveOrder.objects.bulk_update(renumbered, ["position"])
    return [{"pk": r["order_id"], "number": r["order__number"], "courier": r["order__courier"],
             "merged_into_id": r["order__merged_into_id"]} for r in keep], dropped


def _new_slips(run, members, copies, keep_numbers=None):
    """Slip rows for `members` ({pk, number, courier, merged_into_id}). Orders merged into
    another order of the same print share its waybill: one parcel, one waybill."""
    keep_numbers = keep_numbers or {}
    couriers = _couriers()
    chosen = {m["pk"]: couriers["by_name"].get(m["courier"], couriers["default"])
              for m in members}
    present = {m["pk"] for m in members}
    primaries = [m for m in members if m["merged_into_id"] not in present]
    fresh = [m for m in primaries
             if keep_numbers.get(m["pk"], (None, None))[0] != chosen[m["pk"]].pk]
    numbers = iter(_waybill_numbers(len(fresh)))
    waybill = {}
    for m in primaries:
        kept = keep_numbers.get(m["pk"])
        if kept and kept[0] == chosen[m["pk"]].pk:
            waybill[m["pk"]] = kept[1]
        else:
            waybill[m["pk"]] = chosen[m["pk"]].tracking_prefix + next(numbers)
    slips = []
    for m in members:
        root = m["merged_into_id"] if m["merged_into_id"] in present else m["pk"]
        slips.append(Slip(order_id=m["pk"], print_run=run, copy_no=copies.get(m["pk"], 0) + 1,
                          courier=chosen[root], waybill_no=waybill[root]))
    return slips


def _couriers():
    active = list(Courier.objects.filter(active=True))
    if not active:
        raise UserError("no_courier", "没有启用的快递公司，无法打印快递单。",
                        "No active courier: waybills cannot be printed.")
    return {"by_name": {c.name: c for c in active}, "default": active[0]}


def _waybill_numbers(count) -> list[str]:
    """`count` unique waybill numbers (yymmdd + 7 digits; the courier prefix goes in front)
    from one counter row: one UPDATE for the whole print, not one per order."""
    if count == 0:
        return []
    day = timezone.localdate()
    for _ in range(3):
        if Sequence.objects.filter(prefix="YD", day=day).update(value=F("value") + count):
            break
        try:
            with transaction.atomic():
                Sequence.objects.create(prefix="YD", day=day, value=count)
            break
        except IntegrityError:
            continue
    last = Sequence.objects.get(prefix="YD", day=day).value
    return [f"{day:%y%m%d}{n:07d}" for n in range(last - count + 1, last + 1)]


def _record_printed(actor, wave, run, slips, numbers, now, reason=""):
    record_many(actor=actor, object_type="orders.order", entries=[{
        "verb": "order.printed", "object_id": s.order_id, "object_repr": numbers[s.order_id],
        "summary": (f"{numbers[s.order_id]} 打单（波次 {wave.number}，运单 {s.waybill_no}"
                    + (f"，第{s.copy_no}次打印：{reason}" if s.copy_no > 1 else "") + "）"),
        "data": {"wave": wave.pk, "run": run.pk, "copy_no": s.copy_no,
                 "waybill_no": s.waybill_no, "printed_at": now, "reason": reason}}
        for s in slips])


def _person(actor):
    return actor if actor is not None and actor.pk else None


# ---------------------------------------------------------------- reprint

def reprint(*, actor, wave, orders=None, reason, render=True) -> PrintRun:
    """Print again the slips of some orders of a printed wave (default: those an amendment
    flagged, else all): the old pair is voided, the new copy numbered; same waybill number
    unless the courier changed."""
    run = _reprint(actor=actor, wave=wave, orders=orders, reason=reason)
    if render:
        render_print_run(run)
    return run


@transaction.atomic
def _reprint(*, actor, wave, orders, reason) -> PrintRun:
    require_cap(actor, "fulfillment.print")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reprint_reason", "重打必须填写原因。", "A reprint needs a reason.")
    wave = locked_wave(wave)
    if wave.state == W.OPEN:
        raise UserError("wave_not_printed", "波次 {number} 还没有打印，请先打印。",
                        "Wave {number} has not been printed yet.", number=wave.number)
    candidates = Order.objects.select_for_update().filter(
        wave_member__wave=wave, slips__state=Slip.State.ACTIVE).order_by("pk")
    if orders is not None:
        candidates = candidates.filter(pk__in=[getattr(o, "pk", o) for o in orders])
    chosen = list(candidates)
    if orders is None and any(o.needs_reprint for o in chosen):
        chosen = [o for o in chosen if o.needs_reprint]
    chosen = [o for o in chosen if o.state in PRINTED_OR_LATER
              or o.state in (State.ON_HOLD, State.OUT_OF_STOCK)]
    if not chosen:
        raise UserError("nothing_to_reprint", "没有可重打的订单（已发货或已作废的不能重打）。",
                        "No order to reprint (shipped or voided orders cannot be reprinted).")
    old = {s.order_id: s for s in Slip.objects.filter(order__in=chosen, state=Slip.State.ACTIVE)}
    if wave.state in (W.PRINTED, W.HANDED):
        _reallocate(wave, chosen)
    for order in chosen:
        void_active_slips(actor=actor, order=order, reason=f"重打：{reason}")
    now = timezone.now()
    run = PrintRun.objects.create(number=next_number("DY"), wave=wave,
                                  kind=PrintRun.Kind.REPRINT, reason=reason[:300],
                                  printed_by=_person(actor), printed_at=now,
                                  order_count=len(chosen))
    members = [{"pk": o.pk, "number": o.number, "courier": o.courier,
                "merged_into_id": o.merged_into_id} for o in chosen]
    slips = _new_slips(run, members, copies={pk: s.copy_no for pk, s in old.items()},
                       keep_numbers={pk: (s.courier_id, s.waybill_no) for pk, s in old.items()})
    Slip.objects.bulk_create(slips)
    Order.objects.filter(pk__in=[o.pk for o in chosen]).update(needs_reprint=False)
    numbers = {o.pk: o.number for o in chosen}
    record(actor=actor, verb="wave.reprinted", obj=wave,
           summary=f"重打波次 {wave.number} 的 {len(chosen)} 单：{reason}",
           data={"wave": wave.pk, "run": run.pk, "orders": list(numbers), "reason": reason,
                 "printed_at": now})
    _record_printed(actor, wave, run, slips, numbers, now, reason=reason)
    return run


def _reallocate(wave, orders):
    """An amendment may have changed a line's SKU: place the reprinted orders' lines again
    before the picker walks."""
    PickAllocation.objects.filter(wave=wave, line__order__in=orders).delete()
    lines = list(OrderLine.objects.filter(order__in=orders).order_by("order_id", "pk")
                 .values("pk", "order_id", "sku_id", "quantity"))
    shelves = _shelves({wave.warehouse_id}, {x["sku_id"] for x in lines})
    PickAllocation.objects.bulk_create([
        a for line in lines
        for a in _allocate(wave, line, shelves.get((line["sku_id"], wave.warehouse_id), []))])


# ---------------------------------------------------------------- handover

@transaction.atomic
def hand_to_picker(*, actor, wave, picker) -> Wave:
    """The printer hands the printed wave to a picker; the minutes since the first print
    are what FUL-2's 30-minute rule scores."""
    require_cap(actor, "fulfillment.print")
    if picker is None or not user_can(picker, "fulfillment.pick"):
        raise UserError("not_a_picker", "请选择一位备货员（{name} 没有配货权限）。",
                        "Choose a picker ({name} may not pick).",
                        name=getattr(picker, "display_name", "") or "—")
    wave = locked_wave(wave)
    now = timezone.now()
    move_wave(wave, W.HANDED, picker=picker, handed_by=_person(actor), handed_at=now)
    minutes = round((now - wave.first_printed_at).total_seconds() / 60, 1)
    limit = setting("fulfillment.picker_handover_minutes")
    late = minutes > limit
    record(actor=actor, verb="wave.handed_to_picker", obj=wave,
           summary=(f"波次 {wave.number} 交备货员 {picker.display_name or picker.username}，"
                    f"打印后 {minutes:g} 分钟" + ("（超时）" if late else "")),
           data={"wave": wave.pk, "picker": picker.pk, "first_printed_at": wave.first_printed_at,
                 "handed_at": now, "minutes": minutes, "limit": limit, "late": late})
    return wave


def render_print_run(run) -> dict:
    """Write the run's PDFs (summary, slips, waybills) under MEDIA_ROOT/prints/<number>/."""
    from ..pdf.build import render_run

    files = render_run(run)
    PrintRun.objects.filter(pk=run.pk).update(files=files)
    run.files = files
    return files
