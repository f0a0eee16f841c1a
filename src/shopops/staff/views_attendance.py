"""Attendance pages (HR-3, HR-4): my attendance (clock in/out, out passes), the team's
monthly attendance sheet, and leave requests."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import Role
from shopops.core.access import LOGIN, access, forbidden, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.registry import setting

from .actions import attendance as att_actions
from .actions import leave as leave_actions
from .models import Absence, Attendance, LeaveRequest, OutPass, Penalty

PER_PAGE = 50


def _month_of(text):
    try:
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _month_end(first):
    return (first + timedelta(days=32)).replace(day=1)


@access(LOGIN)
def my_attendance(request):
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "in":
                row = att_actions.clock_in(actor=user)
                if row.late_minutes:
                    messages.warning(request, _("上班打卡 {time}，迟到 {n} 分钟。").format(
                        time=f"{timezone.localtime(row.clock_in):%H:%M}", n=row.late_minutes))
                else:
                    messages.success(request, _("上班打卡 {time}。").format(
                        time=f"{timezone.localtime(row.clock_in):%H:%M}"))
            elif action == "out":
                row = att_actions.clock_out(actor=user)
                text = _("下班打卡 {time}。").format(
                    time=f"{timezone.localtime(row.clock_out):%H:%M}")
                if row.early_minutes:
                    text += _("早退 {n} 分钟。").format(n=row.early_minutes)
                messages.success(request, text)
            elif action == "pass_open":
                att_actions.open_out_pass(actor=user, person=user,
                                          reason=request.POST.get("reason", ""))
                messages.success(request, _("已登记外出。"))
            elif action == "pass_close":
                out_pass = get_object_or_404(OutPass, pk=request.POST.get("pass") or 0,
                                             person=user)
                out_pass = att_actions.close_out_pass(actor=user, out_pass=out_pass)
                messages.success(request, _("已登记返回，计 {n} 小时。").format(
                    n=att_actions.out_pass_hours(out_pass)))
        except UserError as exc:
            messages.error(request, user_message(exc))
        return redirect("staff:my_attendance")
    today = timezone.localdate()
    first = today.replace(day=1)
    shift, rostered = att_actions.shift_for(user, today)
    records = list(Attendance.objects.filter(person=user, day__gte=first)
                   .select_related("shift").order_by("-day"))
    passes = list(OutPass.objects.filter(person=user).order_by("-start")[:20])
    for out_pass in passes:
        out_pass.hours = att_actions.out_pass_hours(out_pass)
    return render(request, "staff/attendance/my_attendance.html", {
        "today": today, "shift": shift, "rostered": rostered,
        "record": next((r for r in records if r.day == today), None),
        "records": records, "passes": passes,
        "open_pass": next((p for p in passes if p.end is None), None),
        "leaves": LeaveRequest.objects.filter(person=user).order_by("-start")[:10],
        "absences": Absence.objects.filter(person=user, day__gte=first),
        "page_title": _("我的考勤"),
    })


def _sheet_rows(people, first, end):
    ids = [p.pk for p in people]
    att = {r["person"]: r for r in Attendance.objects.filter(
        person__in=ids, day__gte=first, day__lt=end).values("person").annotate(
        worked=Count("pk", filter=Q(clock_in__isnull=False)),
        late=Count("pk", filter=Q(late_minutes__gt=0)), late_min=Sum("late_minutes"),
        early=Count("pk", filter=Q(early_minutes__gt=0)), early_min=Sum("early_minutes"))}
    leave = {r["person"]: r["hours"] for r in LeaveRequest.objects.filter(
        person__in=ids, state=LeaveRequest.State.APPROVED, start__lt=_aware(end),
        end__gt=_aware(first)).values("person").annotate(hours=Sum("hours"))}
    absent = {r["person"]: r for r in Absence.objects.filter(
        person__in=ids, day__gte=first, day__lt=end, excused=False).values("person").annotate(
        n=Count("pk"), fen=Sum("deduction_fen"))}
    pen = {r["person"]: r for r in Penalty.objects.filter(
        person__in=ids, occurred_on__gte=first, occurred_on__lt=end,
        offence__code="late_early").values("person").annotate(
        proposed=Count("pk", filter=Q(state=Penalty.State.PROPOSED)),
        proposed_fen=Sum("amount_fen", filter=Q(state=Penalty.State.PROPOSED)),
        confirmed=Count("pk", filter=Q(state=Penalty.State.CONFIRMED)),
        confirmed_fen=Sum("amount_fen", filter=Q(state=Penalty.State.CONFIRMED)))}
    full = setting("staff.full_attendance_days")
    rows = []
    for person in people:
        a = att.get(person.pk, {})
        ab = absent.get(person.pk, {})
        worked = a.get("worked", 0)
        rows.append({
            "person": person, "worked": worked, "late": a.get("late", 0),
            "late_min": a.get("late_min") or 0, "early": a.get("early", 0),
            "early_min": a.get("early_min") or 0, "leave_hours": leave.get(person.pk) or 0,
            "absent": ab.get("n", 0), "absent_fen": ab.get("fen") or 0,
            "penalty": pen.get(person.pk, {}),
            "full": worked >= full and not ab.get("n"),
        })
    return rows


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@access("staff.view_team")
def attendance_sheet(request):
    first = _month_of(request.GET.get("month"))
    end = _month_end(first)
    post = request.GET.get("post", "")
    people = get_user_model().objects.filter(is_active=True).order_by("username")
    if post:
        people = people.filter(role_assignments__role__code=post).distinct()
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "staff/attendance/sheet.html", {
        "page": page, "rows": _sheet_rows(list(page.object_list), first, end),
        "month": first, "post": post, "posts": Role.objects.all(),
        "prev": (first - timedelta(days=1)).replace(day=1), "next": end,
        "full_days": setting("staff.full_attendance_days"),
        "page_title": _("考勤汇总"),
    })


def _local_dt(day, text):
    if not text:
        return None
    try:
        return timezone.make_aware(datetime.combine(day, time.fromisoformat(text)))
    except ValueError as exc:
        raise UserError("bad_time", "时间格式不对：{text}", "Bad time: {text}", text=text) from exc


@access("staff.view_team")
def attendance_person(request, person_id):
    """One person's month: records, absences, out passes; corrections for those who may."""
    person = get_object_or_404(get_user_model(), pk=person_id)
    first = _month_of(request.GET.get("month"))
    if request.method == "POST":
        if not user_can(request.user, "staff.record_attendance"):
            return forbidden(request)
        try:
            day = date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            messages.error(request, _("请填写日期。"))
            return redirect(request.get_full_path())
        try:
            clock_out = _local_dt(day, request.POST.get("clock_out", ""))
            clock_in = _local_dt(day, request.POST.get("clock_in", ""))
            if clock_in and clock_out and clock_out < clock_in:  # past midnight (night shift)
                clock_out += timedelta(days=1)
            att_actions.correct_attendance(actor=request.user, person=person, day=day,
                                           clock_in=clock_in, clock_out=clock_out,
                                           reason=request.POST.get("reason", ""))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已补录 {person} {day} 的考勤。").format(
                person=person, day=day))
        return redirect(f"{request.path}?month={first:%Y-%m}")
    end = _month_end(first)
    passes = list(OutPass.objects.filter(person=person, start__gte=_aware(first),
                                         start__lt=_aware(end)).select_related("approved_by"))
    for out_pass in passes:
        out_pass.hours = att_actions.out_pass_hours(out_pass)
    return render(request, "staff/attendance/person.html", {
        "person": person, "month": first,
        "records": Attendance.objects.filter(person=person, day__gte=first, day__lt=end)
        .select_related("shift").order_by("day"),
        "absences": Absence.objects.filter(person=person, day__gte=first, day__lt=end),
        "passes": passes,
        "may_correct": user_can(request.user, "staff.record_attendance"),
        "page_title": _("{person} 的考勤").format(person=person),
    })


def _parse_leave(post):
    mode = post.get("mode", "day")
    try:
        if mode == "hour":
            day = date.fromisoformat(post.get("start_date", ""))
            start = timezone.make_aware(datetime.combine(
                day, time.fromisoformat(post.get("start_time", ""))))
            end = timezone.make_aware(datetime.combine(
                day, time.fromisoformat(post.get("end_time", ""))))
            return start, end
        start = date.fromisoformat(post.get("start_date", ""))
        end_text = post.get("end_date", "")
        return start, date.fromisoformat(end_text) if end_text else start
    except ValueError as exc:
        raise UserError("bad_date", "请正确填写请假日期和时间。",
                        "Fill in the dates and times of the leave.") from exc


@access(LOGIN)
def leave_list(request):
    user = request.user
    if request.method == "POST":
        try:
            start, end = _parse_leave(request.POST)
            leave_actions.request_leave(
                actor=user, kind=request.POST.get("kind", "personal"), start=start, end=end,
                reason=request.POST.get("reason", ""),
                emergency=bool(request.POST.get("emergency")))
        except UserError as exc:
            messages.error(request, user_message(exc))
            return render(request, "staff/attendance/leave_list.html",
                          _leave_context(request), status=400)
        messages.success(request, _("请假申请已提交，等待部门经理审批。"))
        return redirect("staff:leave_list")
    return render(request, "staff/attendance/leave_list.html", _leave_context(request))


def _leave_context(request):
    user = request.user
    context = {
        "mine": LeaveRequest.objects.filter(person=user).select_related("proposal")
        .order_by("-created_at")[:20],
        "kinds": LeaveRequest.Kind.choices, "form": request.POST if request.method == "POST"
        else {}, "notice_days": setting("staff.leave_notice_days"),
        "page_title": _("请假"),
    }
    if user_can(user, "staff.view_team"):
        team = LeaveRequest.objects.select_related("person", "proposal").order_by("-created_at")
        state = request.GET.get("state", "")
        if state in LeaveRequest.State.values:
            team = team.filter(state=state)
        context.update(team=Paginator(team, PER_PAGE).get_page(request.GET.get("page")),
                       states=LeaveRequest.State.choices, state=state)
    return context


@access(LOGIN)
@require_POST
def leave_withdraw(request, pk):
    leave = get_object_or_404(LeaveRequest.objects.select_related("proposal"), pk=pk,
                              person=request.user)
    try:
        leave_actions.withdraw_leave(actor=request.user, leave=leave)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已撤回请假申请。"))
    return redirect("staff:leave_list")


urlpatterns = [
    path("my-attendance/", my_attendance, name="my_attendance"),
    path("attendance-sheet/", attendance_sheet, name="attendance_sheet"),
    path("leave-list/", leave_list, name="leave_list"),
    path("attendance/<int:person_id>/", attendance_person, name="attendance_person"),
    path("leave/<int:pk>/withdraw/", leave_withdraw, name="leave_withdraw"),
]
