"""Deadline pages (APR-3): 我的时限 for everybody, 全部时限 for supervisors.

Overdue items show in the owner's queue and in their supervisor's (User.supervisor):
"我的时限" has a section for the overdue items of one's reports.
"""

from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from shopops.accounts.models import User

from ..access import LOGIN, access
from ..actions.deadlines import overdue_q
from ..models import Deadline

S = Deadline.State
PAGE_SIZE = 50
RECENT_DAYS = 7  # how far back "recently finished" looks; a display choice, not a rule
REPORTS_SHOWN = 100


def duration_zh(delta: timedelta) -> str:
    """A coarse human duration: "8 分钟", "2 小时 5 分钟", "3 天 4 小时"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 1:
        return "不到 1 分钟"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} 天" + (f" {hours} 小时" if hours else "")
    if hours:
        return f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "")
    return f"{minutes} 分钟"


def timing(deadline, now) -> tuple[str, str]:
    """(text, tag class) of where a deadline stands."""
    if deadline.state == S.MET:
        return "按时完成", "ok"
    if deadline.state == S.CANCELLED:
        return "已取消", "grey"
    if deadline.state == S.FIRED and deadline.closed_at:
        return f"超时 {duration_zh(deadline.closed_at - deadline.due_at)} 后关闭", "grey"
    if deadline.due_at <= now:
        return f"已超时 {duration_zh(now - deadline.due_at)}", "bad"
    return f"剩余 {duration_zh(deadline.due_at - now)}", "warn" if deadline.due_at - now < timedelta(
        hours=1) else ""


def _annotate(rows, now):
    for deadline in rows:
        deadline.timing_text, deadline.timing_class = timing(deadline, now)
        deadline.overdue = deadline.timing_class == "bad"
    return rows


def _open_q():
    return Q(state=S.PENDING) | Q(state=S.FIRED, closed_at__isnull=True)


@access(LOGIN)
@require_GET
def my_deadlines(request):
    now = timezone.now()
    user = request.user
    mine = Deadline.objects.filter(owner=user).filter(_open_q()).order_by("due_at", "id")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    reports = list(
        Deadline.objects.filter(owner__supervisor=user).filter(overdue_q(now))
        .select_related("owner").order_by("due_at", "id")[:REPORTS_SHOWN]
    )
    recent = list(
        Deadline.objects.filter(owner=user, closed_at__gte=now - timedelta(days=RECENT_DAYS))
        .order_by("-closed_at", "-id")[:PAGE_SIZE]
    )
    return render(request, "core/deadlines/mine.html", {
        "page": page, "rows": _annotate(page.object_list, now),
        "reports": _annotate(reports, now), "reports_cap": REPORTS_SHOWN,
        "recent": _annotate(recent, now), "recent_days": RECENT_DAYS,
        "overdue_count": Deadline.objects.filter(owner=user).filter(overdue_q(now)).count(),
        "page_title": _("我的时限"),
    })


STATE_FILTERS = {  # gettext_noop: the template translates the labels
    "open": (gettext_noop("未关闭"), _open_q),
    "overdue": (gettext_noop("已超时未关闭"), overdue_q),
    "pending": (gettext_noop("进行中"), lambda: Q(state=S.PENDING)),
    "fired": (gettext_noop("已超时（全部）"), lambda: Q(state=S.FIRED)),
    "met": (gettext_noop("已按时完成"), lambda: Q(state=S.MET)),
    "cancelled": (gettext_noop("已取消"), lambda: Q(state=S.CANCELLED)),
    "all": (gettext_noop("全部"), Q),
}


@access("core.view_all_deadlines")
@require_GET
def all_deadlines(request):
    now = timezone.now()
    state = request.GET.get("state") or "open"
    if state not in STATE_FILTERS:
        state = "open"
    rows = Deadline.objects.filter(STATE_FILTERS[state][1]()).select_related("owner")
    owner = request.GET.get("owner", "")
    if owner.isdigit():
        rows = rows.filter(owner_id=int(owner))
    elif owner == "none":
        rows = rows.filter(owner__isnull=True)
    rule = request.GET.get("rule", "").strip()
    if rule:
        rows = rows.filter(rule=rule)
    reports_only = request.GET.get("reports") == "1"
    if reports_only:
        rows = rows.filter(owner__supervisor=request.user)
    newest_first = state in ("met", "cancelled", "fired", "all")
    rows = rows.order_by("-due_at", "-id") if newest_first else rows.order_by("due_at", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/deadlines/all.html", {
        "page": page, "rows": _annotate(page.object_list, now),
        "states": [(code, label) for code, (label, _) in STATE_FILTERS.items()],
        "state": state, "owner": owner, "rule": rule, "reports_only": reports_only,
        "owners": User.objects.filter(is_active=True).order_by("username").only(
            "pk", "username", "display_name"),
        "rules": Deadline.objects.exclude(rule="").order_by("rule").values_list(
            "rule", flat=True).distinct(),
        "page_title": _("全部时限"),
    })
