"""POST /api/v1/staff/clock — the attendance device (考勤机) clocks a person in or out."""

from datetime import datetime

from django.contrib.auth import get_user_model
from ninja import Router, Schema

from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError, UserError

from .actions import attendance as actions

router = Router(tags=["staff"])


class ClockIn(Schema):
    username: str = ""
    action: str = ""  # in | out
    at: datetime | None = None


class ClockOut(Schema):
    username: str
    day: str
    clock_in: datetime | None
    clock_out: datetime | None
    late_minutes: int
    early_minutes: int


@router.post("/clock", response=ClockOut, summary="考勤机打卡 / clock in or out from a device")
@api_access("staff.clock_device")
def clock(request, body: ClockIn):
    person = get_user_model().objects.filter(username=body.username.strip(),
                                             is_active=True).first()
    if person is None:
        raise NotFoundError("unknown_person", "没有这个员工：{username}",
                            "No such person: {username}", username=body.username)
    if body.action not in ("in", "out"):
        raise UserError("bad_action", "action 须为 in 或 out。", "action must be 'in' or 'out'.")
    act = actions.clock_in if body.action == "in" else actions.clock_out
    row = act(actor=person, at=body.at, source="device")
    return ClockOut(username=person.username, day=row.day.isoformat(), clock_in=row.clock_in,
                    clock_out=row.clock_out, late_minutes=row.late_minutes,
                    early_minutes=row.early_minutes)
