"""Refunds (退款记录): the one place after-sales moves money back to a customer.

`pay_refund` checks the amount against what was paid, moves the money by the method the
order's channel allows, writes the Refund row (amount, method, who, when, reference) and
moves the request to 已退款:

    B2C shop order   原路退回 through the shop's payment provider
                     (shopops.storefront.payments.refund_payment), or 线下退款
    platform order   平台退款: the agent refunds in the platform's back office and enters
                     its refund number here, or 线下退款
    branch order     线下退款
"""

from django.db import transaction
from django.utils import timezone

from shopops.catalog.models import Channel
from shopops.core.access import require
from shopops.core.actors import is_customer
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.money import format_fen
from shopops.core.states import transition
from shopops.storefront.payments import refund_payment

from ..models import AfterSale, Refund
from ..queries import refund_cap_fen
from ..states import ALLOWED, MACHINE
from . import deadlines

M = Refund.Method


def methods_for(order) -> list[str]:
    """The refund methods an order's channel allows, the usual one first."""
    kind = order.channel.kind
    if kind == Channel.Kind.B2C:
        return [M.ORIGINAL, M.OFFLINE]
    if kind == Channel.Kind.BRANCH:
        return [M.OFFLINE]
    return [M.PLATFORM, M.OFFLINE]


def _check_staff(actor):
    if is_customer(actor):
        raise PermissionDeniedError("permission_denied", "没有权限：退款", "Permission denied.")
    if actor is not None:
        require(actor, "aftersales.handle")


def _move_money(*, actor, request, order, amount_fen, method, reference, note) -> str:
    """Move the money; returns the payment reference to keep on the record."""
    if method == M.ORIGINAL:
        done = refund_payment(actor=actor, order=order, amount_fen=amount_fen,
                              reason=f"售后单 {request.number}" + (f"：{note}" if note else ""))
        return "，".join(r.number + (f"/{r.provider_ref}" if r.provider_ref else "")
                        for r in done)[:80]
    if method == M.PLATFORM and not reference:
        raise UserError("refund_reference_required", "请填写平台退款单号（在平台后台退款后获得）。",
                        "Enter the platform's refund number.")
    if method == M.OFFLINE and not (reference or note):
        raise UserError("refund_offline_note", "线下退款请填写转账流水号或说明。",
                        "For an offline refund enter the transfer reference or a note.")
    return reference


@transaction.atomic
def pay_refund(*, actor, request, amount_fen=None, method="", reference="", note="") -> Refund:
    """Refund an approved refund-only request or an inspected return. `amount_fen` defaults
    to what was approved; less needs a note (e.g. inspection found damage), more than
    was paid for the items is refused."""
    _check_staff(actor)
    request = (AfterSale.objects.select_for_update(of=("self",))
               .select_related("order__channel").get(pk=request.pk))
    order = request.order
    if AfterSale.State.REFUNDED not in ALLOWED.get(request.state, ()) or \
            request.kind not in (AfterSale.Kind.REFUND_ONLY, AfterSale.Kind.RETURN_REFUND):
        raise UserError("cannot_refund", "售后单 {number} 当前「{state}」，不能退款。",
                        "Request {number} cannot be refunded now.", number=request.number,
                        state=zh(request.get_state_display()))
    if request.kind == AfterSale.Kind.RETURN_REFUND and request.state != AfterSale.State.INSPECTED:
        raise UserError("refund_before_inspection", "退货退款须在退货检验后退款。",
                        "A return is refunded after inspection.")
    reference, note = (reference or "").strip()[:80], (note or "").strip()[:300]
    amount = request.refund_fen if amount_fen in (None, "") else int(amount_fen)
    lines = list(request.lines.select_related("order_line"))
    cap = refund_cap_fen(order, [(x.order_line, x.quantity) for x in lines], exclude=request)
    if amount <= 0:
        raise UserError("bad_amount", "退款金额必须大于 0。", "The refund must be more than 0.")
    if amount > cap:
        raise UserError("refund_too_much", "退款金额 {asked} 超过可退金额 {cap}。",
                        "The refund {asked} is more than the {cap} refundable.",
                        asked=format_fen(amount), cap=format_fen(cap))
    if amount < request.refund_fen and not note:
        raise UserError("partial_refund_note", "退款金额少于同意的 {approved}，请填写原因。",
                        "A refund below the approved amount needs a note.",
                        approved=format_fen(request.refund_fen))
    method = method or methods_for(order)[0]
    if method not in methods_for(order):
        raise UserError("bad_refund_method", "{channel} 的订单不能用「{method}」退款。",
                        "Orders of {channel} cannot be refunded that way.",
                        channel=order.channel.name, method=_label(method))
    reference = _move_money(actor=actor, request=request, order=order, amount_fen=amount,
                            method=method, reference=reference, note=note)
    now = timezone.now()
    refund = Refund.objects.create(
        request=request, order=order, amount_fen=amount, method=method, reference=reference,
        note=note, refunded_by=actor if actor is not None and actor.pk else None,
        refunded_at=now)
    before = transition(request, AfterSale.State.REFUNDED, ALLOWED, machine=MACHINE,
                        refund_fen=amount, closed_at=now)
    record(actor=actor, verb="aftersales.refunded", obj=request,
           summary=f"{request.number} 已退款 {format_fen(amount)}（{_label(method)}）"
                   + (f"，流水号 {reference}" if reference else "") + (f"：{note}" if note else ""),
           changes={"state": [before, request.state]},
           data={"refund": refund.pk, "amount_fen": amount, "method": method,
                 "reference": reference, "order": order.pk})
    deadlines.finish(actor=actor, request=request)
    return refund


def _label(method):
    return zh(M(method).label)


