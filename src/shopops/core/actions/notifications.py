"""A person's own inbox state. Read/unread is personal, not business data, so these
record no event; they only ever touch the actor's own messages."""

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from ..errors import NotFoundError
from ..models import Notification


def _not_found():
    return NotFoundError("notification_not_found", "没有这条通知。", "No such notification.")


def inbox_for(user, *, unread_only=False):
    """The person's messages, unread first, newest first (index notif_inbox_idx)."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        return rows.filter(read_at__isnull=True).order_by("-created_at", "-id")
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return rows.order_by(unread.desc(), "-created_at", "-id")


def get_own(*, actor, pk) -> Notification:
    """The actor's notification `pk`; someone else's is reported as missing."""
    try:
        return Notification.objects.get(pk=pk, recipient=actor)
    except Notification.DoesNotExist:
        raise _not_found() from None


def mark_read(*, actor, notification: Notification) -> bool:
    """Returns True when it was unread until now."""
    if notification.recipient_id != actor.pk:
        raise _not_found()
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now)
    if changed:
        notification.read_at = now
    return bool(changed)


def mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now())
