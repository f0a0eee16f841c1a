"""Meeting and training pages (HR-5): the list (upcoming / past) with scheduling, one
meeting (roll call, minutes, training results), and a person's own meetings."""

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import Role
from shopops.core.access import LOGIN, access, forbidden, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from .actions import meetings as actions
from .models import Meeting, MeetingAttendee, TrainingResult

PER_PAGE = 50
A = MeetingAttendee.Status


def _counted(meetings):
    return meetings.select_related("host").annotate(
        n_invited=Count("attendees"),
        n_present=Count("attendees", filter=Q(attendees__status=A.PRESENT)),
        n_absent=Count("attendees", filter=Q(attendees__status=A.ABSENT)),
        n_excused=Count("attendees", filter=Q(attendees__status=A.EXCUSED)))


def _ints(values):
    return [int(v) for v in values if str(v).isdigit()]


@access("staff.view_team")
def meeting_list(request):
    now = timezone.now()
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    kind = request.GET.get("kind", "")
    meetings = Meeting.objects.all()
    if kind in Meeting.Kind.values:
        meetings = meetings.filter(kind=kind)
    if when == "past":
        meetings = meetings.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    else:
        meetings = meetings.filter(starts_at__gte=now).order_by("starts_at", "pk")
    page = Paginator(_counted(meetings), PER_PAGE).get_page(request.GET.get("page"))
    may = actions.can_manage(request.user)
    return render(request, "staff/meetings/list.html", {
        "page": page, "when": when, "kind": kind, "kinds": Meeting.Kind.choices, "may": may,
        "posts": Role.objects.order_by("sort_order", "code") if may else (),
        "people": get_user_model().objects.filter(is_active=True).order_by("username")
        if may else (),
        "today": timezone.localdate(), "page_title": _("会议培训"),
    })


def _parse_start(text):
    try:
        return timezone.make_aware(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return None


@require_POST
@access("staff.manage_roster")
def meeting_new(request):
    post = request.POST
    host_ids = _ints([post.get("host", "")])
    host = get_user_model().objects.filter(pk=host_ids[0]).first() if host_ids else None
    try:
        meeting = actions.schedule_meeting(
            actor=request.user, kind=post.get("kind", ""), title=post.get("title", ""),
            starts_at=_parse_start(post.get("starts_at", "")), place=post.get("place", ""),
            host=host,
            people=_ints(post.getlist("people")), posts=post.getlist("posts"))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("staff:meeting_list")
    messages.success(request, _("已安排「{title}」。").format(title=meeting.title))
    return redirect("staff:meeting_detail", pk=meeting.pk)


@require_POST
@access("staff.manage_roster")
def morning_meetings_new(request):
    try:
        first = date.fromisoformat(request.POST.get("first", ""))
        last = date.fromisoformat(request.POST.get("last", ""))
    except ValueError:
        messages.error(request, _("请填写开始和结束日期。"))
        return redirect("staff:meeting_list")
    try:
        created = actions.schedule_morning_meetings(actor=request.user, first=first, last=last)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已安排晨会 {n} 场（仅工作日、有人上班的日子）。").format(
            n=len(created)))
    return redirect("staff:meeting_list")


@access(LOGIN)
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("host", "created_by"), pk=pk)
    user = request.user
    attendees = list(meeting.attendees.select_related("person", "noted_by")
                     .order_by("person__username"))
    mine = next((a for a in attendees if a.person_id == user.pk), None)
    may = actions.can_manage(user)
    if not (mine or may or meeting.host_id == user.pk or user_can(user, "staff.view_team")):
        raise Http404
    if request.method == "POST":
        allowed = may or (request.POST.get("action") == "minutes"
                          and meeting.host_id == user.pk)
        return _detail_post(request, meeting) if allowed else forbidden(request)
    results = {r.person_id: r for r in TrainingResult.objects.filter(meeting=meeting)}
    for row in attendees:
        row.result = results.get(row.person_id)
    return render(request, "staff/meetings/detail.html", {
        "meeting": meeting, "attendees": attendees, "mine": mine, "may": may,
        "may_minutes": may or meeting.host_id == user.pk,
        "started": meeting.starts_at <= timezone.now(),
        "training": meeting.kind == Meeting.Kind.TRAINING,
        "page_title": meeting.title,
    })


def _detail_post(request, meeting):
    action = request.POST.get("action", "")
    try:
        if action == "attendance":
            counts = actions.take_attendance(actor=request.user, meeting=meeting,
                                             present=_ints(request.POST.getlist("present")))
            messages.success(request, _("点名完成：出席 {present} 人，请假 {excused} 人，"
                                        "缺席 {absent} 人。").format(**counts))
        elif action == "minutes":
            actions.record_minutes(actor=request.user, meeting=meeting,
                                   minutes=request.POST.get("minutes", ""))
            messages.success(request, _("已保存会议纪要。"))
        elif action == "results":
            rows = [{"person": pk, "score": request.POST.get(f"score_{pk}", "").strip(),
                     "note": request.POST.get(f"note_{pk}", "")}
                    for pk in _ints(request.POST.getlist("person"))]
            saved = actions.record_training_results(
                actor=request.user, meeting=meeting, results=[r for r in rows if r["score"]])
            messages.success(request, _("已登记 {n} 人的培训成绩。").format(n=len(saved)))
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect("staff:meeting_detail", pk=meeting.pk)


@access(LOGIN)
def my_meetings(request):
    rows = (MeetingAttendee.objects.filter(person=request.user)
            .select_related("meeting", "meeting__host").order_by("-meeting__starts_at"))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    results = {r.meeting_id: r for r in TrainingResult.objects.filter(
        person=request.user, meeting_id__in=[a.meeting_id for a in page.object_list])}
    for row in page.object_list:
        row.result = results.get(row.meeting_id)
    return render(request, "staff/meetings/mine.html", {
        "page": page, "now": timezone.now(), "page_title": _("我的会议"),
    })


urlpatterns = [
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/morning/", morning_meetings_new, name="morning_meetings_new"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("my-meetings/", my_meetings, name="my_meetings"),
]
