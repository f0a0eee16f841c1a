"""Penalties (HR-6), scorecards and the monthly sheet (HR-KPI) pages."""

from datetime import date, datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import User
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.money import parse_yuan

from . import metrics, scoring
from .actions import penalties as penalty_actions
from .actions import sheet as sheet_actions
from .actions.scores import compute_month
from .models import MonthlySheet, Offence, Penalty, ScoreEntry


def _month(text) -> date:
    try:
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _month_or_404(text) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise Http404 from exc


def _staff_people():
    return (User.objects.filter(is_active=True, role_assignments__isnull=False).distinct()
            .order_by("employee_no", "pk"))


# ---------------------------------------------------------------- penalties

@access("staff.view_team")
def penalty_list(request):
    state = request.GET.get("state", "")
    rows = (Penalty.objects.select_related("person", "offence", "proposed_by", "decided_by")
            .annotate(open_first=Case(When(state=Penalty.State.PROPOSED, then=Value(0)),
                                      default=Value(1), output_field=IntegerField()))
            .order_by("open_first", "-occurred_on", "-pk"))
    if state in Penalty.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    may_propose = user_can(request.user, "staff.propose_penalty")
    return render(request, "staff/scores/penalty_list.html", {
        "page_title": _("处罚"),
        "page": page, "state": state, "states": Penalty.State.choices,
        "may_propose": may_propose,
        "may_confirm": user_can(request.user, "staff.confirm_penalty"),
        "people": _staff_people() if may_propose else [],
        "offences": Offence.objects.filter(active=True) if may_propose else [],
        "today": timezone.localdate(),
    })


@require_POST
@access("staff.propose_penalty")
def penalty_propose(request):
    person = User.objects.filter(pk=request.POST.get("person") or 0, is_active=True).first()
    offence = Offence.objects.filter(pk=request.POST.get("offence") or 0, active=True).first()
    try:
        if offence is None:
            raise UserError("penalty_offence", "请选择违规事项。", "Choose the offence.")
        try:
            day = date.fromisoformat(request.POST.get("occurred_on", ""))
        except ValueError:
            day = None
        amount = request.POST.get("amount", "").strip()
        penalty = penalty_actions.propose_penalty(
            actor=request.user, person=person, offence=offence, occurred_on=day,
            evidence=request.POST.get("evidence", ""),
            amount_fen=parse_yuan(amount) if amount else None)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已提出处罚：{person} {offence}，待经理确认。").format(
            person=penalty.person, offence=offence.name))
    return redirect("staff:penalty_list")


@require_POST
@access("staff.confirm_penalty")
def penalty_decide(request, pk):
    penalty = get_object_or_404(Penalty, pk=pk)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "reject":
            penalty_actions.reject_penalty(actor=request.user, penalty=penalty, note=note)
            messages.success(request, _("已驳回处罚。"))
        else:
            penalty_actions.confirm_penalty(actor=request.user, penalty=penalty, note=note)
            messages.success(request, _("已确认处罚，将计入当月奖罚评分表。"))
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect("staff:penalty_list")


@access("staff.view_team")
def offence_list(request):
    return render(request, "staff/scores/offence_list.html", {
        "page_title": _("处罚条例"),
        "offences": Offence.objects.all(),
        "may_edit": user_can(request.user, "staff.manage_calendar")})


@require_POST
@access("staff.manage_calendar")
def offence_update(request, pk):
    offence = get_object_or_404(Offence, pk=pk)
    try:
        penalty_actions.update_offence(actor=request.user, offence=offence,
                                       amount_fen=parse_yuan(request.POST.get("amount", "")),
                                       active=request.POST.get("active") == "on")
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已修改「{name}」。").format(name=offence.name))
    return redirect("staff:offence_list")


# ---------------------------------------------------------------- scores

@access("staff.view_team")
def score_list(request):
    month = _month(request.GET.get("month"))
    totals = (ScoreEntry.objects.filter(month=month).values("person_id")
              .annotate(points=Sum("points"), reward=Sum("reward_fen"), n=Count("pk"))
              .order_by("points", "person_id"))
    page = Paginator(totals, 50).get_page(request.GET.get("page"))
    names = User.objects.in_bulk([r["person_id"] for r in page.object_list])
    rows = [{**r, "person": names.get(r["person_id"])} for r in page.object_list]
    return render(request, "staff/scores/score_list.html", {
        "page_title": _("考核记分"),
        "page": page, "rows": rows, "month": month, "month_text": f"{month:%Y-%m}",
        "may_compute": user_can(request.user, "staff.manage_scores"),
        "rules": scoring.RULES,
    })


@require_POST
@access("staff.manage_scores")
def score_compute(request):
    month = _month(request.POST.get("month"))
    try:
        result = compute_month(actor=request.user, month=month)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已计算 {month} 考核记分：{n} 条。").format(
            month=f"{month:%Y-%m}", n=result["entries"]))
    return redirect(reverse("staff:score_list") + f"?month={month:%Y-%m}")


@access("staff.view_team")
def score_person(request, month, person_id):
    month = _month_or_404(month)
    person = get_object_or_404(User, pk=person_id)
    rows = (ScoreEntry.objects.filter(month=month, person=person)
            .select_related("order", "event").order_by("rule", "pk"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    agg = rows.aggregate(points=Sum("points"), reward=Sum("reward_fen"))
    return render(request, "staff/scores/score_person.html", {
        "page_title": _("考核记分"),
        "page": page, "person": person, "month": month, "month_text": f"{month:%Y-%m}",
        "points": agg["points"] or 0, "reward": agg["reward"] or 0,
        "labels": scoring.LABELS, "m": metrics.month_measures([person.pk], month)[person.pk],
    })


@access("staff.view_team")
def score_metrics(request):
    """考核指标: everybody's task completion and error rate, and customer service's
    consultations, conversion, quality score and response time, for one month."""
    month = _month(request.GET.get("month"))
    people = list(_staff_people().prefetch_related("roles"))
    measures = metrics.month_measures([p.pk for p in people], month)
    rows = [{"person": p, "m": measures[p.pk]} for p in people]
    return render(request, "staff/scores/metrics.html", {
        "page_title": _("考核指标"), "rows": rows, "month": month,
        "month_text": f"{month:%Y-%m}"})


# ---------------------------------------------------------------- monthly sheet

@access("staff.view_team")
def sheet_index(request):
    sheets = MonthlySheet.objects.order_by("-month")
    page = Paginator(sheets, 50).get_page(request.GET.get("page"))
    last = (timezone.localdate().replace(day=1) - scoring.timedelta(days=1)).replace(day=1)
    return render(request, "staff/scores/sheet_index.html", {
        "page_title": _("奖罚评分表"),
        "page": page, "last_month": f"{last:%Y-%m}",
        "may_manage": user_can(request.user, "staff.manage_scores")})


@access("staff.view_team")
def sheet_detail(request, month):
    month = _month_or_404(month)
    sheet = MonthlySheet.objects.filter(month=month).select_related(
        "reviewed_by", "proposal").first()
    rows = [sheet_actions.with_pay(r) for r in sheet.rows] if sheet else []
    totals = {k: sum(r[k] for r in rows) for k in
              ("points", "reward_fen", "penalty_fen", "absence_fen", "net_fen", "late_count",
               "base_fen", "pay_fen")}
    may_manage = user_can(request.user, "staff.manage_scores")
    return render(request, "staff/scores/sheet_detail.html", {
        "page_title": _("奖罚评分表"),
        "sheet": sheet, "rows": rows, "totals": totals, "month": month,
        "month_text": f"{month:%Y-%m}", "may_manage": may_manage,
        "proposal_open": bool(sheet and sheet.proposal_id
                              and sheet.proposal.state in ("draft", "pending", "approved")),
    })


@require_POST
@access("staff.manage_scores")
def sheet_action(request, month):
    month_date = _month_or_404(month)
    op = request.POST.get("op", "")
    try:
        if op == "draft":
            sheet_actions.draft_sheet(actor=request.user, month=month_date)
            messages.success(request, _("已生成奖罚评分表。"))
        else:
            sheet = get_object_or_404(MonthlySheet, month=month_date)
            if op == "review":
                sheet_actions.review_sheet(actor=request.user, sheet=sheet)
                messages.success(request, _("已审核，可提交经理审批。"))
            elif op == "submit":
                proposal = sheet_actions.submit_sheet(actor=request.user, sheet=sheet)
                messages.success(request, _("已提交审批：{title}").format(title=proposal.title))
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect("staff:sheet_detail", month=month)


@access("staff.view_team")
def sheet_export(request, month):
    sheet = get_object_or_404(MonthlySheet, month=_month_or_404(month))
    if sheet.state != MonthlySheet.State.APPROVED:
        messages.error(request, _("奖罚评分表经经理批准后才能导出。"))
        return redirect("staff:sheet_detail", month=month)
    data = sheet_actions.export_sheet(sheet)
    sheet_actions.mark_exported(actor=request.user, sheet=sheet)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="sheet-{month}.xlsx"'
    return response


urlpatterns = [
    path("penalty-list/", penalty_list, name="penalty_list"),
    path("penalties/propose/", penalty_propose, name="penalty_propose"),
    path("penalties/<int:pk>/decide/", penalty_decide, name="penalty_decide"),
    path("offences/", offence_list, name="offence_list"),
    path("offences/<int:pk>/", offence_update, name="offence_update"),
    path("score-list/", score_list, name="score_list"),
    path("scores/metrics/", score_metrics, name="score_metrics"),
    path("scores/compute/", score_compute, name="score_compute"),
    path("scores/<str:month>/<int:person_id>/", score_person, name="score_person"),
    path("sheets/", sheet_index, name="sheet_index"),
    path("sheets/<str:month>/", sheet_detail, name="sheet_detail"),
    path("sheets/<str:month>/action/", sheet_action, name="sheet_action"),
    path("sheets/<str:month>/export/", sheet_export, name="sheet_export"),
]
