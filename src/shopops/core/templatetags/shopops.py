"""Presentation helpers shared by every page: event verbs and objects in Chinese, change
lists (before → after), object histories and money.

    {% load shopops %}
    {% object_history proposal %}              the object's audit trail (ROLE-4)
    {% show_changes event %}                   before → after of one event
    {{ order.total_fen|money }}                ¥1,234.50

Domains register how their events read and where their objects live:

    register_verbs({"order.reviewed": "审单通过"})
    register_object_url("orders.order", "orders:order_detail")
"""

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

register = template.Library()

from shopops.core.event_labels import (  # noqa: E402,F401  (re-exported for callers)
    VERBS,
    _model,
    object_type_label,
    object_url,
    register_object_url,
    register_verbs,
    verb_label,
)


def field_label(object_type: str, name: str) -> str:
    if object_type == "core.setting":
        from shopops.core.registry import REGISTRY

        definition = REGISTRY.get(name)
        return definition.label if definition else name
    model = _model(object_type)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 — any lookup failure means "no label"
            pass
    return name


def plain_value(value) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (list, tuple)):
        return "、".join(plain_value(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(
            value) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def change_rows(changes, object_type: str = ""):
    """[(label, before, after)] from {field: [before, after]}; malformed entries shown as is."""
    rows = []
    for name, pair in (changes or {}).items():
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            before, after = pair
        else:
            before, after = None, pair
        labels = _choice_labels(object_type, name)
        rows.append((field_label(object_type, name), plain_value(_shown(labels, before)),
                     plain_value(_shown(labels, after))))
    return rows


def _shown(labels: dict, value):
    return labels.get(value, value) if isinstance(value, (str, int)) else value


def _choice_labels(object_type: str, name: str) -> dict:
    """{stored value: label} when the field has choices ("paid" → 已付款), else {}."""
    model = _model(object_type)
    if model is None:
        return {}
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — not a model field (e.g. "roles")
        return {}
    return {value: str(label) for value, label in getattr(field, "flatchoices", ()) or ()}


@register.filter
def verb_zh(verb):
    return verb_label(str(verb))


@register.simple_tag
def event_object_url(event):
    return object_url(event.object_type, event.object_id)


@register.simple_tag
def show_changes(event_or_changes, object_type=""):
    """Render before → after. Accepts an Event (field labels from its model) or a dict."""
    changes = event_or_changes
    if hasattr(event_or_changes, "changes"):
        changes = event_or_changes.changes
        object_type = object_type or event_or_changes.object_type
    rows = change_rows(changes, object_type)
    if not rows:
        return ""
    items = format_html_join(
        "", "<li><span class=\"field\">{}</span>：<del>{}</del> → <ins>{}</ins></li>", rows
    )
    return format_html("<ul class=\"changes\">{}</ul>", items)


@register.filter
def money(fen):
    """Integer fen → ¥1,234.50 (exact integer arithmetic, never float)."""
    if fen is None or fen == "":
        return ""
    try:
        exact = Decimal(str(fen))
    except (InvalidOperation, TypeError, ValueError):
        return fen
    if not exact.is_finite() or exact != exact.to_integral_value():
        return fen  # not a whole number of fen: show it as is rather than silently round
    fen = int(exact)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


@register.inclusion_tag("core/includes/history.html")
def object_history(obj, limit=50):
    """The audit trail of one object (ROLE-4), newest first; one query."""
    from shopops.core.events import history

    events = list(history(obj, limit=limit)) if obj is not None and obj.pk else []
    return {"history_events": events, "history_limit": limit}


@register.inclusion_tag("core/includes/history.html")
def history_for(object_type, object_id, limit=50):
    """Like object_history, for things that are not model rows (e.g. a setting key)."""
    from shopops.core.models import Event

    events = list(Event.objects.filter(object_type=object_type, object_id=str(object_id))
                  .select_related("actor")[:limit])
    return {"history_events": events, "history_limit": limit}
