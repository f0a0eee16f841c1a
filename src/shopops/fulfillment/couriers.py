"""Where tracking comes from and where shipping status goes (FUL-6).

Tracking adapters. Each Courier row names its adapter in `Courier.adapter`:

    "file"     no fetching: tracking arrives by imported files (物流轨迹导入) or by the
               courier pushing events to POST /api/v1/fulfillment/tracking/events.
    "sandbox"  a deterministic simulated journey from the parcel's shipped_at, for the demo
               and tests: 已揽收 +1 h, 运输中 +6 h, 派送中 +20 h, 已签收 +26 h. A waybill
               whose last digit is SandboxAdapter.exception_digit ("9") is delayed instead:
               延误 at +20 h and never delivered.

A real courier API (快递100, 菜鸟, 顺丰丰桥…) plugs in as a subclass registered at import
time (e.g. from an AppConfig.ready()):

    class Kuaidi100Adapter(CourierAdapter):
        name, label, fetches = "kuaidi100", "快递100", True

        def fetch(self, parcels, *, now=None):
            # one HTTP call per batch of waybills; map the courier's status words to
            # TrackingEvent.Status values; never raise for one bad waybill
            return [TrackingUpdate(waybill_no, at, status, description, location), ...]

    register_adapter(Kuaidi100Adapter())

then set the courier's 跟踪接口 to "kuaidi100". The scheduler's poll job
(jobs_shipping.py) calls `fetch` outside any transaction for the shipped, undelivered
parcels of that courier and records what comes back (actions/tracking.poll_trackers);
records are idempotent, so an adapter may return the whole journey every time. Keys and
endpoints belong in settings, not in code.

Channel publishers. Shipping status must reach the selling channel (淘宝/天猫, 京东 show it to
the buyer). `publisher_for(channel)` returns the publisher registered for the channel's
kind; the default one has no network and records the event order.shipping_status_published,
so the order history says what the channel was told. A real publisher sends from
`transaction.on_commit` (or a worker task), never while the order row is locked.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from shopops.core.events import record

logger = logging.getLogger("shopops.fulfillment.tracking")


@dataclass(frozen=True)
class TrackingUpdate:
    waybill_no: str
    at: datetime
    status: str  # a TrackingEvent.Status value
    description: str = ""
    location: str = ""


class CourierAdapter:
    """Base: an adapter that fetches nothing (tracking comes by file or webhook)."""

    name = ""
    label = ""
    fetches = False  # poll_trackers only calls adapters that fetch

    def fetch(self, parcels, *, now=None) -> list[TrackingUpdate]:
        return []

    def request_pickup(self, *, handover, count) -> str:
        """Ask the courier to come for `count` parcels (FUL-5). Returns the courier's
        booking reference, or "" when the courier has no API and is called by phone — the
        handover page then says so."""
        return ""


ADAPTERS: dict[str, CourierAdapter] = {}


def register_adapter(adapter: CourierAdapter) -> CourierAdapter:
    ADAPTERS[adapter.name] = adapter
    return adapter


def adapter_for(courier) -> CourierAdapter:
    """The courier's adapter; an unknown or empty name means tracking by file."""
    adapter = ADAPTERS.get(courier.adapter or "file")
    if adapter is None:
        logger.warning("courier %s names unknown tracking adapter %r; using file import",
                       courier.code, courier.adapter)
        adapter = ADAPTERS["file"]
    return adapter


def adapter_choices() -> list[tuple[str, str]]:
    return [(a.name, a.label) for a in ADAPTERS.values()]


class FileAdapter(CourierAdapter):
    name, label = "file", "文件导入"


class SandboxAdapter(CourierAdapter):
    name, label, fetches = "sandbox", "模拟轨迹（演示）", True
    exception_digit = "9"
    JOURNEY = (
        (1, "collected", "快递员已揽收", "杭州转运中心"),
        (6, "in_transit", "快件已发往目的地", "运输途中"),
        (20, "delivering", "快递员正在派送", "目的地网点"),
        (26, "delivered", "已签收，签收人：本人", "目的地"),
    )
    DELAYED = (20, "delayed", "因天气原因，快件延误", "中转站")

    def request_pickup(self, *, handover, count) -> str:
        return f"SB-{handover.number}"  # a booking the sandbox "accepts" at once

    def journey(self, waybill_no: str) -> tuple:
        if waybill_no.endswith(self.exception_digit):
            return (*self.JOURNEY[:2], self.DELAYED)
        return self.JOURNEY

    def fetch(self, parcels, *, now=None) -> list[TrackingUpdate]:
        now = now or timezone.now()
        updates = []
        for parcel in parcels:
            if parcel.shipped_at is None:
                continue
            for hours, status, description, location in self.journey(parcel.waybill_no):
                at = parcel.shipped_at + timedelta(hours=hours)
                if at <= now:
                    updates.append(TrackingUpdate(parcel.waybill_no, at, status, description,
                                                  location))
        return updates


register_adapter(FileAdapter())
register_adapter(SandboxAdapter())


class ChannelPublisher:
    """Tells the selling channel an order's shipping status. The default records it."""

    name = "record"

    def publish(self, *, actor, order, status, status_label, at, waybill_no, description=""):
        record(actor=actor, verb="order.shipping_status_published", obj=order,
               summary=f"{order.number} 物流状态同步到{order.channel.name}：{status_label}",
               data={"channel": order.channel.code, "status": status, "at": at,
                     "waybill_no": waybill_no, "description": description,
                     "publisher": self.name})


PUBLISHERS: dict[str, ChannelPublisher] = {}
DEFAULT_PUBLISHER = ChannelPublisher()


def register_publisher(channel_kind: str, publisher: ChannelPublisher) -> ChannelPublisher:
    PUBLISHERS[channel_kind] = publisher
    return publisher


def publisher_for(channel) -> ChannelPublisher:
    return PUBLISHERS.get(channel.kind, DEFAULT_PUBLISHER)
