"""The warehouse posts' scoring rules (HR-KPI, the seeds' 考评标准, SPEC FUL-1…FUL-5 and the
returns desk's AS-2), read from the order rows and the event log of one month (local
Asia/Shanghai days).

Each rule is one function `(month, now) -> list[Entry]`; a deduction names the order or
event behind it. The monthly rewards (+staff.reward_fen) go to each person who worked the
post that month (did at least one step of it) and has no deduction of that rule. What the
events cannot show (complaints, mis-shipments reported by customers, slip/waybill
mismatches) is not scored here; the supervisor proposes a penalty for those.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopops.core.models import Event
from shopops.core.registry import setting

RULES = {}  # code prefix → function, in the order the page lists them
LABELS = {
    "FUL-1.same_day": _("审单：截单前付款当天未审"), "FUL-1.reward": _("审单：当月无超时奖励"),
    "FUL-2.handover": _("打单：超时交备货"), "FUL-2.reward": _("打单：当月无差错奖励"),
    "FUL-3.shortage": _("备货：缺货未报"), "FUL-3.reward": _("备货：库存准确奖励"),
    "FUL-4.unchecked": _("验货：退款订单未拦下"), "FUL-4.reward": _("验货：当月无差错奖励"),
    "FUL-5.slip": _("打包：漏放客户联"), "FUL-5.reward": _("打包：当月无差错奖励"),
    "AS-2.decision": _("售后：签收/拒收错误"), "AS-2.pass_on": _("售后：问题件未及时转交"),
    "AS-2.register": _("售后：退回物品未登记转交"),
    "AS-2.decision_reward": _("售后：当月签收决策无误奖励"),
    "AS-2.register_reward": _("售后：当月登记无误奖励"),
}


@dataclass
class Entry:
    person_id: int
    rule: str
    note: str
    points: int = 0
    reward_fen: int = 0
    order_id: int | None = None
    event_id: int | None = None


def rule(code):
    def register(fn):
        RULES[code] = fn
        return fn
    return register


def first_of(month: date) -> date:
    return month.replace(day=1)


def next_month(month: date) -> date:
    return (first_of(month) + timedelta(days=32)).replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(first_of(month), time.min), tz)
    end = timezone.make_aware(datetime.combine(next_month(month), time.min), tz)
    return start, end


def local_day(moment) -> date:
    return timezone.localtime(moment).date()


def _day_end(day: date) -> datetime:
    tz = timezone.get_default_timezone()
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)


def _rewards(rule_code, worked: set[int], faulty: set[int], what: str) -> list[Entry]:
    fen = int(setting("staff.reward_fen"))
    return [Entry(person_id=pk, rule=rule_code, reward_fen=fen, note=f"当月{what}无差错，奖励")
            for pk in sorted(worked - faulty)]


def _role_people(code) -> set[int]:
    from shopops.accounts.queries import users_with_roles

    return {u.pk for u in users_with_roles([code])}


# ---------------------------------------------------------------- FUL-1 审单员

@rule("FUL-1")
def review_same_day(month: date, now: datetime) -> list[Entry]:
    """An order paid before the cutoff (fulfillment.same_day_cutoff) and neither reviewed
    nor put on hold by a reviewer by the end of that local day: −N for each reviewer on
    the roster that day (a roster entry with a shift); with nobody rostered, every active
    reviewer answers for it. Cancelled orders never reviewed are not counted."""
    from shopops.orders.models import Order
    from shopops.orders.states import State

    from .models import RosterEntry

    start, end = month_bounds(month)
    cutoff = setting("fulfillment.same_day_cutoff")
    points = int(setting("staff.points.ful1_late_review"))
    orders = list(Order.objects.filter(paid_at__gte=start, paid_at__lt=end)
                  .exclude(state=State.CANCELLED, reviewed_at__isnull=True)
                  .values("pk", "number", "paid_at", "reviewed_at"))
    late = []
    for o in orders:
        paid = timezone.localtime(o["paid_at"])
        day = paid.date()
        if paid.time() >= cutoff or _day_end(day) > now:
            continue
        if o["reviewed_at"] is not None and local_day(o["reviewed_at"]) == day:
            continue
        late.append((o, day))
    held = set()
    if late:
        for ev in (Event.objects.filter(verb="order.review_held", object_type="orders.order",
                                        object_id__in=[str(o["pk"]) for o, _ in late])
                   .values("object_id", "at")):
            held.add((int(ev["object_id"]), local_day(ev["at"])))
    late = [(o, d) for o, d in late if (o["pk"], d) not in held]
    days = {d for _, d in late}
    reviewers = _role_people("reviewer")
    on_duty: dict[date, set[int]] = {}
    for row in (RosterEntry.objects.filter(day__in=days, shift__isnull=False,
                                           person_id__in=reviewers)
                .values("day", "person_id")):
        on_duty.setdefault(row["day"], set()).add(row["person_id"])
    entries = []
    for o, day in late:
        for pk in sorted(on_duty.get(day) or reviewers):
            entries.append(Entry(
                person_id=pk, rule="FUL-1.same_day", points=-points, order_id=o["pk"],
                note=f"订单 {o['number']} {timezone.localtime(o['paid_at']):%m-%d %H:%M} 付款，"
                     f"当天未审单"))
    worked = set(Order.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end,
                                      reviewed_by__isnull=False)
                 .values_list("reviewed_by_id", flat=True).distinct())
    return entries + _rewards("FUL-1.reward", worked, {e.person_id for e in entries}, "审单")


# ---------------------------------------------------------------- FUL-2 打单员

@rule("FUL-2")
def print_handover(month: date, now: datetime) -> list[Entry]:
    """A wave handed to the picker more than fulfillment.picker_handover_minutes after its
    first print: −N for the printer (who printed it first). The reward also needs no
    printing-error reprint: a reprint of an order no amendment flagged for reprinting."""
    from shopops.fulfillment.models import Wave
    from shopops.orders.models import Amendment

    start, end = month_bounds(month)
    limit = int(setting("fulfillment.picker_handover_minutes"))
    points = int(setting("staff.points.ful2_late_handover"))
    printed = {int(e["object_id"]): e for e in Event.objects.filter(
        verb="wave.printed", object_type="fulfillment.wave", actor__isnull=False,
        at__lt=end).filter(Q(at__gte=start) | Q(object_id__in=Event.objects.filter(
            verb="wave.handed_to_picker", at__gte=start, at__lt=end).values("object_id")))
        .values("object_id", "actor_id", "pk")}
    entries = []
    handed = list(Event.objects.filter(verb="wave.handed_to_picker", at__gte=start, at__lt=end)
                  .order_by("at", "pk").values("pk", "object_id"))
    waves = Wave.objects.in_bulk([int(e["object_id"]) for e in handed])
    for ev in handed:
        wave = waves.get(int(ev["object_id"]))
        first = printed.get(int(ev["object_id"]))
        if first is None or wave is None or not wave.first_printed_at or not wave.handed_at:
            continue
        seconds = (wave.handed_at - wave.first_printed_at).total_seconds()
        if seconds > limit * 60:
            entries.append(Entry(
                person_id=first["actor_id"], rule="FUL-2.handover", points=-points,
                event_id=ev["pk"],
                note=f"波次 {wave.number} 打印后 {seconds / 60:.0f} 分钟才交备货员"
                     f"（限 {limit} 分钟）"))
    worked = {e["actor_id"] for e in printed.values()}
    faulty = {e.person_id for e in entries}
    for ev in Event.objects.filter(verb="wave.reprinted", at__gte=start, at__lt=end).values(
            "object_id", "data", "at"):
        first = printed.get(int(ev["object_id"]))
        orders = ev["data"].get("orders") or []
        flagged = set(Amendment.objects.filter(order_id__in=orders, requires_reprint=True,
                                               at__lte=ev["at"])
                      .values_list("order_id", flat=True))
        if first and set(orders) - flagged:
            faulty.add(first["actor_id"])
    return entries + _rewards("FUL-2.reward", worked, faulty, "打单")


# ---------------------------------------------------------------- FUL-3 备货员

@rule("FUL-3")
def pick_shortage(month: date, now: datetime) -> list[Entry]:
    """A shortage on an order the picker had picked, reported (报缺) by someone else after
    the picking: the picker did not report it at once: −N. The reward (a month of exact
    stock) also needs no stocktake difference sent for approval that month (the whole
    department: the warehouse a picker works in is not recorded)."""
    from shopops.core.models import Proposal
    from shopops.fulfillment.models import TransferRequest
    from shopops.orders.models import Order

    start, end = month_bounds(month)
    points = int(setting("staff.points.ful3_unreported_shortage"))
    entries = []
    seen = set()
    for tr in (TransferRequest.objects.filter(requested_at__gte=start, requested_at__lt=end,
                                              order__picked_by__isnull=False)
               .exclude(requested_by=None)
               .select_related("order").order_by("requested_at", "pk")):
        order = tr.order
        if (tr.requested_by_id == order.picked_by_id or order.picked_at is None
                or tr.requested_at < order.picked_at or order.pk in seen):
            continue
        seen.add(order.pk)
        entries.append(Entry(person_id=order.picked_by_id, rule="FUL-3.shortage",
                             points=-points, order_id=order.pk,
                             note=f"订单 {order.number} 配货后由他人报缺（{tr.number}）"))
    worked = set(Order.objects.filter(picked_at__gte=start, picked_at__lt=end,
                                      picked_by__isnull=False)
                 .values_list("picked_by_id", flat=True).distinct())
    faulty = {e.person_id for e in entries}
    if Proposal.objects.filter(kind="stock_adjustment", created_at__gte=start,
                               created_at__lt=end).exists():
        faulty |= worked
    return entries + _rewards("FUL-3.reward", worked, faulty, "库存准确")


# ---------------------------------------------------------------- FUL-4 验货员

@rule("FUL-4")
def verify_interception(month: date, now: datetime) -> list[Entry]:
    """An order whose interception (refund request) was registered BEFORE it was verified,
    yet stopped only later at packing or handover: the verifier let it through: −N.
    Orders stopped at verification are the check working and score nothing."""
    from shopops.orders.models import Order

    start, end = month_bounds(month)
    points = int(setting("staff.points.ful4_unchecked_refund"))
    stops = {}
    for ev in (Event.objects.filter(verb__in=["parcel.repacked", "handover.parcel_stopped"],
                                    at__gte=start, at__lt=end)
               .order_by("at", "pk").values("pk", "verb", "data")):
        ids = ev["data"].get("removed" if ev["verb"] == "parcel.repacked" else "orders") or []
        for pk in ids:
            stops.setdefault(pk, ev["pk"])
    entries = []
    for o in (Order.objects.filter(pk__in=stops, verified_by__isnull=False,
                                   intercept_at__isnull=False, verified_at__isnull=False)
              .values("pk", "number", "verified_by_id", "verified_at", "intercept_at")):
        if o["intercept_at"] <= o["verified_at"]:
            entries.append(Entry(person_id=o["verified_by_id"], rule="FUL-4.unchecked",
                                 points=-points, order_id=o["pk"], event_id=stops[o["pk"]],
                                 note=f"订单 {o['number']} 验货前已登记拦截，验货未拦下"))
    worked = set(Order.objects.filter(verified_at__gte=start, verified_at__lt=end,
                                      verified_by__isnull=False)
                 .values_list("verified_by_id", flat=True).distinct())
    return entries + _rewards("FUL-4.reward", worked, {e.person_id for e in entries}, "验货")


# ---------------------------------------------------------------- FUL-5 打包员

@rule("FUL-5")
def pack_slip(month: date, now: datetime) -> list[Entry]:
    """A parcel whose packing checklist lacks the customer slip: −N for the packer. The
    packing station refuses such a box, so this fires only on parcels recorded otherwise
    (imports, corrections). A parcel stopped at the scale is the check working."""
    from shopops.fulfillment.models import Parcel

    start, end = month_bounds(month)
    points = int(setting("staff.points.ful5_missing_slip"))
    entries, worked = [], set()
    for p in (Parcel.objects.filter(packed_at__gte=start, packed_at__lt=end,
                                    packed_by__isnull=False)
              .order_by("packed_at", "pk").prefetch_related("orders")):
        worked.add(p.packed_by_id)
        if not (p.checklist or {}).get("slip"):
            orders = list(p.orders.all())
            entries.append(Entry(
                person_id=p.packed_by_id, rule="FUL-5.slip", points=-points,
                order_id=orders[0].pk if orders else None,
                note=f"包裹 {p.waybill_no} 漏放客户联"))
    return entries + _rewards("FUL-5.reward", worked, {e.person_id for e in entries}, "打包")


# ---------------------------------------------------------------- AS-2 售后员

AS2_POINTS = {"AS-2.decision": "staff.points.as2_wrong_decision",
              "AS-2.pass_on": "staff.points.as2_not_passed_on",
              "AS-2.register": "staff.points.as2_not_registered"}


@rule("AS-2")
def returns_desk(month: date, now: datetime) -> list[Entry]:
    """The returns receiver's findings (aftersales.receiving_fault, marked by a supervisor
    with a note and naming the receiver): a parcel signed that should have been refused or
    the reverse, a problem not passed on, returned goods not registered and handed on —
    −N each. Two monthly rewards for everyone who registered parcels that month: one for
    no wrong decision, one for no registration or pass-on fault."""
    start, end = month_bounds(month)
    entries = []
    for ev in (Event.objects.filter(verb="aftersales.receiving_fault", at__gte=start,
                                    at__lt=end).order_by("at", "pk")
               .values("pk", "data", "object_repr")):
        code = ev["data"].get("scoring")
        receiver = ev["data"].get("receiver")
        if code not in AS2_POINTS or not receiver:
            continue
        entries.append(Entry(person_id=receiver, rule=code, event_id=ev["pk"],
                             points=-int(setting(AS2_POINTS[code])),
                             note=f"{ev['object_repr']}：{ev['data'].get('note', '')}"[:300]))
    worked = {ev["data"].get("receiver") for ev in Event.objects.filter(
        verb="aftersales.parcel_registered", at__gte=start, at__lt=end).values("data")}
    worked.discard(None)
    wrong = {e.person_id for e in entries if e.rule == "AS-2.decision"}
    sloppy = {e.person_id for e in entries if e.rule != "AS-2.decision"}
    return (entries + _rewards("AS-2.decision_reward", worked, wrong, "签收决策")
            + _rewards("AS-2.register_reward", worked, sloppy, "来件登记"))


def compute(month: date, now: datetime | None = None) -> list[Entry]:
    now = now or timezone.now()
    out = []
    for fn in RULES.values():
        out.extend(fn(first_of(month), now))
    return out
