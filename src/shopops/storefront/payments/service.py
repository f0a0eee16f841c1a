"""Paying shop orders: a Payment per attempt, the provider's verified notifications applied
once, the order paid on the provider's word (orders.mark_paid, actor None: the system),
and money that arrives for an order no longer waiting for it never lost:

    order still unpaid           → the order is paid                     (outcome paid)
    order cancelled meanwhile     → the same goods ordered again, paid, linked to the
      (ORD-5 timed out, or the      cancelled order, when every line is still available
       customer cancelled)          (outcome reordered); else the money goes back through
                                    the provider (outcome refunded)
    order already paid by another → the money goes back (outcome duplicate)
      attempt

Each case is recorded on the order(s) (events), explained on the customer's order page,
and put before the CS supervisor and finance (notification + the staff payments page).
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.actors import customer_actor
from shopops.core.errors import ConflictError, UserError
from shopops.core.events import record
from shopops.core.models import Deadline
from shopops.core.notify import notify
from shopops.core.numbering import next_number
from shopops.core.states import transition
from shopops.orders.actions import create_order, mark_paid
from shopops.orders.actions._common import require_cap
from shopops.orders.models import Order
from shopops.orders.states import State

from ..models import Payment, PaymentNotification, Refund
from .base import FAILED, SUCCEEDED, InvalidNotification
from .registry import get_provider

logger = logging.getLogger("shopops.storefront.payments")
P = Payment.State
# The payment's own machine: any answer may follow "created"; a success may still follow a
# failure or a cancel (the money arrived after all: it must be taken in, never lost).
ALLOWED = {P.CREATED: {P.SUCCEEDED, P.FAILED, P.CANCELLED},
           P.FAILED: {P.SUCCEEDED}, P.CANCELLED: {P.SUCCEEDED}, P.SUCCEEDED: set()}
MACHINE = "支付"
STAFF_ROLES = ("cs_supervisor", "finance")


def amount_due(order) -> int:
    return order.goods_fen + order.shipping_fen - order.discount_fen


def pay_deadlines(orders) -> dict[int, object]:
    """{order id: when the unpaid order is cancelled (ORD-5)} for unpaid orders, one query."""
    ids = [str(o.pk) for o in orders if o.state == State.PENDING_PAYMENT]
    if not ids:
        return {}
    rows = (Deadline.objects.filter(subject_type="orders.order", subject_id__in=ids,
                                    rule="ORD-5", service__endswith=".cancel_unpaid",
                                    state=Deadline.State.PENDING)
            .values_list("subject_id", "due_at"))
    return {int(subject_id): due_at for subject_id, due_at in rows}


# -- starting a payment ------------------------------------------------------------------------


@transaction.atomic
def start_payment(*, customer, order, provider_code) -> tuple[Payment, str]:
    """A new attempt to pay the customer's unpaid order. Returns the payment and the URL to
    send the customer to."""
    provider = get_provider(provider_code)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.customer_id != customer.pk:
        raise UserError("order_missing", "找不到这个订单。", "No such order.")
    if order.state != State.PENDING_PAYMENT:
        raise ConflictError("order_not_unpaid", "订单 {number} 当前不需要付款（{state}）。",
                            "Order {number} does not need paying.", number=order.number,
                            state=order.get_state_display())
    due = pay_deadlines([order]).get(order.pk)
    if due is not None and due <= timezone.now():
        raise ConflictError("pay_too_late", "订单 {number} 已超过付款时限，即将自动取消，请重新下单。",
                            "Order {number} is past its payment deadline.",
                            number=order.number)
    payment = Payment.objects.create(number=next_number("ZF"), order=order, customer=customer,
                                     provider=provider.code, amount_fen=amount_due(order))
    record(actor=customer_actor(customer), verb="payment.created", obj=order,
           summary=f"{order.number} 发起{provider.name} {payment.number}，金额 {_yuan(payment.amount_fen)}",
           data={"payment": payment.pk, "number": payment.number, "provider": provider.code,
                 "amount_fen": payment.amount_fen})
    url = provider.create(payment=payment, return_url=reverse(
        "storefront:payment_return", args=[payment.number]), notify_url=reverse(
        "storefront:payment_notify", args=[provider.code]))
    return payment, url


def _yuan(fen) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


# -- notifications -----------------------------------------------------------------------------


def receive_notification(*, provider_code, data) -> str:
    """Apply a provider's notification. Returns "applied" or "duplicate" (the same
    notification again: nothing changes). A notification that does not verify changes
    nothing, is recorded and raises InvalidNotification."""
    provider = get_provider(provider_code)
    try:
        notice = provider.verify_notification(data)
        return _apply(provider, notice)
    except InvalidNotification as exc:
        _record_rejected(provider, data, exc)
        raise


def _record_rejected(provider, data, exc):
    number = str(dict(data).get("out_trade_no", ""))[:40]
    with transaction.atomic():
        record(actor=None, verb="payment.notification_rejected",
               object_type="storefront.payment", object_id=number or "-",
               object_repr=number or provider.name,
               summary=f"{provider.name}通知被拒绝：{exc.message}",
               data={"provider": provider.code, "reason": exc.message,
                     "fields": sorted(dict(data))[:20]})
    logger.warning("rejected %s notification for %s: %s", provider.code, number, exc.message)


@transaction.atomic
def _apply(provider, notice) -> str:
    payment = (Payment.objects.select_for_update()
               .filter(number=notice.payment_number, provider=provider.code).first())
    if payment is None:
        raise InvalidNotification("支付单不存在", "unknown payment")
    if notice.amount_fen != payment.amount_fen:
        raise InvalidNotification(f"金额不符（通知 {notice.amount_fen} 分，应付 {payment.amount_fen} 分）",
                                  "amount mismatch")
    try:
        with transaction.atomic():
            PaymentNotification.objects.create(
                provider=provider.code, notify_id=notice.notify_id, payment=payment,
                status=notice.status, amount_fen=notice.amount_fen, payload=notice.raw)
    except IntegrityError:
        return "duplicate"
    if notice.status == SUCCEEDED:
        return _succeeded(payment, notice)
    target = P.FAILED if notice.status == FAILED else P.CANCELLED
    if payment.state != P.CREATED:
        return "duplicate"  # a success (or another answer) came first: nothing to change
    transition(payment, target, ALLOWED, machine=MACHINE, finished_at=timezone.now(),
               provider_ref=notice.provider_ref[:64])
    label = "支付失败" if notice.status == FAILED else "顾客取消支付"
    record(actor=None, verb=f"payment.{target}", obj=payment.order,
           summary=f"{payment.order.number} {payment.number} {label}",
           data={"payment": payment.pk, "number": payment.number, "provider": provider.code})
    return "applied"


def _succeeded(payment, notice) -> str:
    if payment.state == P.SUCCEEDED:
        return "duplicate"  # another notification of the same success: pays once
    now = timezone.now()
    transition(payment, P.SUCCEEDED, ALLOWED, machine=MACHINE, finished_at=now,
               provider_ref=notice.provider_ref[:64])
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    record(actor=None, verb="payment.succeeded", obj=order,
           summary=f"{order.number} {payment.number} 支付成功 {_yuan(payment.amount_fen)}",
           data={"payment": payment.pk, "number": payment.number, "provider": payment.provider,
                 "provider_ref": payment.provider_ref, "amount_fen": payment.amount_fen})
    if order.state == State.PENDING_PAYMENT:
        mark_paid(actor=None, order=order, paid_at=now, paid_fen=payment.amount_fen)
        _set_outcome(payment, Payment.Outcome.PAID, "")
        return "applied"
    if order.state == State.CANCELLED:
        _late(payment, order)
    else:
        _duplicate(payment, order)
    return "applied"


def _set_outcome(payment, outcome, note, **also):
    Payment.objects.filter(pk=payment.pk).update(outcome=outcome, note=note[:300], **also)
    payment.outcome, payment.note = outcome, note[:300]
    for key, value in also.items():
        setattr(payment, key, value)


def _late(payment, order):
    """Money for a cancelled order: buy the same goods again if every line is still there,
    else give the money back."""
    lines = list(order.lines.select_related("sku__product"))
    try:
        with transaction.atomic():
            reorder = create_order(
                actor=None, channel=order.channel, customer=order.customer,
                lines=[{"sku": line.sku, "quantity": line.quantity,
                        "unit_price_fen": line.unit_price_fen, "title": line.title}
                       for line in lines],
                customer_name=order.customer_name, customer_phone=order.customer_phone,
                province=order.province, city=order.city, district=order.district,
                address_detail=order.address_detail, buyer_nick=order.buyer_nick,
                buyer_message=order.buyer_message, shipping_fen=order.shipping_fen,
                discount_fen=order.discount_fen, paid=True, paid_fen=payment.amount_fen,
                seller_remark=f"原订单 {order.number} 取消后付款到账（{payment.number}），系统按原价重新下单")
    except UserError as exc:
        note = (f"付款到账时订单 {order.number} 已取消，且商品已无货（{exc.message}），"
                f"款项已原路退回")
        refund = _refund(actor=None, payment=payment, amount_fen=payment.amount_fen,
                         reason=f"订单 {order.number} 已取消，商品无货，退回迟到的付款")
        ok = refund.state == Refund.State.SUCCEEDED
        outcome = Payment.Outcome.REFUNDED if ok else Payment.Outcome.REFUND_FAILED
        if not ok:
            note = f"付款到账时订单 {order.number} 已取消且商品无货；自动退款失败（{refund.message}），客服将尽快处理"
        _set_outcome(payment, outcome, note)
        record(actor=None, verb="payment.late_refunded" if ok else "payment.refund_failed",
               obj=order, summary=f"{order.number} 取消后收到付款 {payment.number}："
                                  + ("商品无货，已原路退款" if ok else "商品无货，自动退款失败，需人工处理"),
               data={"payment": payment.pk, "refund": refund.pk, "reason": exc.message})
        _tell_staff(payment, order, None, ok)
        return
    note = f"付款到账时订单 {order.number} 已取消；已按原价为您重新下单 {reorder.number}，将正常发货"
    _set_outcome(payment, Payment.Outcome.REORDERED, note, reorder=reorder)
    record(actor=None, verb="payment.late_reordered", obj=order,
           summary=f"{order.number} 取消后收到付款 {payment.number}：已重新下单 {reorder.number}",
           data={"payment": payment.pk, "reorder": reorder.pk, "reorder_number": reorder.number})
    record(actor=None, verb="order.reordered_after_late_payment", obj=reorder,
           summary=f"{reorder.number} 由已取消订单 {order.number} 的迟到付款 {payment.number} 重新下单",
           data={"payment": payment.pk, "original": order.pk, "original_number": order.number})
    _tell_staff(payment, order, reorder, True)


def _duplicate(payment, order):
    refund = _refund(actor=None, payment=payment, amount_fen=payment.amount_fen,
                     reason=f"订单 {order.number} 已付款，重复付款退回")
    ok = refund.state == Refund.State.SUCCEEDED
    _set_outcome(payment, Payment.Outcome.DUPLICATE if ok else Payment.Outcome.REFUND_FAILED,
                 f"订单 {order.number} 已经付过款，这笔重复付款" + ("已原路退回" if ok else "自动退款失败，客服将尽快处理"))
    record(actor=None, verb="payment.duplicate_refunded" if ok else "payment.refund_failed",
           obj=order, summary=f"{order.number} 重复付款 {payment.number}"
                              + ("已原路退款" if ok else "自动退款失败，需人工处理"),
           data={"payment": payment.pk, "refund": refund.pk})
    if not ok:
        _tell_staff(payment, order, None, False)


def _tell_staff(payment, order, reorder, ok):
    people = users_with_roles(list(STAFF_ROLES)) or users_with_roles(["manager"])
    if reorder is not None:
        title = f"迟到付款：{order.number} 已取消，已重新下单 {reorder.number}"
        body = (f"订单 {order.number} 取消后收到付款 {payment.number}（{_yuan(payment.amount_fen)}），"
                f"商品仍有货，系统已按原价重新下单 {reorder.number}（已付款），请按正常流程确认发货。")
        link = reorder.get_absolute_url()
    else:
        title = (f"迟到付款：{order.number} 已取消，" + ("已原路退款" if ok else "自动退款失败"))
        body = (f"订单 {order.number} 取消后收到付款 {payment.number}（{_yuan(payment.amount_fen)}），"
                + ("商品已无货，款项已原路退回。" if ok else "自动退款失败，请尽快人工退款并联系顾客。"))
        link = order.get_absolute_url()
    notify(people, title=title, body=body, link=link, category="payment")


# -- refunds -----------------------------------------------------------------------------------


def _refund(*, actor, payment, amount_fen, reason) -> Refund:
    """Take `amount_fen` off the payment's refundable amount (a conditional UPDATE: two
    refunds cannot give back more than was paid), ask the provider, record the result.
    A refused refund puts the amount back and is recorded as failed."""
    amount_fen = int(amount_fen)
    if amount_fen <= 0:
        raise UserError("refund_amount", "退款金额必须大于 0。", "The refund must be positive.")
    taken = Payment.objects.filter(
        pk=payment.pk, state=P.SUCCEEDED,
        refunded_fen__lte=F("amount_fen") - amount_fen).update(
        refunded_fen=F("refunded_fen") + amount_fen)
    if not taken:
        raise ConflictError("refund_too_much", "退款金额超过可退金额。",
                            "The refund exceeds what can be refunded.")
    number = next_number("TK")
    result = get_provider(payment.provider).refund(payment=payment, refund_number=number,
                                                    amount_fen=amount_fen, reason=reason)
    if not result.ok:
        Payment.objects.filter(pk=payment.pk).update(refunded_fen=F("refunded_fen") - amount_fen)
    payment.refresh_from_db(fields=["refunded_fen"])
    refund = Refund.objects.create(
        number=number, payment=payment, order_id=payment.order_id, amount_fen=amount_fen,
        reason=reason[:300], state=Refund.State.SUCCEEDED if result.ok else Refund.State.FAILED,
        provider_ref=result.provider_ref[:64], message=result.message[:300],
        requested_by=actor if actor is not None and getattr(actor, "pk", None) else None)
    record(actor=actor, verb="payment.refunded" if result.ok else "payment.refund_failed",
           obj=payment.order,
           summary=f"{payment.number} 退款 {_yuan(amount_fen)}"
                   + ("成功" if result.ok else f"失败：{result.message}") + f"（{reason}）",
           data={"payment": payment.pk, "refund": refund.pk, "number": number,
                 "amount_fen": amount_fen, "provider_ref": result.provider_ref})
    return refund


def paying_payments(order):
    """The successful payments that paid `order` (its own, or a late one that re-ordered
    it), oldest first."""
    return (Payment.objects.filter(state=P.SUCCEEDED)
            .filter(Q(order=order, outcome=Payment.Outcome.PAID)
                    | Q(reorder=order, outcome=Payment.Outcome.REORDERED))
            .order_by("created_at", "pk"))


@transaction.atomic
def refund_payment(*, actor, order, amount_fen, reason) -> list[Refund]:
    """Refund `amount_fen` of a shop-paid order through the provider it was paid with
    (after-sales, AS-1). Staff need aftersales.handle; actor None is the system. Raises a
    UserError when the order was not paid in the shop, the amount exceeds what is left to
    refund, or the provider refuses (then nothing is recorded as refunded)."""
    require_cap(actor, "aftersales.handle")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写退款原因。", "Please give a reason.")
    amount_fen = int(amount_fen)
    if amount_fen <= 0:
        raise UserError("refund_amount", "退款金额必须大于 0。", "The refund must be positive.")
    payments = list(paying_payments(order).select_for_update())
    if not payments:
        raise UserError("not_paid_in_shop", "订单 {number} 不是在商城在线支付的，不能原路退款。",
                        "Order {number} was not paid in the shop.", number=order.number)
    left = sum(p.refundable_fen for p in payments)
    if amount_fen > left:
        raise ConflictError("refund_too_much", "退款金额 {amount} 超过可退金额 {left}。",
                            "{amount} exceeds the refundable {left}.",
                            amount=_yuan(amount_fen), left=_yuan(left))
    refunds, remaining = [], amount_fen
    for payment in payments:
        part = min(remaining, payment.refundable_fen)
        if part <= 0:
            continue
        refund = _refund(actor=actor, payment=payment, amount_fen=part, reason=reason)
        if refund.state != Refund.State.SUCCEEDED:
            raise UserError("refund_refused", "支付渠道拒绝退款：{message}",
                            "The provider refused the refund: {message}",
                            message=refund.message or "-")
        refunds.append(refund)
        remaining -= part
        if remaining == 0:
            break
    return refunds

