"""HR-KPI: FUL-3 (an unreported shortage, a month of exact stock) and FUL-4 (a refund
order the verifier let through) scoring rules."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from shopops.core.events import record
from shopops.fulfillment.models import TransferRequest
from shopops.orders.models import Order
from shopops.staff.actions.scores import compute_month
from shopops.staff.models import ScoreEntry
from tests.fulfillment import conftest as line

bins, dress, hz, tmall = line.bins, line.dress, line.hz, line.tmall
paid_order = line.paid_order

OCT = date(2026, 10, 1)


def at(day, hh, mm):
    return timezone.make_aware(datetime(2026, 10, day, hh, mm), timezone.get_default_timezone())


def scored(person, month=OCT):
    return list(ScoreEntry.objects.filter(month=month, person=person)
                .values_list("rule", "points", "reward_fen"))


def _shortage(order, by, when):
    return TransferRequest.objects.create(
        number=f"DB-{order.pk}", sku=order.lines.first().sku, warehouse=order.warehouse,
        quantity=1, order=order, requested_by=by, requested_at=when)


def test_ful3_shortage_reported_by_someone_else_after_picking_costs_the_picker_5(
        people, paid_order):
    order = paid_order()
    Order.objects.filter(pk=order.pk).update(picked_by=people.picker, picked_at=at(14, 10, 0))
    _shortage(order, people.verifier, at(14, 11, 0))

    compute_month(actor=people.wh_boss, month=OCT)

    row = ScoreEntry.objects.get(person=people.picker)
    assert (row.rule, row.points, row.order_id) == ("FUL-3.shortage", -5, order.pk)
    assert row.note == f"订单 {order.number} 配货后由他人报缺（DB-{order.pk}）"


def test_ful3_shortage_the_picker_reported_is_a_clean_month(people, paid_order):
    order = paid_order()
    Order.objects.filter(pk=order.pk).update(picked_by=people.picker, picked_at=at(14, 10, 0))
    _shortage(order, people.picker, at(14, 9, 50))

    compute_month(actor=people.wh_boss, month=OCT)

    assert scored(people.picker) == [("FUL-3.reward", 0, 10000)]


def _stopped(people, order, intercepted, verified):
    Order.objects.filter(pk=order.pk).update(verified_by=people.verifier, verified_at=verified,
                                             intercept="refund", intercept_at=intercepted)
    record(actor=people.packer, verb="handover.parcel_stopped", object_type="fulfillment.handover",
           object_id="1", summary="交接拦截包裹", data={"orders": [order.pk]})


def test_ful4_refund_registered_before_verification_but_stopped_at_handover_costs_5(
        people, paid_order):
    month = timezone.localdate().replace(day=1)
    order = paid_order()
    now = timezone.now()
    _stopped(people, order, intercepted=now - timedelta(minutes=2),
             verified=now - timedelta(minutes=1))

    compute_month(actor=people.wh_boss, month=month)

    assert scored(people.verifier, month) == [("FUL-4.unchecked", -5, 0)]
    assert ScoreEntry.objects.get(person=people.verifier).order_id == order.pk


def test_ful4_refund_after_verification_is_not_the_verifiers_fault(people, paid_order):
    month = timezone.localdate().replace(day=1)
    now = timezone.now()
    _stopped(people, paid_order(), intercepted=now - timedelta(minutes=1),
             verified=now - timedelta(minutes=2))

    compute_month(actor=people.wh_boss, month=month)

    assert scored(people.verifier, month) == [("FUL-4.reward", 0, 10000)]
