"""Bad customers (劣质客户, CS-5; seed 003: "在接待工作中对劣质客户加以区分并上报客服主管，由客服
主管确认并备案记录"): an agent reports with reason and evidence, the customer shows
"劣质客户待确认"; the CS supervisor confirms or rejects with a comment — never their own
report — and a confirmed report marks the customer 劣质客户."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.access import require
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.notify import notify
from shopops.core.states import transition

from ..models import BadCustomerReport, Customer
from .customers import label, record_for

S = BadCustomerReport.State
ALLOWED = {S.PROPOSED: {S.CONFIRMED, S.REJECTED}}
F = Customer.Flag


def _link():
    return reverse("service:bad_customer_list")


@transaction.atomic
def report_bad_customer(*, actor, customer, reason, evidence="", conversation=None,
                        order=None) -> BadCustomerReport:
    require(actor, "service.report_bad_customer")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("bad_customer_reason", "请填写上报原因。", "Give the reason.")
    if conversation is not None and conversation.customer_id not in (None, customer.pk):
        raise UserError("bad_customer_conversation", "该会话不属于这位客户。",
                        "The conversation is not this customer's.")
    if order is not None and order.customer_id not in (None, customer.pk):
        raise UserError("bad_customer_order", "该订单不属于这位客户。",
                        "The order is not this customer's.")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.flag == F.CONFIRMED:
        raise ConflictError("already_bad_customer", "该客户已确认为劣质客户。",
                            "The customer is already confirmed as a bad customer.")
    if customer.bad_reports.filter(state=S.PROPOSED).exists():
        raise ConflictError("bad_customer_pending", "该客户已有待主管确认的上报。",
                            "A report on this customer is waiting for the supervisor.")
    report = BadCustomerReport.objects.create(
        customer=customer, reason=reason[:200], evidence=(evidence or "").strip(),
        conversation=conversation, order=order, proposed_by=actor)
    Customer.objects.filter(pk=customer.pk, flag=F.NONE).update(flag=F.PROPOSED)
    record_for(actor, "bad_customer.reported", customer,
               f"上报劣质客户 {label(customer)}：{reason}",
               data={"report": report.pk, "conversation": conversation, "order": order})
    supervisors = [u for u in users_with_roles(["cs_supervisor"]) if u.pk != actor.pk]
    notify(supervisors, title=f"劣质客户待确认：{label(customer)}",
           body=f"{actor} 上报：{reason}", link=_link(), category="bad_customer")
    return report


def _decide(actor, report, target, comment):
    require(actor, "service.confirm_bad_customer")
    if report.proposed_by_id == actor.pk:
        raise PermissionDeniedError("own_bad_customer_report", "不能确认或驳回自己的上报。",
                                    "You cannot decide your own report.")
    comment = (comment or "").strip()
    if not comment:
        raise UserError("bad_customer_comment", "请填写主管意见。", "Add your comment.")
    transition(report, target, ALLOWED, machine="劣质客户上报", decided_by=actor,
               decided_at=timezone.now(), decision_comment=comment[:300])
    return comment


@transaction.atomic
def confirm_bad_customer(*, actor, report, comment) -> BadCustomerReport:
    comment = _decide(actor, report, S.CONFIRMED, comment)
    customer = report.customer
    Customer.objects.filter(pk=customer.pk).update(flag=F.CONFIRMED, updated_at=timezone.now())
    record_for(actor, "bad_customer.confirmed", customer,
               f"确认劣质客户 {label(customer)}：{report.reason}（{comment}）",
               changes={"flag": [customer.flag, F.CONFIRMED]},
               data={"report": report.pk, "comment": comment})
    if report.proposed_by_id:
        notify([report.proposed_by], title=f"劣质客户已确认：{label(customer)}", body=comment,
               link=customer.get_absolute_url(), category="bad_customer")
    return report


@transaction.atomic
def reject_bad_customer(*, actor, report, comment) -> BadCustomerReport:
    comment = _decide(actor, report, S.REJECTED, comment)
    customer = report.customer
    # Back to normal unless the customer was already confirmed by an earlier report.
    Customer.objects.filter(pk=customer.pk, flag=F.PROPOSED).update(flag=F.NONE)
    record_for(actor, "bad_customer.rejected", customer,
               f"驳回劣质客户上报 {label(customer)}：{report.reason}（{comment}）",
               data={"report": report.pk, "comment": comment})
    if report.proposed_by_id:
        notify([report.proposed_by], title=f"劣质客户上报被驳回：{label(customer)}",
               body=comment, link=customer.get_absolute_url(), category="bad_customer")
    return report
