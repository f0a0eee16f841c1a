"""Base pay (HR-KPI): set by the department manager from a month on; the monthly sheet
adds it to the assessment pay, and a day of 旷工 costs base ÷ full-attendance days."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.registry import setting

from ..models import BasePay


def _first(month: date) -> date:
    return month.replace(day=1)


@transaction.atomic
def set_base_pay(*, actor, person, base_fen, effective_from: date, note="") -> BasePay:
    require(actor, "staff.manage_pay")
    if actor.pk == person.pk:
        raise UserError("own_base_pay", "不能设置自己的基本工资，请由上级设置。",
                        "You cannot set your own base pay; your superior does.")
    try:
        base_fen = int(base_fen)
    except (TypeError, ValueError):
        base_fen = -1
    if base_fen <= 0:
        raise UserError("bad_base_pay", "基本工资必须是大于 0 的金额。",
                        "The base pay must be a positive amount.")
    month = _first(effective_from)
    before = base_pay_on(person.pk, month)
    row, _created = BasePay.objects.update_or_create(
        person=person, effective_from=month,
        defaults={"base_fen": base_fen, "note": (note or "").strip()[:200], "set_by": actor,
                  "set_at": timezone.now()})
    record(actor=actor, verb="staff.base_pay_set", obj=row,
           summary=f"{person} 自 {month:%Y年%m月} 起基本工资 {base_fen / 100:.2f} 元",
           changes={"base_fen": [before, base_fen]},
           data={"person_id": person.pk, "effective_from": month})
    return row


def base_pays(person_ids, month: date) -> dict[int, int]:
    """{person id: base pay (fen) that applies in `month`} — one query for everybody."""
    month = _first(month)
    out: dict[int, int] = {}
    for pid, fen in (BasePay.objects.filter(person_id__in=list(person_ids),
                                            effective_from__lte=month)
                     .order_by("person_id", "-effective_from")
                     .values_list("person_id", "base_fen")):
        out.setdefault(pid, fen)
    return out


def base_pay_on(person_id, month: date) -> int | None:
    return base_pays([person_id], month).get(person_id)


def daily_wage(person_id, day: date) -> int:
    """A day's pay for a 旷工 deduction: base ÷ full-attendance days when the person has a
    base pay, else the department's flat setting staff.daily_wage_fen."""
    base = base_pay_on(person_id, day)
    if base is None:
        return int(setting("staff.daily_wage_fen"))
    return round(base / int(setting("staff.full_attendance_days")))
