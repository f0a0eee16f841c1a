"""Targets and progress (HR-7), resignations and handover (HR-8)."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import LOGIN, access, forbidden, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.money import parse_yuan
from shopops.core.registry import setting

from .actions import plans as actions
from .models import MonthlyTarget, Resignation
from .queries_plans import month_working_days, progress, split

PER_PAGE = 50
Metric = MonthlyTarget.Metric


def _month_of(text):
    try:
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _target_value(metric, text):
    """Sales are typed in yuan and kept in fen; counts are whole numbers."""
    text = (text or "").strip()
    try:
        return parse_yuan(text) if metric == Metric.SALES_FEN else int(text)
    except (TypeError, ValueError):
        raise UserError("bad_target", "请输入有效的目标值。", "Please enter a valid target.") \
            from None


def _set_target(request, month):
    metric = request.POST.get("metric", "")
    person_id = request.POST.get("person") or None
    person = get_object_or_404(get_user_model(), pk=person_id) if person_id else None
    actions.set_target(actor=request.user, person=person, month=month, metric=metric,
                       target=_target_value(metric, request.POST.get("target")),
                       note=request.POST.get("note", ""))


@access("staff.view_team")
def target_team(request):
    month = _month_of(request.GET.get("month") or request.POST.get("month"))
    if request.method == "POST":
        if not user_can(request.user, "staff.manage_scores"):
            return forbidden(request)
        try:
            _set_target(request, month)
            messages.success(request, _("目标已保存。"))
        except UserError as exc:
            messages.error(request, user_message(exc))
        return redirect(f"{request.path}?month={month:%Y-%m}")
    targets = (MonthlyTarget.objects.filter(month=month).select_related("person")
               .order_by("person__username", "metric"))
    page = Paginator(targets, PER_PAGE).get_page(request.GET.get("page"))
    rows = progress(list(page.object_list))
    return render(request, "staff/plans/target_team.html", {
        "month": month, "page": page, "rows": rows, "metrics": Metric.choices,
        "can_set": user_can(request.user, "staff.manage_scores"),
        "people": get_user_model().objects.filter(is_active=True).order_by("username")
        if user_can(request.user, "staff.manage_scores") else [],
        "page_title": _("月度目标"),
    })


def _person_page(request, person):
    month = _month_of(request.GET.get("month"))
    targets = list(MonthlyTarget.objects.filter(month=month, person=person)
                   .select_related("person").order_by("metric"))
    rows = progress(targets)
    days = month_working_days(month)
    for row in rows:
        row.weeks = split(row.target.target, month, days)["weeks"]
    return render(request, "staff/plans/target_person.html", {
        "person": person, "month": month, "rows": rows,
        "page_title": _("目标进度"),
    })


@access(LOGIN)
def my_targets(request):
    return _person_page(request, request.user)


@access("staff.view_team")
def target_person(request, person_id):
    return _person_page(request, get_object_or_404(get_user_model(), pk=person_id))


@access(LOGIN)
def resignation_list(request):
    user = request.user
    if request.method == "POST":
        try:
            last_day = request.POST.get("last_day") or None
            row = actions.submit_resignation(
                actor=user, reason=request.POST.get("reason", ""),
                last_day=datetime.strptime(last_day, "%Y-%m-%d").date() if last_day else None)
            messages.success(request, _("辞职申请已提交，最后工作日 {day}。").format(
                day=row.last_day))
            return redirect("staff:resignation_detail", row.pk)
        except ValueError:
            messages.error(request, _("日期格式不正确。"))
        except UserError as exc:
            messages.error(request, user_message(exc))
        return redirect("staff:resignation_list")
    team = None
    if user_can(user, "staff.view_team"):
        team = Paginator(Resignation.objects.select_related("person", "accepted_by"),
                         PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "staff/plans/resignation_list.html", {
        "mine": Resignation.objects.filter(person=user).select_related("accepted_by"),
        "team": team, "notice_days": setting("staff.notice_days"),
        "handover_days": setting("staff.handover_days"),
        "page_title": _("辞职与交接"),
    })


def _visible(request, pk):
    row = get_object_or_404(Resignation.objects.select_related("person", "accepted_by"), pk=pk)
    if row.person_id != request.user.pk and not user_can(request.user, "staff.view_team"):
        raise Http404
    return row


def _local(stamp):
    moment = parse_datetime(stamp) if stamp else None
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


@access(LOGIN)
def resignation_detail(request, pk):
    row = _visible(request, pk)
    user = request.user
    items = [{**entry, "at_text": _local(entry.get("at"))} for entry in row.handover]
    return render(request, "staff/plans/resignation_detail.html", {
        "r": row, "items": items, "items_default": "\n".join(actions.default_items()),
        "can_accept": user_can(user, "staff.accept_resignation"),
        "can_tick": actions.can_tick(user, row),
        "can_complete": user_can(user, "staff.manage_roster"),
        "handover_days": setting("staff.handover_days"),
        "page_title": _("辞职详情"),
    })


@require_POST
@access(LOGIN)
def resignation_act(request, pk):
    row = _visible(request, pk)
    act = request.POST.get("action", "")
    try:
        if act == "accept":
            items = request.POST.get("items", "").splitlines()
            actions.accept_resignation(actor=request.user, resignation=row, items=items)
            messages.success(request, _("已接受辞职，交接清单已生成。"))
        elif act == "tick":
            actions.tick_handover_item(actor=request.user, resignation=row,
                                       index=int(request.POST.get("index") or -1))
            messages.success(request, _("已登记交接。"))
        elif act == "complete":
            actions.complete_handover(actor=request.user, resignation=row)
            messages.success(request, _("交接完成，已通知系统管理员停用账号。"))
        elif act == "left":
            actions.record_departure(actor=request.user, resignation=row)
            messages.success(request, _("已登记离职。"))
    except ValueError:
        messages.error(request, _("没有这个交接事项。"))
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect("staff:resignation_detail", row.pk)


urlpatterns = [
    path("targets/", target_team, name="target_team"),
    path("targets/mine/", my_targets, name="my_targets"),
    path("targets/person/<int:person_id>/", target_person, name="target_person"),
    path("resignations/", resignation_list, name="resignation_list"),
    path("resignations/<int:pk>/", resignation_detail, name="resignation_detail"),
    path("resignations/<int:pk>/act/", resignation_act, name="resignation_act"),
]
