"""Tracking (FUL-6): a parcel's journey recorded from couriers (adapter poll, webhook) or
imported files; delivery moves its orders to 已签收; an exception (延误, 丢失, 退回) opens a
task for customer service; every status goes to the selling channel. Delivered orders
complete after a quiet period."""

import json
import logging
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shopops.accounts.queries import users_with_roles
from shopops.core.actions.deadlines import meet_deadline, open_deadline
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.notify import notify
from shopops.core.registry import setting
from shopops.orders.actions.deadlines import owner_for
from shopops.orders.models import Order
from shopops.orders.states import State
from shopops.service.privacy import mask_name

from .. import tracking_import
from ..couriers import adapter_for, publisher_for
from ..models import Courier, Parcel, TrackingEvent
from .common import locked_order, move, require_cap

logger = logging.getLogger("shopops.fulfillment.tracking")
FUL6 = "FUL-6"
POLL_BATCH = 200
COMPLETE_BATCH = 1000
IMPORT_DIR = "tracking_imports"
PREVIEW_KEEP_SECONDS = 24 * 3600


def _status_label(status):
    return zh(TrackingEvent.Status(status).label)


@transaction.atomic
def record_tracking(*, actor, parcel, status, at, description="", location="",
                    source="") -> TrackingEvent | None:
    """Record one step of a shipped parcel's journey. The same (parcel, time, status) twice
    is recorded once: the second call returns None and changes nothing."""
    require_cap(actor, "fulfillment.ship")
    if status not in TrackingEvent.Status.values:
        raise UserError("tracking_bad_status", "无法识别的物流状态：{status}",
                        "Unknown tracking status: {status}", status=status)
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if parcel.state != Parcel.State.SHIPPED:
        raise UserError("tracking_not_shipped", "包裹尚未发货：{waybill}",
                        "Parcel {waybill} has not shipped yet", waybill=parcel.waybill_no)
    try:
        with transaction.atomic():  # a savepoint: a duplicate must not spoil the caller's work
            event = TrackingEvent.objects.create(
                parcel=parcel, at=at, status=status, description=description[:300],
                location=location[:100], source=source[:30])
    except IntegrityError:
        return None
    orders = list(parcel.orders.select_related("channel", "created_by").order_by("pk"))
    if status == TrackingEvent.Status.DELIVERED:
        _delivered(actor, parcel, orders, at, source)
    elif status in TrackingEvent.EXCEPTIONS:
        _exception(actor, parcel, orders, event)
    for order in orders:
        publisher_for(order.channel).publish(
            actor=actor, order=order, status=status, status_label=_status_label(status), at=at,
            waybill_no=parcel.waybill_no, description=description)
    return event


def _delivered(actor, parcel, orders, at, source):
    Parcel.objects.filter(pk=parcel.pk, delivered_at__isnull=True).update(delivered_at=at)
    parcel.delivered_at = parcel.delivered_at or at
    for order in orders:
        locked = locked_order(order)
        if locked.state != State.SHIPPED:
            continue  # already delivered by an earlier scan, or not ours to move
        move(locked, State.DELIVERED, delivered_at=at)
        # A tracking exception's customer-service task is over once the parcel arrives.
        meet_deadline(actor=actor, subject=locked, rule="FUL-6")
        order.state, order.delivered_at = locked.state, at
        record(actor=actor, verb="order.delivered", obj=locked,
               summary=f"{locked.number} 已签收（运单 {parcel.waybill_no}）",
               changes={"state": [State.SHIPPED, State.DELIVERED]},
               data={"parcel": parcel.pk, "waybill_no": parcel.waybill_no,
                     "courier": parcel.courier_id, "shipped_at": locked.shipped_at,
                     "delivered_at": at, "source": source})


def _exception(actor, parcel, orders, event):
    label = _status_label(event.status)
    hours = setting("fulfillment.tracking_exception_hours")
    now = timezone.now()
    for order in orders:
        owner = owner_for(order)
        deadline = open_deadline(
            actor=actor, subject=order, owner=owner, due_at=now + timedelta(hours=hours),
            action="escalate", rule=FUL6, title=f"{order.number} 物流异常：{label}",
            link=order.get_absolute_url())
        recipients = [owner] if owner is not None else users_with_roles(
            ["cs_supervisor", "manager"])
        notify(recipients, title=f"物流异常：{order.number} {label}",
               body=f"订单 {order.number}（{mask_name(order.customer_name)}，运单 {parcel.waybill_no}）"
                    f"{label}：{event.description or '无描述'}。请在 {hours} 小时内联系快递和客户处理。",
               link=order.get_absolute_url(), category="fulfillment")
        record(actor=actor, verb="tracking.exception", obj=order,
               summary=f"{order.number} 物流异常：{label}（运单 {parcel.waybill_no}）",
               data={"parcel": parcel.pk, "waybill_no": parcel.waybill_no,
                     "status": event.status, "at": event.at, "description": event.description,
                     "location": event.location, "deadline": deadline.pk,
                     "owner": owner.pk if owner else None, "due_at": deadline.due_at,
                     "notified": [p.pk for p in recipients if p is not None]})


def publish_shipped(*, actor, parcel, orders=None) -> int:
    """Tell each order's selling channel that the parcel left (the handover that ships a
    parcel calls this after moving its orders to 已发货). Returns how many were told."""
    if orders is None:
        orders = list(parcel.orders.select_related("channel").order_by("pk"))
    for order in orders:
        publisher_for(order.channel).publish(
            actor=actor, order=order, status="shipped", status_label="已发货",
            at=parcel.shipped_at or timezone.now(), waybill_no=parcel.waybill_no,
            description=f"{parcel.courier.name} 已揽件发出")
    return len(orders)


@transaction.atomic
def record_tracking_batch(*, actor, updates, source="api") -> dict:
    """Updates pushed by a courier or an integration (the API): every one recorded, or none
    when any names an unknown waybill, a bad status or a missing time."""
    require_cap(actor, "fulfillment.ship")
    parcels = {p.waybill_no: p for p in Parcel.objects.filter(
        waybill_no__in={u.waybill_no for u in updates})}
    recorded = duplicates = 0

    def when(update):  # naive times from a courier are local time
        if update.at is None:
            return (True, None)
        return (False, update.at if timezone.is_aware(update.at)
                else timezone.make_aware(update.at))

    for update in sorted(updates, key=when):
        parcel = parcels.get(update.waybill_no)
        if parcel is None:
            raise UserError("tracking_unknown_waybill", "运单号不存在：{waybill}",
                            "Unknown waybill number: {waybill}",
                            waybill=update.waybill_no or "（空）")
        status = tracking_import.status_of(update.status or "")
        if status is None or update.at is None:
            raise UserError("tracking_bad_update", "运单 {waybill}：状态或时间不正确（{status}）",
                            "Waybill {waybill}: bad status or time ({status})",
                            waybill=update.waybill_no, status=update.status or "（空）")
        event = record_tracking(actor=actor, parcel=parcel, status=status, at=when(update)[1],
                                description=update.description, location=update.location,
                                source=source)
        recorded, duplicates = recorded + (event is not None), duplicates + (event is None)
    return {"recorded": recorded, "duplicates": duplicates}


# -- courier adapters ------------------------------------------------------------------


def poll_trackers(*, now=None) -> int:
    """Fetch updates for the shipped, undelivered parcels of every courier whose adapter
    fetches, and record the new ones. Returns how many events were recorded. The fetch runs
    outside any transaction (network); each parcel's records commit on their own."""
    now = now or timezone.now()
    recorded = 0
    for courier in Courier.objects.filter(active=True).exclude(adapter__in=["", "file"]):
        adapter = adapter_for(courier)
        if not adapter.fetches:
            continue
        pending = Parcel.objects.filter(courier=courier, state=Parcel.State.SHIPPED,
                                        delivered_at__isnull=True).order_by("pk")
        last = 0
        while True:
            batch = list(pending.filter(pk__gt=last)[:POLL_BATCH])
            if not batch:
                break
            last = batch[-1].pk
            recorded += _record_updates(adapter, batch, now)
    return recorded


def _record_updates(adapter, parcels, now) -> int:
    try:
        updates = adapter.fetch(parcels, now=now)
    except Exception:
        logger.exception("tracking adapter %s failed; the next poll retries", adapter.name)
        return 0
    by_waybill = {p.waybill_no: p for p in parcels}
    known = set(TrackingEvent.objects.filter(parcel__in=parcels).values_list(
        "parcel_id", "at", "status"))
    recorded = 0
    for update in sorted(updates, key=lambda u: u.at):
        parcel = by_waybill.get(update.waybill_no)
        if parcel is None or (parcel.pk, update.at, update.status) in known:
            continue
        try:
            event = record_tracking(actor=None, parcel=parcel, status=update.status,
                                    at=update.at, description=update.description,
                                    location=update.location, source=adapter.name)
        except UserError as exc:
            logger.warning("tracking update for %s not recorded: %s", update.waybill_no, exc)
            continue
        recorded += event is not None
    return recorded


# -- tracking files --------------------------------------------------------------------


def _import_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR


def _read_upload(uploaded_file):
    if uploaded_file is None:
        raise UserError("tracking_import_no_file", "请选择要导入的物流轨迹文件。",
                        "Choose a tracking file to import.")
    return uploaded_file.read(), getattr(uploaded_file, "name", "") or ""


def preview_tracking_file(*, actor, uploaded_file) -> dict:
    """Parse an uploaded tracking file and keep the result for the confirm step.
    Returns {"token", "name", "rows", "errors"}; nothing is recorded yet."""
    require_cap(actor, "fulfillment.ship")
    data, name = _read_upload(uploaded_file)
    parsed = tracking_import.parse(data, name)
    preview = {"token": uuid.uuid4().hex, "name": name[:200],
               "by": actor.pk if actor is not None else None,
               "at": timezone.now().isoformat(), **parsed}
    folder = _import_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _forget_old_previews(folder)
    (folder / f"{preview['token']}.json").write_text(json.dumps(preview, ensure_ascii=False),
                                                     encoding="utf-8")
    return preview


def _forget_old_previews(folder):
    """Previews nobody confirmed are dropped after a day (they hold customers' waybills)."""
    cutoff = timezone.now().timestamp() - PREVIEW_KEEP_SECONDS
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def load_preview(token: str) -> dict | None:
    if not (isinstance(token, str) and len(token) == 32
            and all(c in "0123456789abcdef" for c in token)):
        return None
    path = _import_dir() / f"{token}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def apply_tracking_preview(*, actor, token) -> dict:
    """Record every row of a previewed file, or nothing when any row is bad."""
    require_cap(actor, "fulfillment.ship")
    preview = load_preview(token)
    if preview is None:
        raise UserError("tracking_import_expired", "导入预览不存在或已导入，请重新上传文件。",
                        "The import preview is gone or already applied; upload the file again.")
    result = _apply(actor, preview)
    (_import_dir() / f"{token}.json").unlink(missing_ok=True)
    return result


def import_tracking_file(*, actor, uploaded_file) -> dict:
    """Parse and record in one step (integrations, tests). With any bad row nothing is
    recorded and {"recorded": 0, "errors": [...]} lists every one."""
    require_cap(actor, "fulfillment.ship")
    data, name = _read_upload(uploaded_file)
    parsed = tracking_import.parse(data, name)
    if parsed["errors"]:
        return {"recorded": 0, "duplicates": 0, "rows": len(parsed["rows"]),
                "errors": parsed["errors"]}
    return _apply(actor, {"token": uuid.uuid4().hex, "name": name[:200], **parsed})


@transaction.atomic
def _apply(actor, preview) -> dict:
    if preview["errors"]:
        raise UserError("tracking_import_has_errors",
                        "文件有 {n} 行错误，未导入任何记录：请改正后重新上传。",
                        "{n} bad rows: nothing was imported; fix the file and upload again.",
                        n=len(preview["errors"]))
    parcels = Parcel.objects.in_bulk({row["parcel"] for row in preview["rows"]})
    recorded = duplicates = 0
    for row in sorted(preview["rows"], key=lambda r: (r["at"], r["row"])):
        parcel = parcels.get(row["parcel"])
        if parcel is None:
            raise UserError("tracking_import_parcel_gone", "第 {row} 行：运单号不存在：{waybill}",
                            "Row {row}: unknown waybill {waybill}", row=row["row"],
                            waybill=row["waybill_no"])
        try:
            event = record_tracking(actor=actor, parcel=parcel, status=row["status"],
                                    at=parse_datetime(row["at"]),
                                    description=row["description"], location=row["location"],
                                    source="import")
        except UserError as exc:
            raise UserError("tracking_import_row", "第 {row} 行：{message}",
                            "Row {row}: {message_en}", row=row["row"], message=exc.message,
                            message_en=exc.message_en) from None
        if event is None:
            duplicates += 1
        else:
            recorded += 1
    record(actor=actor, verb="tracking.imported", object_type="fulfillment.trackingimport",
           object_id=preview["token"], object_repr=preview["name"] or "物流轨迹文件",
           summary=f"导入物流轨迹 {preview['name']}：新增 {recorded} 条，重复 {duplicates} 条",
           data={"file": preview["name"], "rows": len(preview["rows"]), "recorded": recorded,
                 "duplicates": duplicates})
    return {"recorded": recorded, "duplicates": duplicates, "rows": len(preview["rows"]),
            "errors": []}


# -- completion ------------------------------------------------------------------------


def complete_delivered(*, now=None) -> int:
    """Orders delivered longer ago than fulfillment.complete_after_days → 已完成 (the
    system acts). Returns how many moved."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=setting("fulfillment.complete_after_days"))
    done = 0
    while True:
        ids = list(Order.objects.filter(state=State.DELIVERED, delivered_at__lte=cutoff)
                   .order_by("pk").values_list("pk", flat=True)[:COMPLETE_BATCH])
        if not ids:
            return done
        moved = sum(_complete_one(pk, cutoff) for pk in ids)
        if not moved:  # every one raced away meanwhile: do not spin
            return done
        done += moved


@transaction.atomic
def _complete_one(pk, cutoff) -> int:
    order = locked_order(pk)
    if order.state != State.DELIVERED or order.delivered_at is None \
            or order.delivered_at > cutoff:
        return 0
    move(order, State.COMPLETED)
    record(actor=None, verb="order.completed", obj=order,
           summary=f"{order.number} 签收后无售后，自动完成",
           changes={"state": [State.DELIVERED, State.COMPLETED]},
           data={"delivered_at": order.delivered_at})
    return 1
