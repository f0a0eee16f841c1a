"""The after-sales receiving rules (售后签收流程, AS-2): what the returns desk does with a
parcel, first matching rule wins. The registration page shows this table; the receiver
may decide otherwise only with a written reason (the supervisor reviews those).

    1 到付未约定   freight to collect (到付) and no request that agreed to it  → 拒收
    2 已同意售后   matched to a request waiting for this return                → 签收
    3 匹配到订单   no such request, but an order of ours (order number on the
                   label or inside, our own waybill coming back, the buyer's
                   phone)                                                      → 签收，问题件转客服
    4 无法匹配     no approved request and the sender cannot be matched        → 拒收

Whatever the rule, damaged packaging is recorded (photos optional) and makes the parcel a
problem for customer service (liability, AS-4). Every registered parcel is passed on to the
responsible customer service: the request's handler, else the CS supervisor.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.orders.models import Order

from .models import AfterSale, ReturnParcel
from .states import AWAITING_RETURN

D = ReturnParcel.Decision


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    when: str
    decision: str
    problem: bool


RULES = [
    Rule("collect", _("到付未约定"), _("运费到付，且没有同意到付的售后单"), D.REFUSED, True),
    Rule("approved", _("已同意售后"), _("运单号、订单号或寄件人电话匹配到待寄回的售后单"),
         D.SIGNED, False),
    Rule("order", _("匹配到订单"), _("没有待寄回的售后单，但匹配到本店订单（面单/包裹内订单号、"
                                 "原单拒收退回、买家电话）"), D.SIGNED, True),
    Rule("unmatched", _("无法匹配"), _("没有已同意的售后单，寄件人也匹配不到订单"), D.REFUSED, True),
]
BY_CODE = {rule.code: rule for rule in RULES}


@dataclass
class Match:
    request: AfterSale | None = None
    order: Order | None = None
    how: str = ""


def normalise_waybill(text) -> str:
    return "".join((text or "").split()).upper()[:40]


def _digits(text) -> str:
    return "".join(c for c in (text or "") if c.isdigit())


def match_parcel(*, waybill_no="", order_ref="", sender_phone="") -> Match:
    """Find what a parcel belongs to: the return waybill the customer entered, the order
    number on the label, our own outgoing waybill (a refused delivery coming back), or the
    sender's phone against recent orders."""
    waybill_no, order_ref = normalise_waybill(waybill_no), (order_ref or "").strip()
    waiting = AfterSale.objects.filter(state__in=AWAITING_RETURN).select_related("order",
                                                                                  "handler")
    if waybill_no:
        request = waiting.filter(return_waybill=waybill_no).order_by("pk").first()
        if request is not None:
            return Match(request, request.order, "waybill")
    order = None
    if order_ref:
        order = Order.objects.filter(Q(number=order_ref) | Q(platform_order_no=order_ref)) \
            .order_by("-pk").first()
        how = "order"
    if order is None and waybill_no:
        order = Order.objects.filter(Q(tracking_no=waybill_no)
                                     | Q(parcels__waybill_no=waybill_no)).order_by("-pk").first()
        how = "bounced"
    phone = _digits(sender_phone)
    if order is None and len(phone) >= 7:
        order = Order.objects.filter(customer_phone=phone).order_by("-created_at", "-pk").first()
        how = "phone"
        if order is not None:
            # The buyer's latest request waiting for a return, on any of their orders.
            request = waiting.filter(order__customer_phone=phone).order_by("-pk").first()
            if request is not None:
                return Match(request, request.order, "phone")
    if order is None:
        return Match()
    request = waiting.filter(order=order).order_by("pk").first()
    return Match(request, order, how)


def evaluate(match: Match, *, freight_collect: bool) -> Rule:
    if freight_collect and not (match.request and match.request.freight_collect_agreed):
        return BY_CODE["collect"]
    if match.request is not None:
        return BY_CODE["approved"]
    if match.order is not None:
        return BY_CODE["order"]
    return BY_CODE["unmatched"]
