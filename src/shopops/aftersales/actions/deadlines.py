"""The request's time limits (APR-3) on the core deadline engine. One step waits at a time;
each action that finishes a step meets its deadline and opens the next one, and keeps
AfterSale.due_at (what the queues sort by) in step:

    submitted        → AS-1.respond   客服 respond within aftersales.respond_hours;
                                      when it passes: escalate_unanswered (the CS
                                      supervisor is told, the request marked 超时上报)
    approved (return/exchange/repair)
                     → AS-1.return    the customer ships within aftersales.return_ship_days;
                                      when it passes: close_unshipped (the request closes
                                      itself, recorded on it for the customer to see)
    parcel signed    → AS-3.inspect   inspected within aftersales.inspect_hours (escalate)
    inspected (return and refund)
                     → AS-1.refund    refunded within aftersales.refund_hours (escalate)
    inspected (exchange)
                     → AS-3.exchange  quality check and replacement within
                                      aftersales.inspect_hours (escalate)
    finished, rejected, cancelled → every open deadline of the request met or cancelled

There is no customer messaging: what the customer must know is recorded on the request
(its history is shown on the shop's request page).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.actions.deadlines import cancel_deadlines_for, meet_deadline, open_deadline
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.notify import notify
from shopops.core.registry import setting
from shopops.core.states import transition

from ..models import AfterSale
from ..states import ALLOWED, MACHINE

SERVICE = "shopops.aftersales.actions.deadlines."
STEPS = {
    # step: (rule, title, hours setting, hours multiplier, action, service, owner)
    "respond": ("AS-1.respond", "{h} 小时内处理售后申请", "aftersales.respond_hours", 1,
                "service", "escalate_unanswered", "handler"),
    "return": ("AS-1.return", "买家 {d} 天内寄回", "aftersales.return_ship_days", 24,
               "service", "close_unshipped", "handler"),
    "inspect": ("AS-3.inspect", "{h} 小时内检验退货", "aftersales.inspect_hours", 1,
                "escalate", "", "receiver"),
    "refund": ("AS-1.refund", "{h} 小时内退款", "aftersales.refund_hours", 1,
               "escalate", "", "handler"),
    "exchange": ("AS-3.exchange", "{h} 小时内换货质检并发出", "aftersales.inspect_hours", 1,
                 "escalate", "", "receiver"),
}


def owner_for(request, who="handler", person=None):
    """The handler (or, for warehouse steps, the person who received the goods) when
    active, else the first 客服主管 / 仓库主管."""
    if person is not None and person.is_active:
        return person
    if who == "handler":
        if request.handler is not None and request.handler.is_active:
            return request.handler
        found = users_with_roles(["cs_supervisor"])
    else:
        found = users_with_roles(["warehouse_supervisor"])
    return found[0] if found else None


def start(*, actor, request, step, person=None):
    """Meet whatever the request waited for and start the clock on `step`."""
    meet_deadline(actor=actor, subject=request)
    rule, title, key, multiplier, action, service, who = STEPS[step]
    amount = setting(key)
    due = timezone.now() + timedelta(hours=amount * multiplier)
    open_deadline(actor=actor, subject=request, owner=owner_for(request, who, person),
                  due_at=due, action=action, rule=rule,
                  title=f"{request.number} " + title.format(h=amount, d=amount),
                  service=SERVICE + service if service else "", link=request.get_absolute_url())
    AfterSale.objects.filter(pk=request.pk).update(due_at=due)
    request.due_at = due


def finish(*, actor, request):
    """The request waits for nothing more from us (or waits without a limit: repair)."""
    meet_deadline(actor=actor, subject=request)
    AfterSale.objects.filter(pk=request.pk).update(due_at=None)
    request.due_at = None


def stop(*, actor, request, reason=""):
    """The request was cancelled or closed: its open deadlines go."""
    cancel_deadlines_for(actor=actor, subject=request, reason=reason)
    AfterSale.objects.filter(pk=request.pk).update(due_at=None)
    request.due_at = None


# -- services run by the scheduler when a deadline passes (actor None: the system) -------


def _request(deadline):
    return AfterSale.objects.select_related("handler", "order").get(pk=int(deadline.subject_id))


def escalate_unanswered(*, deadline):
    """AS-1.respond passed: the CS supervisor hears of it, the request shows 超时上报."""
    request = _request(deadline)
    if request.state != AfterSale.State.REQUESTED:
        return
    now = timezone.now()
    AfterSale.objects.filter(pk=request.pk, escalated_at__isnull=True).update(escalated_at=now)
    hours = setting("aftersales.respond_hours")
    people = users_with_roles(["cs_supervisor"]) + ([request.handler] if request.handler else [])
    people = people or users_with_roles(["manager"])
    record(actor=None, verb="aftersales.escalated", obj=request,
           summary=f"{request.number} 超过 {hours} 小时未处理，已上报客服主管",
           data={"deadline": deadline.pk, "notified": [p.pk for p in people]})
    notify(people, title=f"售后超时未处理：{request.number}（{zh(request.get_kind_display())}）",
           body=f"订单 {request.order.number} 的售后申请已超过 {hours} 小时未处理，请尽快同意或拒绝。",
           link=request.get_absolute_url(), category="aftersales")


@transaction.atomic
def close_unshipped(*, deadline):
    """AS-1.return passed: the customer did not ship the return in time; the request
    closes itself and says so in its history (what the customer sees)."""
    request = AfterSale.objects.select_for_update().get(pk=int(deadline.subject_id))
    if request.state != AfterSale.State.APPROVED:
        return
    days = setting("aftersales.return_ship_days")
    reason = f"同意后 {days} 天内未寄回商品，售后单自动关闭"
    now = timezone.now()
    transition(request, AfterSale.State.CLOSED, ALLOWED, machine=MACHINE, closed_at=now,
               close_reason=reason, due_at=None)
    record(actor=None, verb="aftersales.closed", obj=request,
           summary=f"{request.number} {reason}。如仍需售后请重新申请",
           changes={"state": [AfterSale.State.APPROVED, AfterSale.State.CLOSED]},
           data={"deadline": deadline.pk, "days": days})
    handler = AfterSale.objects.select_related("handler").get(pk=request.pk).handler
    notify([handler] if handler else users_with_roles(["cs_supervisor"]),
           title=f"售后单已自动关闭：{request.number}",
           body=reason, link=request.get_absolute_url(), category="aftersales")
