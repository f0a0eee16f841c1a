"""Quality-inspection pages (CS-3): the results, one conversation with its faults marked and
the supervisor's review, the agents' averages and weekly trends. An agent sees their own
results; whoever may review (the CS supervisor, the manager) sees everybody's."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import User
from shopops.accounts.queries import users_with_roles
from shopops.core.access import access, forbidden, user_can

from . import queries_quality as stats
from .actions import quality as actions
from .jobs_quality import sweep
from .models import QualityCheck
from .quality import RULES
from .views_crm_common import PAGE_SIZE, int_param, range_params, run

CS_ROLES = ["presale_cs", "aftersale_cs", "cs_supervisor"]


def sees_all(user) -> bool:
    return user_can(user, "service.review_quality")


def agents_for(user):
    """The people whose results `user` may look at (for the filters and the overview)."""
    if not sees_all(user):
        return [user]
    return users_with_roles(CS_ROLES)


@access("service.view_quality")
def quality_list(request):
    checks = QualityCheck.objects.select_related("conversation__customer", "agent")
    start, end = range_params(request)
    lo, hi = stats.bounds(start, end)
    checks = checks.filter(closed_at__gte=lo, closed_at__lt=hi)
    agent = int_param(request.GET.get("agent"))
    if not sees_all(request.user):
        agent = request.user.pk
    if agent:
        checks = checks.filter(agent_id=agent)
    rule = request.GET.get("rule", "")
    if rule in RULES:
        checks = checks.filter(rule_codes__contains=f" {rule} ")
    state = request.GET.get("state", "")
    if state in QualityCheck.State.values:
        checks = checks.filter(state=state)
    below = int_param(request.GET.get("below"))
    if below is not None:
        checks = checks.filter(Q(final_score__isnull=True, score__lt=below)
                               | Q(final_score__lt=below))
    page = Paginator(checks.order_by("-closed_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "service/quality/list.html", {
        "page": page, "from": start, "to": end, "agent": agent, "rule": rule, "state": state,
        "below": below, "rules": [(code, label) for code, (label, _k) in RULES.items()],
        "states": QualityCheck.State.choices, "agents": agents_for(request.user),
        "sees_all": sees_all(request.user), "page_title": _("质检结果")})


def _visible_check(request, pk):
    check = get_object_or_404(QualityCheck.objects.select_related(
        "conversation__customer", "conversation__order", "agent", "reviewed_by"), pk=pk)
    if not sees_all(request.user) and check.agent_id != request.user.pk:
        return check, forbidden(request, "只能查看自己的质检结果。",
                                "You can only see your own quality results.")
    return check, None


@access("service.view_quality")
def quality_detail(request, pk):
    check, refused = _visible_check(request, pk)
    if refused:
        return refused
    conversation = check.conversation
    flagged = {}
    for finding in check.findings:
        for message_id in finding.get("message_ids", []):
            flagged.setdefault(message_id, []).append(finding["label"])
    rows = []
    for message in conversation.messages.select_related("agent").order_by("at", "pk"):
        rows.append({"message": message, "labels": flagged.get(message.pk, []),
                     "offset": int((message.at - conversation.started_at).total_seconds())})
    can_review = sees_all(request.user) and check.agent_id != request.user.pk
    return render(request, "service/quality/detail.html", {
        "check": check, "conversation": conversation, "rows": rows, "can_review": can_review,
        "own": check.agent_id == request.user.pk, "page_title": _("质检 {number}").format(
            number=conversation.number)})


@require_POST
@access("service.review_quality")
def quality_review(request, pk):
    check = get_object_or_404(QualityCheck, pk=pk)
    run(request, lambda: actions.review_check(
        actor=request.user, check=check, comment=request.POST.get("comment", ""),
        final_score=request.POST.get("final_score", "")),
        lambda c: _("已复核：{score} 分。").format(score=c.effective_score))
    return redirect("service:quality_detail", pk=pk)


@require_POST
@access("service.review_quality")
def quality_rescore(request, pk):
    check = get_object_or_404(QualityCheck, pk=pk)
    run(request, lambda: actions.rescore(actor=request.user, check=check),
        lambda c: _("已按当前质检设置重新评分：{score} 分。").format(score=c.score))
    return redirect("service:quality_detail", pk=pk)


@require_POST
@access("service.review_quality")
def quality_sweep(request):
    messages.success(request, _("已质检 {n} 个已结束的会话。").format(n=sweep()))
    return redirect("service:quality_list")


@access("service.view_quality")
def quality_agents(request):
    """Each agent's average and faults over a range, and the last 8 weeks' trend."""
    start, end = range_params(request)
    people = agents_for(request.user)
    ids = [p.pk for p in people]
    tallies = stats.per_agent(start, end, ids)
    mondays, trend = stats.weekly_trend(ids)
    rows = [{"agent": p, "tally": tallies.get(p.pk, stats.Tally(key=p.pk)),
             "trend": trend[p.pk]} for p in people]
    return render(request, "service/quality/agents.html", {
        "rows": rows, "from": start, "to": end, "mondays": mondays,
        "rules": [(code, label) for code, (label, _k) in RULES.items()],
        "page_title": _("客服质检汇总")})


@access("service.view_quality")
def quality_agent(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    if not sees_all(request.user) and person.pk != request.user.pk:
        raise Http404
    by = request.GET.get("by", "day")
    by = by if by in stats.PERIODS else "day"
    default_days = {"day": 14, "week": 7 * 12, "month": 365}[by]
    start, end = range_params(request, days=default_days)
    periods = stats.per_period(person.pk, start, end, by)
    total = stats.Tally()
    for tally in periods:
        total.merge(tally)
    return render(request, "service/quality/agent.html", {
        "person": person, "periods": periods, "total": total, "by": by, "from": start,
        "to": end, "today": timezone.localdate(),
        "rules": [(code, label) for code, (label, _k) in RULES.items()],
        "page_title": _("{name} 的质检").format(name=person)})


urlpatterns = [
    path("quality/", quality_list, name="quality_list"),
    path("quality/sweep/", quality_sweep, name="quality_sweep"),
    path("quality/agents/", quality_agents, name="quality_agents"),
    path("quality/agents/<int:user_id>/", quality_agent, name="quality_agent"),
    path("quality/<int:pk>/", quality_detail, name="quality_detail"),
    path("quality/<int:pk>/review/", quality_review, name="quality_review"),
    path("quality/<int:pk>/rescore/", quality_rescore, name="quality_rescore"),
]
