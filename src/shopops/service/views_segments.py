"""Customer segments (客户分群, CS-4): the saved selections, each with its customers and an
audited xlsx export."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from .actions import segments as actions
from .forms_crm import SegmentForm
from .models import Customer, CustomerTag, Segment
from .views_crm_common import PAGE_SIZE, run, xlsx_response


def describe(rules, tags):
    """The rules in words: 标签 VIP/老客户 · 订单 ≥ 2 · …"""
    parts = []
    if rules.get("tags"):
        parts.append(_("标签：{tags}").format(tags="/".join(
            tags[t].name for t in rules["tags"] if t in tags)))
    if rules.get("min_orders"):
        parts.append(_("订单数 ≥ {n}").format(n=rules["min_orders"]))
    if rules.get("min_spent_fen"):
        parts.append(_("消费 ≥ ¥{yuan}").format(yuan=f"{rules['min_spent_fen'] / 100:.2f}"))
    if rules.get("last_order_days"):
        parts.append(_("{n} 天内下过单").format(n=rules["last_order_days"]))
    if rules.get("province"):
        parts.append(_("省份：{p}").format(p=rules["province"]))
    if "flag" in rules:
        parts.append(_("标记：{f}").format(f=dict(Customer.Flag.choices)[rules["flag"]]))
    return " · ".join(parts)


@access("service.view_customers")
def segment_list(request):
    tags = CustomerTag.objects.in_bulk()
    segments = [(s, describe(s.rules, tags)) for s in Segment.objects.select_related("created_by")]
    return render(request, "service/customers/segments.html", {
        "segments": segments, "may_manage": user_can(request.user, "service.manage_segments"),
        "page_title": _("客户分群")})


def _save(request, segment=None):
    form = (SegmentForm.for_segment(segment, request.POST or None) if segment
            else SegmentForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save():
            rules = actions.clean_rules(
                tags=data["tags"], min_orders=data["min_orders"],
                min_spent_yuan=data["min_spent_yuan"], last_order_days=data["last_order_days"],
                province=data["province"], flag=data["flag"] or "any")
            return actions.save_segment(actor=request.user, segment=segment, name=data["name"],
                                        description=data["description"], rules=rules)

        saved = run(request, save, _("已保存分群。"))
        if saved is not None:
            return redirect("service:segment_detail", pk=saved.pk)
    return render(request, "service/customers/segment_form.html", {
        "form": form, "segment": segment,
        "page_title": _("修改分群") if segment else _("新建客户分群")})


@access("service.manage_segments")
def segment_create(request):
    return _save(request)


@access("service.manage_segments")
def segment_edit(request, pk):
    return _save(request, get_object_or_404(Segment, pk=pk))


@access("service.view_customers")
def segment_detail(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    page = Paginator(actions.segment_customers(segment), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "service/customers/segment_detail.html", {
        "segment": segment, "rules_text": describe(segment.rules, CustomerTag.objects.in_bulk()),
        "page": page, "may_manage": user_can(request.user, "service.manage_segments"),
        "may_export": user_can(request.user, "service.export_customers"),
        "page_title": segment.name})


@require_POST
@access("service.export_customers")
def segment_export(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    try:
        data = actions.export_segment(actor=request.user, segment=segment)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("service:segment_detail", pk=pk)
    return xlsx_response(data, f"segment-{segment.pk}-{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
@access("service.manage_segments")
def segment_delete(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    if run(request, lambda: actions.delete_segment(actor=request.user, segment=segment) or True,
           _("已删除分群。")):
        return redirect("service:segment_list")
    return redirect("service:segment_detail", pk=pk)


urlpatterns = [
    path("segments/", segment_list, name="segment_list"),
    path("segments/new/", segment_create, name="segment_create"),
    path("segments/<int:pk>/", segment_detail, name="segment_detail"),
    path("segments/<int:pk>/edit/", segment_edit, name="segment_edit"),
    path("segments/<int:pk>/export/", segment_export, name="segment_export"),
    path("segments/<int:pk>/delete/", segment_delete, name="segment_delete"),
]
