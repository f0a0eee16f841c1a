"""我的工作 (my work), the page everyone lands on: what waits for me — proposals to decide,
deadlines due or overdue (APR-3: overdue items visible to their owner), my own proposals
under approval, the newest notifications — and where my roles reach.

Each list shows its first few rows with a link to the full page; the number of queries
does not grow with the rows (tests/core/test_home.py checks it)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import LOGIN, access
from ..actions.deadlines import overdue_q
from ..models import Deadline, Notification, Proposal
from ..nav import nav_for
from ..notify import unread_count
from ..queries_approvals import waiting_ids
from .approvals import _decorate as decorate_proposal
from .deadlines import _annotate as annotate_deadlines
from .deadlines import _open_q as open_deadline_q

SHOWN = 10  # rows per list on this page; the full lists are one click away
NOTIFICATIONS_SHOWN = 5


def greeting(now) -> str:
    hour = timezone.localtime(now).hour
    if hour < 5:
        return _("夜深了")
    if hour < 12:
        return _("早上好")
    if hour < 14:
        return _("中午好")
    if hour < 18:
        return _("下午好")
    return _("晚上好")


def _waiting(user):
    """(count, first rows) of the 待我审批 queue, oldest first like the queue page."""
    ids = waiting_ids(user)
    rows = (Proposal.objects.filter(pk__in=ids).select_related("proposer")
            .order_by("submitted_at", "created_at", "id")[:SHOWN])
    return len(ids), [decorate_proposal(p) for p in rows]


def _mine_pending(user):
    mine = Proposal.objects.filter(proposer=user, state=Proposal.State.PENDING)
    rows = mine.select_related("proposer").order_by("-submitted_at", "-id")[:SHOWN]
    return mine.count(), [decorate_proposal(p) for p in rows]


def _deadlines(user, now):
    """Open deadlines due soonest first, so overdue ones lead; how many, how many overdue."""
    mine = Deadline.objects.filter(owner=user)
    rows = list(mine.filter(open_deadline_q()).order_by("due_at", "id")[:SHOWN])
    return (mine.filter(open_deadline_q()).count(), mine.filter(overdue_q(now)).count(),
            annotate_deadlines(rows, now))


@access(LOGIN)
def home(request):
    user, now = request.user, timezone.now()
    assignments = [a for a in user.role_assignments.select_related("role") if a.is_active_at(now)]
    waiting_count, waiting_rows = _waiting(user)
    mine_count, mine_rows = _mine_pending(user)
    open_count, overdue_count, deadline_rows = _deadlines(user, now)
    links = {
        section: [item for item in items if item["name"] != "core:home"]
        for section, items in nav_for(user).items()
    }
    return render(request, "core/home.html", {
        "greeting": greeting(now),
        "assignments": assignments,
        "unread": unread_count(user),
        "waiting": waiting_count,
        "waiting_rows": waiting_rows,
        "mine_pending": mine_count,
        "mine_rows": mine_rows,
        "overdue": overdue_count,
        "open_deadlines": open_count,
        "deadline_rows": deadline_rows,
        "notifications": Notification.objects.filter(recipient=user)[:NOTIFICATIONS_SHOWN],
        "shown": SHOWN,
        "links": {section: items for section, items in links.items() if items},
        "page_title": _("我的工作"),
    })
