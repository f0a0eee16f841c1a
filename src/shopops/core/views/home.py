"""The workbench (工作台) everyone lands on: what waits for me, and where my roles reach."""

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from ..access import LOGIN, access
from ..actions.approvals import waiting_for
from ..models import Deadline, Notification, Proposal
from ..nav import nav_for
from ..notify import unread_count


def greeting(now) -> str:
    hour = timezone.localtime(now).hour
    if hour < 5:
        return "夜深了"
    if hour < 12:
        return "早上好"
    if hour < 14:
        return "中午好"
    if hour < 18:
        return "下午好"
    return "晚上好"


def overdue_deadlines(user, now):
    return Deadline.objects.filter(owner=user).filter(
        Q(state=Deadline.State.FIRED) | Q(state=Deadline.State.PENDING, due_at__lte=now))


@access(LOGIN)
def home(request):
    user, now = request.user, timezone.now()
    assignments = [a for a in user.role_assignments.select_related("role") if a.is_active_at(now)]
    sections = nav_for(user)
    links = {
        section: [item for item in items if item["name"] != "core:home"]
        for section, items in sections.items()
    }
    return render(request, "core/home.html", {
        "greeting": greeting(now),
        "assignments": assignments,
        "unread": unread_count(user),
        "waiting": len(waiting_for(user)),
        "mine_pending": Proposal.objects.filter(proposer=user, state=Proposal.State.PENDING).count(),
        "overdue": overdue_deadlines(user, now).count(),
        "notifications": Notification.objects.filter(recipient=user)[:5],
        "links": {section: items for section, items in links.items() if items},
        "page_title": "工作台",
    })
