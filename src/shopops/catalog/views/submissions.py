"""Review of product information sent in by branches and brand merchants (CAT-5): the
submission form, the submitter's own list, the review queue with a diff against the
product of the same 款号, accept / return with reasons (要求重新采集)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.purchasing.models import Supplier

from ..actions import submissions as actions
from ..actions.products import format_attributes, ordered_attributes
from ..models import Brand, Channel, Product, Submission
from ..queries import category_labels, pending_with_diffs, submission_diff
from .product_forms import category_choices, sku_formset, sku_rows

PAGE_SIZE = 50
STATE_TAGS = {"pending": "warn", "accepted": "ok", "returned": "bad"}


class SubmissionForm(forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("来源商家（品牌商/联营商家）"), required=False,
        queryset=Supplier.objects.filter(active=True), empty_label=gettext_lazy("（不是商家）"))
    source_channel = forms.ModelChoiceField(
        label=gettext_lazy("来源分店"), required=False,
        queryset=Channel.objects.filter(kind=Channel.Kind.BRANCH, active=True),
        empty_label=gettext_lazy("（不是分店）"))
    code = forms.CharField(label=gettext_lazy("款号"), max_length=40)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    category = forms.ChoiceField(label=gettext_lazy("类目"), required=False)
    brand = forms.ModelChoiceField(label=gettext_lazy("品牌"), required=False,
                                   queryset=Brand.objects.all(), empty_label=gettext_lazy("（无）"))
    selling_points = forms.CharField(label=gettext_lazy("卖点"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=gettext_lazy("详情描述"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=_("（请选择）"))

    def payload(self, rows) -> dict:
        data = self.cleaned_data
        return {"code": data["code"], "title": data["title"],
                "selling_points": data["selling_points"], "description": data["description"],
                "category": int(data["category"]) if data.get("category") else None,
                "brand": data["brand"].pk if data.get("brand") else None,
                "skus": [{k: row.get(k) for k in ("code", "barcode", "attributes", "weight_g",
                                                  "cost", "price")}
                         for row in rows if not row.get("remove")]}


def _initial_from(submission):
    payload = submission.payload
    form = {"code": payload.get("code"), "title": payload.get("title"),
            "selling_points": payload.get("selling_points"),
            "description": payload.get("description"),
            "category": str(payload.get("category_id") or ""), "brand": payload.get("brand_id"),
            "source": submission.source_id, "source_channel": submission.source_channel_id}
    rows = [{"code": r["code"], "barcode": r["barcode"],
             "attributes": format_attributes(r.get("attributes")), "weight_g": r.get("weight_g"),
             "cost": f"{r.get('cost_fen', 0) / 100:.2f}", "price": f"{r.get('price_fen', 0) / 100:.2f}"}
            for r in payload.get("skus", [])]
    return form, rows


def _form_page(request, submission=None):
    posted = request.method == "POST"
    initial, rows = _initial_from(submission) if submission else ({}, None)
    form = SubmissionForm(request.POST if posted else None, initial=initial)
    add_row = posted and "add_row" in request.POST
    formset = sku_formset(request.POST if posted else None, initial=rows, add_row=add_row)
    if posted and not add_row and form.is_valid() and formset.is_valid():
        payload = form.payload(sku_rows(formset))
        try:
            if submission is None:
                submission = actions.submit_info(
                    actor=request.user, payload=payload, source=form.cleaned_data["source"],
                    source_channel=form.cleaned_data["source_channel"])
            else:
                actions.resubmit(actor=request.user, submission=submission, payload=payload)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已报送，等待审核。"))
            return redirect("catalog:submission_detail", pk=submission.pk)
    return render(request, "catalog/submissions/form.html", {
        "form": form, "formset": formset, "submission": submission, "inactive_ids": set(),
        "page_title": _("重新报送商品信息") if submission else _("报送商品信息")})


@access("catalog.submit_info")
def submission_new(request):
    return _form_page(request)


@access("catalog.submit_info")
def submission_resubmit(request, pk):
    try:
        submission = actions.get_visible(request.user, pk)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("catalog:submission_mine")
    if submission.state != Submission.State.RETURNED or submission.submitted_by_id != request.user.pk:
        messages.error(request, _("只有被退回的报送可以由提交人重新报送。"))
        return redirect("catalog:submission_detail", pk=pk)
    return _form_page(request, submission)


def _listing(queryset, request):
    rows = queryset.select_related("source", "source_channel", "submitted_by", "reviewer")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for submission in page:
        submission.tag = STATE_TAGS.get(submission.state, "grey")
    return page


@access("catalog.review_submissions")
def submission_list(request):
    state = request.GET.get("state", Submission.State.PENDING)
    state = state if state in Submission.State.values else Submission.State.PENDING
    page = _listing(Submission.objects.filter(state=state), request)
    if state == Submission.State.PENDING:
        pending_with_diffs(page.object_list)
    return render(request, "catalog/submissions/list.html", {
        "page": page, "state": state, "states": Submission.State.choices,
        "counts": {s: Submission.objects.filter(state=s).count() for s in Submission.State.values},
        "page_title": _("商品信息审核")})


@access("catalog.submit_info")
def submission_mine(request):
    page = _listing(Submission.objects.filter(submitted_by=request.user), request)
    return render(request, "catalog/submissions/mine.html", {
        "page": page, "page_title": _("我的报送")})


@access("catalog.submit_info")
def submission_detail(request, pk):
    try:
        submission = actions.get_visible(request.user, pk)
    except UserError:
        raise Http404 from None
    existing = (Product.objects.filter(code=submission.payload.get("code"))
                .select_related("brand").prefetch_related("skus").first())
    return render(request, "catalog/submissions/detail.html", {
        "submission": submission, "existing": existing,
        "sku_rows": [{**row, "spec": ordered_attributes(row.get("attributes"))}
                     for row in submission.payload.get("skus", [])],
        "diff": submission_diff(submission.payload, existing, category_labels()),
        "tag": STATE_TAGS.get(submission.state, "grey"),
        "can_review": user_can(request.user, "catalog.review_submissions"),
        "page_title": _("商品信息报送 #{pk}").format(pk=submission.pk)})


@access("catalog.review_submissions")
@require_POST
def submission_accept(request, pk):
    try:
        submission = actions.get_visible(request.user, pk)
        product = actions.accept_submission(actor=request.user, submission=submission)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("catalog:submission_detail", pk=pk)
    messages.success(request, _("已审核通过：商品 {code}").format(code=product.code))
    return redirect("catalog:product_detail", pk=product.pk)


@access("catalog.review_submissions")
@require_POST
def submission_return(request, pk):
    try:
        submission = actions.get_visible(request.user, pk)
        actions.return_submission(actor=request.user, submission=submission,
                                  reasons=request.POST.get("reasons", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("catalog:submission_detail", pk=pk)
    messages.success(request, _("已退回，要求重新采集。"))
    return redirect("catalog:submission_list")


urlpatterns = [
    path("submissions/", submission_list, name="submission_list"),
    path("submissions/new/", submission_new, name="submission_new"),
    path("submissions/mine/", submission_mine, name="submission_mine"),
    path("submissions/<int:pk>/", submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/resubmit/", submission_resubmit, name="submission_resubmit"),
    path("submissions/<int:pk>/accept/", submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/return/", submission_return, name="submission_return"),
]
