"""The event log (事件日志, ROLE-4): who did what to which object, before and after.

Read-only. The filters are shared with the API (core.api_events)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import access
from ..models import Event
from ..templatetags.shopops import VERBS, object_type_label, object_url, verb_label

PAGE_SIZE = 50


@dataclass
class EventFilters:
    # A user's pk, "system" for what the system did, or part of a name (kept on the event,
    # so it still finds people whose account is gone).
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    verb: str = ""  # a whole verb or its beginning ("proposal." → every proposal event)
    q: str = ""  # free text in summary and object
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, events):
        if self.actor == "system":
            events = events.filter(actor__isnull=True)
        elif self.actor.isdigit():
            events = events.filter(actor_id=int(self.actor))
        elif self.actor:
            events = events.filter(actor_name__icontains=self.actor)
        if self.object_type:
            events = events.filter(object_type=self.object_type)
        if self.object_id:
            events = events.filter(object_id=self.object_id)
        if self.verb:
            events = events.filter(verb__startswith=self.verb)
        if self.q:
            events = events.filter(Q(summary__icontains=self.q) | Q(object_repr__icontains=self.q))
        # Days are business days in the configured zone (Asia/Shanghai), not UTC days.
        if self.date_from:
            events = events.filter(at__gte=_start_of(self.date_from))
        if self.date_to:
            events = events.filter(at__lt=_start_of(self.date_to + timedelta(days=1)))
        return events


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def parse_day(text: str) -> date:
    """YYYY-MM-DD or raise ValueError."""
    return date.fromisoformat(text.strip())


def filters_from(params) -> tuple[EventFilters, list[str]]:
    """EventFilters from query parameters, and the Chinese messages for what was ignored."""
    problems = []
    found = EventFilters(
        actor=params.get("actor", "").strip(),
        object_type=params.get("object_type", "").strip(),
        object_id=params.get("object_id", "").strip(),
        verb=params.get("verb", "").strip(),
        q=params.get("q", "").strip(),
    )
    for name, label in (("date_from", "开始日期"), ("date_to", "结束日期")):
        text = params.get(name, "").strip()
        if not text:
            continue
        try:
            setattr(found, name, parse_day(text))
        except ValueError:
            problems.append(f"{label}「{text}」不是有效日期（应为 年-月-日），已忽略。"
                            f" (Invalid date ignored.)")
    return found, problems


def rows(events):
    """Display data for a page of events (no queries beyond the events themselves)."""
    return [
        {
            "ev": ev,
            "verb_label": verb_label(ev.verb),
            "object_url": object_url(ev.object_type, ev.object_id),
            "type_label": object_type_label(ev.object_type) if ev.object_type else "",
        }
        for ev in events
    ]


@access("core.view_events")
def event_list(request):
    filters, problems = filters_from(request.GET)
    for problem in problems:
        messages.warning(request, problem)
    # Event.Meta.ordering is newest first; the (at) and (verb, at) indexes serve it.
    events = filters.apply(Event.objects.all())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    people = get_user_model().objects.order_by("username").only("pk", "username", "display_name")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/events/list.html", {
        "page": page,
        "rows": rows(page.object_list),
        "filters": filters,
        "people": people,
        "known_verbs": sorted(VERBS.items()),
        "query": query.urlencode(),
        "page_title": _("事件日志"),
    })
