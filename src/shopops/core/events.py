"""Recording business events (ROLE-4). Actions call `record`; nothing else writes events."""

from datetime import date, datetime
from decimal import Decimal

from django.utils.functional import Promise

from .models import Event
from .realtime import publish_event


def _plain(value):
    if isinstance(value, Promise):  # a lazily translated label: store the text
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


plain = _plain  # JSON-safe copy of a value (dates, Decimals, rows, lazy labels)


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value differs."""
    out = {}
    for key in sorted(set(before) | set(after)):
        b, a = _plain(before.get(key)), _plain(after.get(key))
        if b != a:
            out[key] = [b, a]
    return out


def actor_label(actor) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_name", "") or actor.get_username()


def record(
    *,
    actor,
    verb: str,
    obj=None,
    summary: str = "",
    changes: dict | None = None,
    data: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> Event:
    """Append one event. `actor` is the person acting (a staff user, or a
    core.actors.CustomerActor in the shop), or None for the system itself."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    if getattr(actor, "is_customer", False):  # core.actors.CustomerActor: say which customer
        data = {**(data or {}), "customer": actor.customer_id}
    event = Event.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_label(actor)[:100],
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        summary=summary[:500],
        changes=_plain(changes or {}),
        data=_plain(data or {}),
    )
    publish_event(event)
    return event


def record_many(*, actor, object_type: str, entries: list[dict], batch_size: int = 1000):
    """`record` for many objects of one type in one bulk INSERT (bulk imports). Each entry:
    {verb, object_id, object_repr, summary, changes, data}."""
    from django.utils import timezone

    now = timezone.now()
    actor_id = actor.pk if actor is not None and actor.pk else None
    name = actor_label(actor)[:100]
    events = Event.objects.bulk_create([
        Event(at=now, actor_id=actor_id, actor_name=name, verb=e["verb"],
              object_type=object_type, object_id=str(e["object_id"]),
              object_repr=e.get("object_repr", "")[:200], summary=e.get("summary", "")[:500],
              changes=_plain(e.get("changes") or {}), data=_plain(e.get("data") or {}))
        for e in entries], batch_size=batch_size)
    if events:
        publish_event(events[-1])  # one message: the page reloads its rows anyway
    return events


def history(obj, limit: int = 200):
    """An object's events, newest first."""
    return Event.objects.for_object(obj).select_related("actor")[:limit]
