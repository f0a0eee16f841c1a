"""Review pages (FUL-1): the queue with its tabs and buttons, the rule-set versions with
their editor, dry-run and 启用, and the end-of-day list. Thin: each POST calls one action."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.orders.models import Order
from shopops.orders.states import HoldReason, State

from . import queries_review as q
from .actions import review, review_rulesets
from .models import Courier, ReviewRuleSet
from .review_forms import form_rows, rules_from_post
from .rules import DEFAULT_RULES
from .rules import label as rule_label

PAGE_SIZE = 50
TABS = [("pending", gettext_noop("待审")), ("held", gettext_noop("挂起")),
        ("done", gettext_noop("今日已审"))]


def _queue_context(request):
    tab = request.GET.get("tab", "pending")
    tab = tab if tab in dict(TABS) else "pending"
    page = Paginator(q.queue(tab), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    decisions = q.last_decisions(rows)
    cutoff = q.cutoff_today()
    for order in rows:
        order.decision = decisions.get(order.pk)
        order.due_today = order.state in q.TO_REVIEW and q.must_review_today(order, cutoff)
        if order.decision is not None:
            order.decision.rule_label = rule_label(order.decision.rule)
    return {"tab": tab, "tabs": [(code, _(name)) for code, name in TABS], "page": page,
            "rows": rows, "cutoff": cutoff, "query": request.GET.urlencode(),
            "couriers": Courier.objects.filter(active=True),
            "hold_reasons": HoldReason.choices,
            "can_review": user_can(request.user, "fulfillment.review")}


@access("fulfillment.view")
def review_queue(request):
    context = _queue_context(request)
    context["rule_set"] = q.active_rule_set()
    context["page_title"] = _("审单")
    return render(request, "fulfillment/review/queue.html", context)


@access("fulfillment.view")
def review_queue_table(request):
    """Only the queue's table, for the live refresh (same query string)."""
    return render(request, "fulfillment/review/_queue_table.html", _queue_context(request))


def _back(request):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//")
                    else reverse("fulfillment:review_queue"))


@access("fulfillment.review")
@require_POST
def review_run(request):
    try:
        counts = review.run_review_batch(actor=request.user)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("审单完成：通过 {reviewed} 单，挂起 {held} 单，合并 {merged} 单，"
                                    "拆单 {split} 单。").format(**counts))
    return _back(request)


def _order_post(action, success):
    @require_POST
    def view(request, pk):
        order = get_object_or_404(Order, pk=pk)
        try:
            action(request, order)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _(success).format(number=order.number))
        return _back(request)
    return view


review_pass = access("fulfillment.review")(_order_post(
    lambda r, o: review.review_order(actor=r.user, order=o, courier=r.POST.get("courier", "")),
    gettext_noop("订单 {number} 已审单通过。")))
review_hold = access("fulfillment.review")(_order_post(
    lambda r, o: review.hold_in_review(actor=r.user, order=o, reason=r.POST.get("reason", ""),
                                       note=r.POST.get("note", "")),
    gettext_noop("订单 {number} 已挂起，已通知负责人。")))
review_release = access("fulfillment.review")(_order_post(
    lambda r, o: review.release_hold(actor=r.user, order=o, note=r.POST.get("note", "")),
    gettext_noop("订单 {number} 已解除挂起，回到待审。")))


# -- rule sets -------------------------------------------------------------------------------


@access("fulfillment.view")
def rule_list(request):
    sets = ReviewRuleSet.objects.select_related("created_by", "activated_by")
    page = Paginator(sets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "fulfillment/review/rule_list.html", {
        "page": page, "active": q.active_rule_set(),
        "can_manage": user_can(request.user, "fulfillment.manage_rules"),
        "page_title": _("审单规则")})


@access("fulfillment.manage_rules")
@require_POST
def rule_new(request):
    base = q.active_rule_set() or ReviewRuleSet.objects.first()
    try:
        rule_set = review_rulesets.create_rule_set(
            actor=request.user, rules=base.rules if base else DEFAULT_RULES,
            name=(base.name if base else "审单规则"), note=_("基于当前启用版本"),
            based_on=base)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("fulfillment:rule_list")
    messages.success(request, _("已新建草稿 v{version}。").format(version=rule_set.version))
    return redirect("fulfillment:rule_detail", pk=rule_set.pk)


def _dates(request):
    today = timezone.localdate()
    since = _date(request.POST.get("since")) or today - timedelta(days=30)
    until = _date(request.POST.get("until")) or today
    return since, until


def _date(text):
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@access("fulfillment.view")
def rule_detail(request, pk):
    rule_set = get_object_or_404(ReviewRuleSet.objects.select_related("created_by"), pk=pk)
    can_manage = user_can(request.user, "fulfillment.manage_rules")
    editable = can_manage and rule_set.state == ReviewRuleSet.State.DRAFT
    if request.method == "POST" and editable:
        try:
            review_rulesets.update_rule_set(
                actor=request.user, rule_set=rule_set, rules=rules_from_post(
                    request.POST, rule_set.rules), name=request.POST.get("name", ""),
                note=request.POST.get("note", ""))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("草稿已保存；请重新试运行后再启用。"))
            return redirect("fulfillment:rule_detail", pk=pk)
    today = timezone.localdate()
    couriers = list(Courier.objects.filter(active=True).values_list("name", flat=True))
    return render(request, "fulfillment/review/rule_detail.html", {
        "rule_set": rule_set, "rows": form_rows(rule_set.rules, couriers),
        "editable": editable, "can_manage": can_manage, "result": rule_set.last_dry_run,
        "since": today - timedelta(days=30), "until": today,
        "by_rule": [(rule_label(code), n) for code, n in
                    (rule_set.last_dry_run.get("by_rule") or {}).items()],
        "page_title": _("审单规则 v{version}").format(version=rule_set.version)})


@access("fulfillment.manage_rules")
@require_POST
def rule_dry_run(request, pk):
    rule_set = get_object_or_404(ReviewRuleSet, pk=pk)
    since, until = _dates(request)
    start, end = q.local_day_bounds(since)[0], q.local_day_bounds(until)[1]
    try:
        result = review_rulesets.dry_run(actor=request.user, rule_set=rule_set, since=start,
                                         until=end)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("试运行完成：{total} 单中将挂起 {held} 单。").format(**result))
    return redirect(reverse("fulfillment:rule_detail", args=[pk]) + "#dry-run")


@access("fulfillment.manage_rules")
@require_POST
def rule_activate(request, pk):
    rule_set = get_object_or_404(ReviewRuleSet, pk=pk)
    try:
        review_rulesets.activate_rule_set(actor=request.user, rule_set=rule_set)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已启用审单规则 v{version}。").format(version=rule_set.version))
    return redirect("fulfillment:rule_detail", pk=pk)


# -- end of day ------------------------------------------------------------------------------


@access("fulfillment.view")
def end_of_day(request):
    lists = q.end_of_day()
    sections = []
    for key, title in (("unreviewed", _("未审单")), ("unprinted", _("已审未打单")),
                       ("unshipped", _("已打单未发货"))):
        rows = lists[key]
        sections.append({"key": key, "title": title, "count": rows.count(),
                         "rows": list(rows[:PAGE_SIZE])})
    return render(request, "fulfillment/review/end_of_day.html", {
        "sections": sections, "cutoff": lists["cutoff"], "shown": PAGE_SIZE,
        "state_labels": dict(State.choices), "page_title": _("今日未完成")})


urlpatterns = [
    path("review-queue/", review_queue, name="review_queue"),
    path("review-queue/table/", review_queue_table, name="review_queue_table"),
    path("review-queue/run/", review_run, name="review_run"),
    path("review-queue/<int:pk>/pass/", review_pass, name="review_pass"),
    path("review-queue/<int:pk>/hold/", review_hold, name="review_hold"),
    path("review-queue/<int:pk>/release/", review_release, name="review_release"),
    path("rule-list/", rule_list, name="rule_list"),
    path("rule-list/new/", rule_new, name="rule_new"),
    path("rule-list/<int:pk>/", rule_detail, name="rule_detail"),
    path("rule-list/<int:pk>/dry-run/", rule_dry_run, name="rule_dry_run"),
    path("rule-list/<int:pk>/activate/", rule_activate, name="rule_activate"),
    path("end-of-day/", end_of_day, name="end_of_day"),
]
