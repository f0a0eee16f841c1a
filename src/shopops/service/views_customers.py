"""Customer records (客户档案, CS-4): the list with search and filters, create and edit, the
customer's page (contacts masked unless revealed, addresses, orders and the ones to link,
conversations with their quality results, after-sales, reviews, follow-ups, bad-customer
reports) and the tags."""

from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, forbidden, user_can
from shopops.core.errors import UserError

from . import privacy
from . import queries_customers as queries
from .actions import customers as actions
from .forms_crm import AddressForm, CustomerForm, FollowUpForm, OutcomeForm, TagForm
from .models import (
    BadCustomerReport,
    Conversation,
    Customer,
    CustomerAddress,
    CustomerTag,
    QualityCheck,
    Review,
    Segment,
)
from .quality import RULES
from .views_crm_common import PAGE_SIZE, int_param, run


def may(user):
    return {code: user_can(user, f"service.{code}") for code in (
        "manage_customers", "report_bad_customer", "confirm_bad_customer", "manage_segments",
        "view_quality", "supervise_chat", "export_customers")}


@access("service.view_customers")
def customer_list(request):
    customers = queries.with_figures(Customer.objects.prefetch_related("tags"))
    q = request.GET.get("q", "").strip()
    customers = queries.search(customers, q)
    tag = int_param(request.GET.get("tag"))
    if tag:
        customers = customers.filter(tags__pk=tag)
    flag = request.GET.get("flag")
    if flag in Customer.Flag.values:
        customers = customers.filter(flag=flag)
    segment = None
    segment_id = int_param(request.GET.get("segment"))
    if segment_id:
        segment = Segment.objects.filter(pk=segment_id).first()
        if segment is not None:
            customers = queries.apply_rules(customers, segment.rules)
    page = Paginator(customers.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "service/customers/list.html", {
        "page": page, "q": q, "tag": tag, "flag": flag, "segment": segment,
        "tags": CustomerTag.objects.all(), "segments": Segment.objects.all(),
        "flags": Customer.Flag.choices, "may": may(request.user), "page_title": _("客户档案")})


@access("service.manage_customers")
def customer_create(request):
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer = run(request, lambda: actions.create_customer(actor=request.user,
                                                                **form.cleaned_data),
                       lambda c: _("已建档：{number}。").format(number=c.number))
        if customer is not None:
            return redirect(customer.get_absolute_url())
    return render(request, "service/customers/form.html", {
        "form": form, "page_title": _("新建客户档案")})


@access("service.manage_customers")
def customer_edit(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    form = CustomerForm.for_customer(customer, request.POST or None,
                                     revealed=privacy.is_revealed(request, customer))
    if request.method == "POST" and form.is_valid():
        done = run(request, lambda: actions.update_customer(actor=request.user, customer=customer,
                                                            **form.changed_values()),
                   _("已保存。"))
        if done is not None:
            return redirect(customer.get_absolute_url())
    return render(request, "service/customers/form.html", {
        "form": form, "customer": customer,
        "page_title": _("修改客户档案 {number}").format(number=customer.number)})


def _quality_summary(customer):
    checks = QualityCheck.objects.filter(conversation__customer=customer)
    summary = checks.aggregate(count=Count("pk"),
                               average=Avg(Coalesce("final_score", "score")))
    counts = dict.fromkeys(RULES, 0)
    for findings in checks.exclude(rule_codes="").values_list("findings", flat=True):
        for finding in findings:
            if finding.get("rule") in counts:
                counts[finding["rule"]] += 1
    summary["rules"] = [(RULES[code][0], n) for code, n in counts.items() if n]
    return summary


@access("service.view_customers")
def customer_detail(request, pk):
    from shopops.aftersales.models import AfterSale

    customer = get_object_or_404(queries.with_figures(), pk=pk)
    orders = list(customer.orders.select_related("channel").order_by("-created_at")[:50])
    conversations = list(Conversation.objects.filter(customer=customer)
                         .select_related("agent", "quality", "order").order_by("-started_at")[:30])
    follow_ups = list(customer.follow_ups.select_related("owner", "order", "done_by")
                      .order_by("state", "due_at"))
    user = request.user
    context = {
        "customer": customer, "tags": list(customer.tags.all()),
        "other_tags": CustomerTag.objects.exclude(customers=customer),
        "addresses": customer.addresses.all(), "orders": orders,
        "to_link": list(queries.orders_to_link(customer)[:20]),
        "conversations": conversations,
        "after_sales": AfterSale.objects.filter(customer=customer).select_related("order")
        .order_by("-created_at")[:30],
        "reviews": Review.objects.filter(customer=customer).select_related("product", "order")
        .order_by("-created_at")[:30],
        "follow_ups": follow_ups,
        "reports": customer.bad_reports.select_related("proposed_by", "decided_by", "order",
                                                       "conversation"),
        "has_pending_report": customer.bad_reports.filter(
            state=BadCustomerReport.State.PROPOSED).exists(),
        "quality": _quality_summary(customer), "may": may(user), "now": timezone.now(),
        "follow_up_form": FollowUpForm(customer=customer, user=user, orders=orders[:20]),
        "outcome_form": OutcomeForm(), "address_form": AddressForm(),
        "page_title": customer.number,
    }
    return render(request, "service/customers/detail.html", context)


def _customer_post(handler, success):
    @require_POST
    def view(request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        run(request, lambda: handler(request, customer), success)
        return redirect(customer.get_absolute_url())
    return view


def _tag(request, customer):
    tag = get_object_or_404(CustomerTag, pk=int_param(request.POST.get("tag")) or 0)
    if request.POST.get("op") == "remove":
        return actions.untag_customer(actor=request.user, customer=customer, tag=tag)
    return actions.tag_customer(actor=request.user, customer=customer, tag=tag)


def _link(request, customer):
    ids = [int(x) for x in request.POST.getlist("orders") if x.isdigit()]
    offered = list(queries.orders_to_link(customer).filter(pk__in=ids))
    if not offered:
        raise UserError("no_orders_chosen", "请勾选要关联的订单。", "Tick the orders to link.")
    return actions.link_orders(actor=request.user, customer=customer, orders=offered)


def _address(request, customer):
    form = AddressForm(request.POST)
    if not form.is_valid():
        raise UserError("address_incomplete", "请完整填写收货地址。",
                        "Fill in the whole address.")
    return actions.add_address(actor=request.user, customer=customer, **form.cleaned_data)


def _remove_address(request, customer):
    address = get_object_or_404(CustomerAddress, customer=customer,
                                pk=int_param(request.POST.get("address")) or 0)
    return actions.remove_address(actor=request.user, address=address)


customer_tag = access("service.manage_customers")(_customer_post(_tag, _("已更新标签。")))
customer_link = access("service.manage_customers")(_customer_post(
    _link, lambda n: _("已关联 {n} 个订单。").format(n=n)))
customer_address = access("service.manage_customers")(_customer_post(_address, _("已添加地址。")))
customer_address_remove = access("service.manage_customers")(_customer_post(
    _remove_address, _("已删除地址。")))


@access("service.view_customers")
def tag_list(request):
    tags = CustomerTag.objects.annotate(n=Count("customers")).order_by("name")
    form = TagForm(request.POST or None)
    if request.method == "POST":
        if not user_can(request.user, "service.manage_customers"):
            return forbidden(request)
        tag = CustomerTag.objects.filter(pk=int_param(request.POST.get("tag")) or 0).first()
        if request.POST.get("op") == "delete" and tag is not None:
            run(request, lambda: actions.delete_tag(actor=request.user, tag=tag),
                lambda n: _("已删除标签（{n} 位客户移除此标签）。").format(n=n))
            return redirect("service:tag_list")
        if form.is_valid():
            saved = run(request, lambda: actions.save_tag(actor=request.user, tag=tag,
                                                          **form.cleaned_data), _("已保存标签。"))
            if saved is not None:
                return redirect("service:tag_list")
    return render(request, "service/customers/tags.html", {
        "tags": tags, "form": form, "may": may(request.user), "page_title": _("客户标签")})


urlpatterns = [
    path("customers/", customer_list, name="customer_list"),
    path("customers/new/", customer_create, name="customer_create"),
    path("customers/tags/", tag_list, name="tag_list"),
    path("customers/<int:pk>/", customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customer_edit, name="customer_edit"),
    path("customers/<int:pk>/tag/", customer_tag, name="customer_tag"),
    path("customers/<int:pk>/link-orders/", customer_link, name="customer_link_orders"),
    path("customers/<int:pk>/addresses/", customer_address, name="customer_address_add"),
    path("customers/<int:pk>/addresses/remove/", customer_address_remove,
         name="customer_address_remove"),
]
