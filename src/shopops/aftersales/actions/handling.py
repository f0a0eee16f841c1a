"""AS-1 from customer service's side (aftersales.handle): taking a request, approving it
(with the refund amount) or rejecting it (a reason is required), and the 维权 (dispute)
flag with its note. Every move goes through states.ALLOWED and records one event; what
the customer must know is in the event summaries, which the shop's request page shows."""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.actors import is_customer
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.money import format_fen
from shopops.core.registry import setting
from shopops.core.states import transition
from shopops.orders.actions import cancel as cancel_order
from shopops.orders.actions.intercept import withdraw_refund_request
from shopops.orders.states import State as OrderState

from ..models import AfterSale
from ..queries import refund_cap_fen
from ..states import ALLOWED, MACHINE
from . import deadlines
from .refunds import pay_refund

S = AfterSale.State
K = AfterSale.Kind


def check_staff(actor, cap="aftersales.handle"):
    if is_customer(actor):
        raise PermissionDeniedError("permission_denied", "没有权限。", "Permission denied.")
    if actor is not None:
        require(actor, cap)


def locked(request) -> AfterSale:
    return (AfterSale.objects.select_for_update(of=("self",))
            .select_related("order__channel", "handler").get(pk=request.pk))


def _claim(actor, request):
    """The first agent to act on a request becomes its handler."""
    if request.handler_id is None and actor is not None and actor.pk:
        AfterSale.objects.filter(pk=request.pk, handler__isnull=True).update(handler=actor)
        request.handler = actor


@transaction.atomic
def take_request(*, actor, request) -> AfterSale:
    """接手: the agent makes the request theirs (the queue's 我的 filter, the deadlines)."""
    check_staff(actor)
    request = locked(request)
    if request.state not in ALLOWED or not ALLOWED[request.state]:
        raise UserError("closed_request", "售后单 {number} 已完结。", "Request {number} is closed.",
                        number=request.number)
    before = request.handler
    AfterSale.objects.filter(pk=request.pk).update(handler=actor)
    request.handler = actor
    record(actor=actor, verb="aftersales.taken", obj=request,
           summary=f"{request.number} 由 {actor} 接手处理",
           changes={"handler": [str(before) if before else "", str(actor)]})
    return request


@transaction.atomic
def approve_request(*, actor, request, refund_fen=None, note="", freight_collect=False,
                    method="", reference="") -> AfterSale:
    """同意. Refund only: the unshipped order is cancelled (its stock released) and the
    money refunded at once (method/reference as for pay_refund). Return, exchange,
    repair: the customer is given the return address and aftersales.return_ship_days to
    ship; `freight_collect` says we agreed to pay the return freight on arrival (到付)."""
    check_staff(actor)
    request = locked(request)
    note = (note or "").strip()[:300]
    amount = 0
    if request.kind in (K.REFUND_ONLY, K.RETURN_REFUND):
        amount = request.requested_refund_fen if refund_fen in (None, "") else int(refund_fen)
        lines = list(request.lines.select_related("order_line"))
        cap = refund_cap_fen(request.order, [(x.order_line, x.quantity) for x in lines],
                             exclude=request)
        if amount <= 0:
            raise UserError("bad_amount", "同意退款金额必须大于 0。", "The refund must be more than 0.")
        if amount > cap:
            raise UserError("refund_too_much", "同意退款 {asked} 超过可退金额 {cap}。",
                            "The refund {asked} is more than the {cap} refundable.",
                            asked=format_fen(amount), cap=format_fen(cap))
    before = transition(request, S.APPROVED, ALLOWED, machine=MACHINE, refund_fen=amount,
                        decided_at=timezone.now(), decision_note=note,
                        freight_collect_agreed=bool(freight_collect) and request.needs_return)
    _claim(actor, request)
    kind = zh(request.get_kind_display())
    if request.needs_return:
        address = setting("aftersales.return_address")
        days = setting("aftersales.return_ship_days")
        summary = (f"{request.number} 客服同意{kind}" + (f"，退款 {format_fen(amount)}" if amount else "")
                   + f"。请在 {days} 天内将商品寄回：{address}，并填写退回运单号"
                   + ("（运费到付已同意）" if request.freight_collect_agreed else "")
                   + (f"。{note}" if note else ""))
    else:
        summary = f"{request.number} 客服同意仅退款 {format_fen(amount)}" + (f"：{note}" if note else "")
    record(actor=actor, verb="aftersales.approved", obj=request, summary=summary,
           changes={"state": [before, request.state]},
           data={"refund_fen": amount, "note": note,
                 "freight_collect": request.freight_collect_agreed})
    if request.needs_return:
        deadlines.start(actor=actor, request=request, step="return")
        return request
    _cancel_unshipped_order(actor, request)
    pay_refund(actor=actor, request=request, amount_fen=amount, method=method,
               reference=reference, note=note)
    request.refresh_from_db()
    return request


def _cancel_unshipped_order(actor, request):
    """A refund before shipping voids the order (ORD-6): unprinted or held → cancelled and
    its stock released; printed → marked to be stopped and cancelled at the next scan.
    The after-sales decision is the authority, so orders' cancel runs as the system and
    names the agent in its reason."""
    order = request.order
    order.refresh_from_db()
    if order.state in (OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED,
                       OrderState.CANCELLED):
        return
    cancel_order(actor=None, order=order,
                 reason=f"售后单 {request.number} 同意仅退款（{actor or '系统'}）")


@transaction.atomic
def reject_request(*, actor, request, reason) -> AfterSale:
    """拒绝, with the reason the customer reads: a new request (REQUESTED) or, after
    inspection, a return that does not qualify (e.g. 人为损坏). A refund asked before
    shipping lets the parcel go again."""
    check_staff(actor)
    reason = (reason or "").strip()[:300]
    if not reason:
        raise UserError("reason_required", "请填写拒绝原因（客户会看到）。",
                        "Give the reason for the rejection (the customer sees it).")
    request = locked(request)
    now = timezone.now()
    before = transition(request, S.REJECTED, ALLOWED, machine=MACHINE, reject_reason=reason,
                        decided_at=request.decided_at or now, closed_at=now)
    _claim(actor, request)
    released = ""
    if request.order_action:
        released = withdraw_refund_request(actor=actor, order=request.order,
                                           reason=f"售后单 {request.number} 已拒绝")
    record(actor=actor, verb="aftersales.rejected", obj=request,
           summary=f"{request.number} 客服拒绝{zh(request.get_kind_display())}：{reason}",
           changes={"state": [before, request.state]},
           data={"reason": reason, "order_released": released})
    deadlines.finish(actor=actor, request=request)
    return request


@transaction.atomic
def set_dispute(*, actor, request, note) -> AfterSale:
    """维权: the customer escalated (platform dispute, 12315 complaint…). The CS supervisor
    sees it daily until it is cleared (AS-5)."""
    check_staff(actor)
    note = (note or "").strip()[:1000]
    if not note:
        raise UserError("note_required", "请填写维权说明（渠道、诉求、进展）。",
                        "Describe the dispute (where, what the customer wants).")
    request = locked(request)
    now = timezone.now()
    AfterSale.objects.filter(pk=request.pk).update(dispute=True, dispute_note=note,
                                                   dispute_at=request.dispute_at or now,
                                                   dispute_by=actor)
    was = request.dispute
    request.dispute, request.dispute_note = True, note
    _claim(actor, request)
    record(actor=actor, verb="aftersales.dispute_updated" if was else "aftersales.dispute_opened",
           obj=request, summary=f"{request.number} {'更新维权进展' if was else '登记维权'}：{note}",
           data={"note": note})
    return request


@transaction.atomic
def clear_dispute(*, actor, request, note) -> AfterSale:
    check_staff(actor)
    note = (note or "").strip()[:1000]
    if not note:
        raise UserError("note_required", "请填写维权结果。", "Describe how the dispute ended.")
    request = locked(request)
    if not request.dispute:
        raise UserError("no_dispute", "售后单 {number} 没有维权。", "Request {number} has no dispute.",
                        number=request.number)
    AfterSale.objects.filter(pk=request.pk).update(dispute=False,
                                                   dispute_note=f"{request.dispute_note}\n结果：{note}")
    request.dispute = False
    record(actor=actor, verb="aftersales.dispute_closed", obj=request,
           summary=f"{request.number} 维权结束：{note}", data={"note": note})
    return request
