"""Product reviews, staff side (CS-6): the list (bad, unreplied, product, dates), reply, hide
with a reason. A bad review's "CS-6" deadline (contact the customer) shows beside it."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access
from shopops.core.models import Deadline

from .actions import review_replies as actions
from .models import Review
from .queries_quality import bounds
from .views_crm_common import PAGE_SIZE, back, range_params, run


def _deadlines(reviews) -> dict:
    """{review id: its CS-6 deadline} for the reviews of one page (one query)."""
    ids = [str(r.pk) for r in reviews]
    rows = Deadline.objects.filter(subject_type="service.review", subject_id__in=ids,
                                   rule=actions.RULE).select_related("owner").order_by("due_at")
    return {int(d.subject_id): d for d in rows}


@access("service.manage_reviews")
def review_list(request):
    reviews = Review.objects.select_related("product", "sku", "order", "customer", "replied_by",
                                            "hidden_by")
    start, end = range_params(request, days=30)
    lo, hi = bounds(start, end)
    reviews = reviews.filter(created_at__gte=lo, created_at__lt=hi)
    bad = request.GET.get("bad") == "1"
    if bad:
        reviews = reviews.filter(is_bad=True)
    unreplied = request.GET.get("unreplied") == "1"
    if unreplied:
        reviews = reviews.filter(reply="")
    product = request.GET.get("product", "").strip()
    if product:
        reviews = reviews.filter(Q(product__title__icontains=product)
                                 | Q(product__code__iexact=product))
    state = request.GET.get("state", "")
    if state in Review.State.values:
        reviews = reviews.filter(state=state)
    page = Paginator(reviews.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    deadlines = _deadlines(page.object_list)
    rows = [(r, deadlines.get(r.pk)) for r in page.object_list]
    return render(request, "service/reviews/list.html", {
        "page": page, "rows": rows, "from": start, "to": end, "bad": bad,
        "unreplied": unreplied, "product": product, "state": state,
        "states": Review.State.choices, "page_title": _("商品评价")})


@require_POST
@access("service.manage_reviews")
def review_reply(request, pk):
    review = get_object_or_404(Review, pk=pk)
    run(request, lambda: actions.reply_to_review(actor=request.user, review=review,
                                                 text=request.POST.get("reply", "")),
        lambda r: _("已回复，回复会显示在商品页的这条评价下。") if not r.is_bad
        else _("已回复差评，联系客户的时限已完成。"))
    return back(request, "service:review_list")


@require_POST
@access("service.manage_reviews")
def review_visibility(request, pk):
    review = get_object_or_404(Review, pk=pk)
    if request.POST.get("op") == "show":
        run(request, lambda: actions.show_review(actor=request.user, review=review),
            _("评价已恢复显示。"))
    else:
        run(request, lambda: actions.hide_review(actor=request.user, review=review,
                                                 reason=request.POST.get("reason", "")),
            _("评价已隐藏，商品页不再显示。"))
    return back(request, "service:review_list")


urlpatterns = [
    path("reviews/", review_list, name="review_list"),
    path("reviews/<int:pk>/reply/", review_reply, name="review_reply"),
    path("reviews/<int:pk>/visibility/", review_visibility, name="review_visibility"),
]
