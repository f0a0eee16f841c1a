"""Follow-up visits (回访, CS-4) and bad-customer reports (劣质客户, CS-5): each agent's own
follow-ups and the supervisor's view of all; the reports waiting for the supervisor."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can

from .actions import bad_customers as reports
from .actions import followups as actions
from .forms_crm import FollowUpForm, OutcomeForm
from .models import BadCustomerReport, Conversation, Customer, FollowUp
from .views_crm_common import PAGE_SIZE, back, int_param, run


@access("service.view_customers")
def follow_up_list(request):
    everyone = user_can(request.user, "service.supervise_chat")
    scope = request.GET.get("scope", "mine")
    rows = FollowUp.objects.select_related("customer", "owner", "order", "done_by")
    if scope != "all" or not everyone:
        scope = "mine"
        rows = rows.filter(owner=request.user)
    state = request.GET.get("state", "planned")
    now = timezone.now()
    if state == "overdue":
        rows = rows.filter(state=FollowUp.State.PLANNED, due_at__lte=now)
    elif state in FollowUp.State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    order = ("due_at", "pk") if state in ("planned", "overdue") else ("-due_at", "-pk")
    page = Paginator(rows.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "service/customers/follow_ups.html", {
        "page": page, "scope": scope, "state": state, "everyone": everyone, "now": now,
        "states": FollowUp.State.choices, "outcome_form": OutcomeForm(),
        "page_title": _("回访")})


@require_POST
@access("service.manage_customers")
def follow_up_schedule(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    orders = list(customer.orders.order_by("-created_at")[:20])
    form = FollowUpForm(request.POST, customer=customer, orders=orders)
    if not form.is_valid():
        messages.error(request, _("请填写回访事项、回访人和计划时间。"))
        return redirect(customer.get_absolute_url())
    data = form.cleaned_data
    run(request, lambda: actions.schedule_follow_up(
        actor=request.user, customer=customer, owner=form.people.get(data["owner"]),
        due_at=data["due_at"], purpose=data["purpose"], order=form.orders.get(data["order"])),
        lambda f: _("已安排回访：{owner}，{due}。").format(
            owner=f.owner, due=timezone.localtime(f.due_at).strftime("%m-%d %H:%M")))
    return redirect(customer.get_absolute_url())


@require_POST
@access("service.manage_customers")
def follow_up_log(request, pk):
    follow_up = get_object_or_404(FollowUp.objects.select_related("customer"), pk=pk)
    run(request, lambda: actions.log_follow_up(
        actor=request.user, follow_up=follow_up, outcome=request.POST.get("outcome", ""),
        result=request.POST.get("result", "")), _("已登记回访结果。"))
    return back(request, "service:follow_up_list")


@require_POST
@access("service.manage_customers")
def follow_up_cancel(request, pk):
    follow_up = get_object_or_404(FollowUp.objects.select_related("customer"), pk=pk)
    run(request, lambda: actions.cancel_follow_up(
        actor=request.user, follow_up=follow_up, reason=request.POST.get("reason", "")),
        _("已取消回访。"))
    return back(request, "service:follow_up_list")


@access("service.view_customers")
def bad_customer_list(request):
    state = request.GET.get("state", "proposed")
    rows = BadCustomerReport.objects.select_related("customer", "proposed_by", "decided_by",
                                                    "order", "conversation")
    if state in BadCustomerReport.State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    page = Paginator(rows.order_by("-proposed_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "service/customers/bad_customers.html", {
        "page": page, "state": state, "states": BadCustomerReport.State.choices,
        "may_decide": user_can(request.user, "service.confirm_bad_customer"),
        "page_title": _("劣质客户")})


@require_POST
@access("service.report_bad_customer")
def bad_customer_report(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    conversation = Conversation.objects.filter(
        customer=customer, pk=int_param(request.POST.get("conversation")) or 0).first()
    order = customer.orders.filter(pk=int_param(request.POST.get("order")) or 0).first()
    run(request, lambda: reports.report_bad_customer(
        actor=request.user, customer=customer, reason=request.POST.get("reason", ""),
        evidence=request.POST.get("evidence", ""), conversation=conversation, order=order),
        _("已上报，等待客服主管确认。"))
    return redirect(customer.get_absolute_url())


@require_POST
@access("service.confirm_bad_customer")
def bad_customer_decide(request, pk):
    report = get_object_or_404(BadCustomerReport.objects.select_related("customer"), pk=pk)
    decide = (reports.confirm_bad_customer if request.POST.get("op") == "confirm"
              else reports.reject_bad_customer)
    run(request, lambda: decide(actor=request.user, report=report,
                                comment=request.POST.get("comment", "")),
        lambda r: _("已确认为劣质客户。") if r.state == "confirmed" else _("已驳回上报。"))
    return back(request, "service:bad_customer_list")


urlpatterns = [
    path("follow-ups/", follow_up_list, name="follow_up_list"),
    path("customers/<int:pk>/follow-ups/", follow_up_schedule, name="follow_up_schedule"),
    path("follow-ups/<int:pk>/log/", follow_up_log, name="follow_up_log"),
    path("follow-ups/<int:pk>/cancel/", follow_up_cancel, name="follow_up_cancel"),
    path("bad-customers/", bad_customer_list, name="bad_customer_list"),
    path("customers/<int:pk>/report-bad/", bad_customer_report, name="bad_customer_report"),
    path("bad-customers/<int:pk>/decide/", bad_customer_decide, name="bad_customer_decide"),
]
