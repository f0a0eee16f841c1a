"""/api/v1/notifications — the signed-in person's inbox."""

from datetime import datetime

from ninja import Query, Router, Schema

from .access import LOGIN
from .actions import notifications
from .api_access import api_access
from .notify import unread_count

router = Router()


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    category: str
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj):
        return obj.read_at is None


class NotificationPage(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class ListFilters(Schema):
    unread: bool = False
    limit: int = 50
    offset: int = 0


class CountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class ReadOut(Schema):
    id: int
    read_at: datetime
    changed: bool


@router.get("", response=NotificationPage, summary="我的通知 / my notifications")
@api_access(LOGIN)
def list_notifications(request, filters: Query[ListFilters]):
    rows = notifications.inbox_for(request.user, unread_only=filters.unread)
    limit = min(max(filters.limit, 1), 200)
    offset = max(filters.offset, 0)
    return {
        "count": rows.count(),
        "unread": unread_count(request.user),
        "items": list(rows[offset:offset + limit]),
    }


@router.get("/count", response=CountOut, summary="未读数 / unread count")
@api_access(LOGIN)
def count_unread(request):
    return {"unread": unread_count(request.user)}


@router.post("/{int:notification_id}/read", response=ReadOut, summary="标为已读 / mark read")
@api_access(LOGIN)
def read_notification(request, notification_id: int):
    note = notifications.get_own(actor=request.user, pk=notification_id)
    changed = notifications.mark_read(actor=request.user, notification=note)
    return {"id": note.pk, "read_at": note.read_at, "changed": changed}


@router.post("/read-all", response=MarkedOut, summary="全部标为已读 / mark all read")
@api_access(LOGIN)
def read_all(request):
    return {"marked": notifications.mark_all_read(actor=request.user)}
