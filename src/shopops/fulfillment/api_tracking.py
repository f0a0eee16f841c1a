"""/api/v1/fulfillment/tracking — couriers and integrations push tracking steps (FUL-6);
anyone who may see the line reads a parcel's journey by its waybill number."""

from datetime import datetime

from ninja import Router, Schema

from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError

from .actions.tracking import record_tracking_batch
from .couriers import TrackingUpdate
from .models import Parcel

router = Router(tags=["fulfillment"])


class TrackingIn(Schema):
    # Defaults everywhere: the action checks the values (clear Chinese errors), and a caller
    # without the capability gets 403 rather than a schema error.
    waybill_no: str = ""
    at: datetime | None = None
    status: str = ""  # a status code (delivered…) or the courier's word (已签收…)
    description: str = ""
    location: str = ""


class TrackingBatchIn(Schema):
    events: list[TrackingIn] = []


class RecordedOut(Schema):
    recorded: int
    duplicates: int


class EventOut(Schema):
    at: datetime
    status: str
    status_label: str
    description: str
    location: str
    source: str


class ParcelTrackingOut(Schema):
    waybill_no: str
    number: str
    courier: str
    state: str
    shipped_at: datetime | None
    delivered_at: datetime | None
    orders: list[str]
    events: list[EventOut]


@router.post("/tracking/events", response=RecordedOut)
@api_access("fulfillment.ship")
def post_events(request, payload: TrackingBatchIn):
    """{"events": [{waybill_no, at, status, description, location}, …]}: all or none."""
    updates = [TrackingUpdate(u.waybill_no.strip(), u.at, u.status.strip(), u.description,
                              u.location) for u in payload.events]
    return record_tracking_batch(actor=request.user, updates=updates, source="api")


@router.get("/tracking/{waybill_no}", response=ParcelTrackingOut)
@api_access("fulfillment.view")
def get_tracking(request, waybill_no: str):
    parcel = Parcel.objects.select_related("courier").filter(waybill_no=waybill_no).first()
    if parcel is None:
        raise NotFoundError("not_found", "运单号不存在：{waybill}", "Unknown waybill number: {waybill}",
                            waybill=waybill_no)
    return {"waybill_no": parcel.waybill_no, "number": parcel.number,
            "courier": parcel.courier.name, "state": parcel.state,
            "shipped_at": parcel.shipped_at, "delivered_at": parcel.delivered_at,
            "orders": list(parcel.orders.order_by("pk").values_list("number", flat=True)),
            "events": [{"at": e.at, "status": e.status, "status_label": e.get_status_display(),
                        "description": e.description, "location": e.location,
                        "source": e.source} for e in parcel.tracking.order_by("at", "pk")]}
