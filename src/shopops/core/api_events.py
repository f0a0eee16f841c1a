"""Event log API (ROLE-4), mounted at /api/v1/events. Read-only."""

from datetime import date, datetime

from django.core.paginator import Paginator
from ninja import Query, Router, Schema

from .api_access import api_access
from .errors import UserError
from .models import Event
from .templatetags.shopops import object_url, verb_label
from .views.events import EventFilters

router = Router()
MAX_PAGE_SIZE = 200


class EventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    verb: str
    verb_label: str
    object_type: str
    object_id: str
    object_repr: str
    object_url: str
    summary: str
    changes: dict
    data: dict


class EventPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[EventOut]


class EventQuery(Schema):
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    verb: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    page_size: int = 50


def _out(ev: Event) -> dict:
    return {
        "id": ev.pk, "at": ev.at, "actor_id": ev.actor_id, "actor_name": ev.actor_name,
        "verb": ev.verb, "verb_label": verb_label(ev.verb), "object_type": ev.object_type,
        "object_id": ev.object_id, "object_repr": ev.object_repr,
        "object_url": object_url(ev.object_type, ev.object_id), "summary": ev.summary,
        "changes": ev.changes, "data": ev.data,
    }


@router.get("", response=EventPage, summary="事件日志 / event log")
@api_access("core.view_events")
def list_events(request, filters: Query[EventQuery]):
    if not 1 <= filters.page_size <= MAX_PAGE_SIZE:
        raise UserError("bad_page_size", "每页条数应在 1 到 {max} 之间。",
                        "page_size must be between 1 and {max}.", max=MAX_PAGE_SIZE)
    found = EventFilters(
        actor=filters.actor.strip(), object_type=filters.object_type.strip(),
        object_id=filters.object_id.strip(), verb=filters.verb.strip(), q=filters.q.strip(),
        date_from=filters.date_from, date_to=filters.date_to,
    ).apply(Event.objects.all())
    paginator = Paginator(found, filters.page_size)
    page = paginator.get_page(filters.page)
    return {
        "count": paginator.count, "page": page.number, "pages": paginator.num_pages,
        "page_size": filters.page_size, "items": [_out(ev) for ev in page.object_list],
    }


@router.get("/object/{object_type}/{object_id}", response=list[EventOut],
            summary="对象的操作记录 / one object's history")
@api_access("core.view_events")
def object_history(request, object_type: str, object_id: str, limit: int = 200):
    limit = max(1, min(limit, 1000))
    events = Event.objects.filter(object_type=object_type, object_id=object_id)[:limit]
    return [_out(ev) for ev in events]
