"""Roster, working calendar and shift pages (HR-1, HR-2). Thin: each POST calls one action."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import Role, User
from shopops.core.access import LOGIN, access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.registry import setting

from . import calendar, queries_roster
from .actions import calendar as calendar_actions
from .actions import roster as roster_actions
from .models import CalendarOverride, DutyAssignment, RosterEntry, Shift

PAGE_SIZE = 50


def _month(text) -> date:
    try:
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _day(text) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _people(post):
    people = User.objects.filter(is_active=True, role_assignments__isnull=False)
    if post:
        people = people.filter(role_assignments__role__code=post)
    return people.distinct().order_by("pk")


def _shifts():
    """Active shifts with a two-character label that fits a day cell of the grid."""
    shifts = list(Shift.objects.filter(active=True))
    for shift in shifts:
        shift.short = shift.name.removeprefix("客服")[:2]
    return shifts


def _roster_url(month, post, page=None):
    query = f"?month={month:%Y-%m}" + (f"&post={post}" if post else "")
    return reverse("staff:roster") + query + (f"&page={page}" if page else "")


@access("staff.view_team")
def roster(request):
    """The month grid: a select per cell for planners, read-only for the others."""
    month = _month(request.GET.get("month"))
    posts = Role.objects.filter(assignments__isnull=False).distinct().order_by("sort_order")
    post = request.GET.get("post", "")
    if post and not posts.filter(code=post).exists():
        post = ""
    page = Paginator(_people(post), PAGE_SIZE).get_page(request.GET.get("page"))
    grid = queries_roster.month_grid(month, page.object_list)
    first, last = grid["first"], grid["last"]
    cover = queries_roster.coverage(first, last, posts=[post] if post else None)
    shifts = _shifts()
    fill_shift = next((s for s in shifts if post and post in s.posts), None)
    return render(request, "staff/roster/roster.html", {
        "fill_shift": fill_shift,
        "grid": grid, "page": page, "month": month, "post": post, "posts": posts,
        "shifts": shifts, "coverage": cover, "duties": queries_roster.duties(first, last),
        "duty_kinds": DutyAssignment.Kind.choices, "covered": calendar.covered(month.year),
        "prev_month": (first.replace(day=1) - timedelta(days=1)).replace(day=1),
        "next_month": (last + timedelta(days=1)),
        "can_manage": user_can(request.user, "staff.manage_roster"),
        "full_attendance_days": setting("staff.full_attendance_days"),
        "page_title": _("排班")})


@access("staff.manage_roster")
@require_POST
def roster_set(request):
    """One cell: htmx swaps the answer in place; without htmx back to the month."""
    person = get_object_or_404(User, pk=request.POST.get("person") or 0)
    day = _day(request.POST.get("day"))
    if day is None:
        return HttpResponseBadRequest(_("日期无效"))
    code = request.POST.get("shift", "")
    shift = get_object_or_404(Shift, code=code) if code else None
    error = ""
    try:
        entry = roster_actions.set_shift(actor=request.user, person=person, day=day, shift=shift)
    except UserError as exc:
        error = user_message(exc)
        entry = RosterEntry.objects.filter(person=person, day=day).select_related("shift").first()
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers, so a refusal comes back as the unchanged cell + note.
        return render(request, "staff/roster/_cell.html", {
            "cell": {"day": day, "entry": entry, "shift": entry.shift if entry else None},
            "person": person, "shifts": _shifts(), "can_manage": True,
            "error": error})
    if error:
        messages.error(request, error)
    return redirect(_roster_url(day, request.POST.get("post", "")))


@access("staff.manage_roster")
@require_POST
def roster_fill(request):
    """Fill the month for the people of the chosen post: by the calendar, or as a
    customer-service rest rota (mode=rota)."""
    month = _month(request.POST.get("month"))
    post = request.POST.get("post", "")
    first, last = queries_roster.month_bounds(month)
    shift = Shift.objects.filter(code=request.POST.get("shift", ""), active=True).first()
    people = list(_people(post))
    try:
        if shift is None:
            raise UserError("shift_missing", "请选择班次", "Choose a shift")
        if request.POST.get("mode") == "rota":
            rest = int(request.POST.get("rest_per_week") or 2)
            roster_actions.rota_rest(actor=request.user, people=people, first=first, last=last,
                                     shift=shift, rest_per_week=rest)
        else:
            roster_actions.fill_roster(actor=request.user, people=people, first=first,
                                       last=last, shift=shift)
    except ValueError:
        messages.error(request, _("每周休息天数无效"))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已为 {n} 人排好 {month} 的班。").format(
            n=len(people), month=f"{month:%Y-%m}"))
    return redirect(_roster_url(month, post))


@access("staff.manage_roster")
@require_POST
def roster_duty(request):
    """值班 / 值日: add one person to a day, remove them, or rotate the month."""
    month = _month(request.POST.get("month"))
    post = request.POST.get("post", "")
    kind = request.POST.get("kind", "")
    op = request.POST.get("op", "assign")
    try:
        if op == "rotate":
            first, last = queries_roster.month_bounds(month)
            roster_actions.rotate_duty(actor=request.user, kind=kind, people=list(_people(post)),
                                       first=first, last=last)
        else:
            person = User.objects.filter(pk=request.POST.get("person") or 0).first()
            day = _day(request.POST.get("day"))
            if person is None or day is None:
                raise UserError("duty_input", "请选择日期和员工", "Choose a day and a person")
            act = roster_actions.clear_duty if op == "clear" else roster_actions.assign_duty
            act(actor=request.user, day=day, kind=kind, person=person)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("值班/值日已更新。"))
    return redirect(_roster_url(month, post) + "#duties")


@access(LOGIN)
def calendar_page(request):
    """The year's holidays and make-up working days; overrides for the planners."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2001), 2100)
    return render(request, "staff/roster/calendar.html", {
        "year": year, "rows": calendar.year_specials(year), "covered": calendar.covered(year),
        "overrides": CalendarOverride.objects.filter(day__year=year).select_related(
            "created_by"),
        "kinds": CalendarOverride.Kind.choices,
        "can_manage": user_can(request.user, "staff.manage_calendar"),
        "page_title": _("工作日历")})


@access("staff.manage_calendar")
@require_POST
def calendar_override(request):
    day = _day(request.POST.get("day"))
    year = day.year if day else timezone.localdate().year
    try:
        if day is None:
            raise UserError("override_day", "请填写日期", "Enter a day")
        if request.POST.get("op") == "delete":
            calendar_actions.delete_override(actor=request.user, day=day)
            messages.success(request, _("已取消 {day} 的调整。").format(day=day))
        else:
            calendar_actions.save_override(actor=request.user, day=day,
                                           kind=request.POST.get("kind", ""),
                                           name=request.POST.get("name", "").strip())
            messages.success(request, _("已保存 {day} 的调整。").format(day=day))
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect(reverse("staff:calendar") + f"?year={year}")


def _time(text):
    try:
        return datetime.strptime(text or "", "%H:%M").time()
    except ValueError:
        return None


@access(LOGIN)
def shift_list(request):
    """The shifts (HR-1); planners of the calendar edit them here."""
    editing = Shift.objects.filter(code=request.GET.get("code", "")).first()
    return render(request, "staff/roster/shift_list.html", {
        "shifts": Shift.objects.all(), "editing": editing,
        "roles": Role.objects.order_by("sort_order", "code"),
        "can_manage": user_can(request.user, "staff.manage_calendar"),
        "full_attendance_days": setting("staff.full_attendance_days"),
        "page_title": _("班次")})


@access("staff.manage_calendar")
@require_POST
def shift_save(request):
    data = request.POST
    start, end = _time(data.get("start")), _time(data.get("end"))
    try:
        if start is None or end is None:
            raise UserError("shift_time_format", "时间格式应为 HH:MM", "Times are HH:MM")
        try:
            break_minutes = int(data.get("break_minutes") or 0)
        except ValueError:
            raise UserError("shift_break_format", "休息时间应为整数分钟",
                            "The break is a whole number of minutes") from None
        shift = calendar_actions.save_shift(
            actor=request.user, code=data.get("code", ""), name=data.get("name", ""),
            start=start, end=end, break_minutes=break_minutes, posts=data.getlist("posts"),
            active=data.get("active") == "on")
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect(reverse("staff:shift_list") + f"?code={data.get('code', '')}")
    messages.success(request, _("已保存班次 {name}。").format(name=shift.name))
    return redirect("staff:shift_list")


urlpatterns = [
    path("roster/", roster, name="roster"),
    path("roster/set/", roster_set, name="roster_set"),
    path("roster/fill/", roster_fill, name="roster_fill"),
    path("roster/duty/", roster_duty, name="roster_duty"),
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/override/", calendar_override, name="calendar_override"),
    path("shifts/", shift_list, name="shift_list"),
    path("shifts/save/", shift_save, name="shift_save"),
]
