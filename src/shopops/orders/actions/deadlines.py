"""The order deadlines (APR-3) on the core deadline engine: no tables of their own, only
Deadline rows with rule codes, opened and closed by the order actions at these points:

    created unpaid  → ORD-5 催付 at +orders.unpaid_reminder_hours (service: remind_unpaid)
                      ORD-5 自动取消 at +orders.unpaid_cancel_hours (service: cancel_unpaid)
    paid            → both ORD-5 met (or closed if already fired); ORD-2 opened
    created paid    → ORD-2 "联系客户确认" at +orders.contact_minutes (escalate)
    confirmed       → ORD-2 met; ORD-3 "移交运营跟踪" at +orders.handover_hours (escalate)
    reviewed        → ORD-3 met, and ORD-2 if still open (review checked the order with
                      its customer details; fulfillment.actions.review calls on_reviewed)
    cancelled       → every pending deadline of the order cancelled

Owner: the person who entered the order if they work in customer service, else the first
客服主管 — a fixed rule, not a setting; with neither the engine sends it to the managers.
ORD-3 belongs to whoever confirmed the order (they hand it over), with the same fallback.

There is no customer messaging yet: 催付 is recorded on the order and sent to the owner as a
notification, and the owner contacts the customer.
"""

from datetime import timedelta

from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.actions.deadlines import cancel_deadlines_for, meet_deadline, open_deadline
from shopops.core.events import record
from shopops.core.notify import notify
from shopops.core.registry import setting
from shopops.service.privacy import mask_name, mask_phone

from ..models import Order
from ..states import State

ORD2, ORD3, ORD5 = "ORD-2", "ORD-3", "ORD-5"
CS_ROLES = ("presale_cs", "aftersale_cs", "cs_supervisor")
SERVICE = "shopops.orders.actions.deadlines."


def owner_for(order, person=None):
    """`person` (else the order's creator) when they work in CS, else the first 客服主管."""
    person = person if person is not None else order.created_by
    if person is not None and person.is_active and any(person.has_role(c) for c in CS_ROLES):
        return person
    supervisors = users_with_roles(["cs_supervisor"])
    return supervisors[0] if supervisors else None


def _open(actor, order, rule, title, due_at, action, owner, service="", starts_at=None):
    return open_deadline(actor=actor, subject=order, owner=owner, due_at=due_at, action=action,
                         title=f"{order.number} {title}", rule=rule, starts_at=starts_at,
                         service=SERVICE + service if service else "",
                         link=order.get_absolute_url())


def order_created(*, actor, order):
    if order.state == State.PAID:
        _open_contact(actor, order)
        return
    if order.state != State.PENDING_PAYMENT:
        return
    owner, start = owner_for(order), order.created_at
    remind = setting("orders.unpaid_reminder_hours")
    cancel = setting("orders.unpaid_cancel_hours")
    _open(actor, order, ORD5, f"{remind} 小时未付款，催付", start + timedelta(hours=remind),
          "service", owner, service="remind_unpaid", starts_at=start)
    _open(actor, order, ORD5, f"{cancel} 小时未付款，自动取消", start + timedelta(hours=cancel),
          "service", owner, service="cancel_unpaid", starts_at=start)


def _open_contact(actor, order):
    minutes = setting("orders.contact_minutes")
    _open(actor, order, ORD2, f"{minutes} 分钟内联系客户确认",
          timezone.now() + timedelta(minutes=minutes), "escalate", owner_for(order))


def order_paid(*, actor, order):
    meet_deadline(actor=actor, subject=order, rule=ORD5)
    _open_contact(actor, order)


def order_confirmed(*, actor, order):
    meet_deadline(actor=actor, subject=order, rule=ORD2)
    hours = setting("orders.handover_hours")
    _open(actor, order, ORD3, f"{hours} 小时内移交运营跟踪",
          timezone.now() + timedelta(hours=hours), "escalate", owner_for(order, actor))


def on_reviewed(*, actor, order):
    """The order was reviewed (审单), i.e. handed over to operations: ORD-3 is met (and
    ORD-2 when review came before customer service's confirmation call)."""
    meet_deadline(actor=actor, subject=order, rule=(ORD2, ORD3))


def order_cancelled(*, actor, order, reason=""):
    cancel_deadlines_for(actor=actor, subject=order, reason=reason)


# -- services run by the scheduler when an ORD-5 deadline passes (actor None: the system) ----


def _order(deadline):
    return Order.objects.select_related("created_by").get(pk=int(deadline.subject_id))


def remind_unpaid(*, deadline):
    order = _order(deadline)
    if order.state != State.PENDING_PAYMENT:
        return  # paid or cancelled meanwhile: nothing to chase
    recipients = [deadline.owner] if deadline.owner is not None else users_with_roles(
        ["cs_supervisor", "manager"])
    record(actor=None, verb="order.payment_reminded", obj=order,
           summary=f"{order.number} 未付款，提醒客服催付",
           data={"deadline": deadline.pk, "notified": [p.pk for p in recipients]})
    # Stored text carries masked personal data (ROLE-6); the order page reveals it.
    notify(recipients, title=f"催付：{order.number}（{mask_name(order.customer_name)}）未付款",
           body=f"订单 {order.number} 下单后仍未付款，请联系客户"
                f"（{mask_phone(order.customer_phone)}，完整电话见订单页）催付。",
           link=order.get_absolute_url(), category="deadline")


def cancel_unpaid(*, deadline):
    from .lifecycle import cancel  # lifecycle imports this module

    order = _order(deadline)
    if order.state != State.PENDING_PAYMENT:
        return
    hours = round((deadline.due_at - deadline.starts_at).total_seconds() / 3600)
    cancel(actor=None, order=order, reason=f"超过 {hours} 小时未付款，系统自动取消")
