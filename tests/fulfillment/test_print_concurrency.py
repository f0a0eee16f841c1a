"""FUL-2 under real concurrency (PostgreSQL, threads with their own connections): two
printers pressing 打印 on one wave print it once; two pressing 生成波次 at once put every
order in exactly one wave."""

import pytest

from shopops.core.errors import UserError
from shopops.fulfillment.actions.printing import create_waves, print_wave
from shopops.fulfillment.models import PrintRun, Slip, WaveOrder
from tests.inventory.test_reservation_concurrency import run_threads

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed_orders(paid_order, put_in_state):
    def make(n):
        return [put_in_state(paid_order(), "reviewed") for _ in range(n)]

    return make


def test_ful2_a_wave_printed_by_four_people_at_once_is_printed_once(reviewed_orders, people,
                                                                     hz):
    reviewed_orders(6)
    wave = create_waves(actor=people.printer, warehouse=hz)[0]

    def work(_i):
        try:
            return print_wave(actor=people.printer, wave=wave, render=False).pk
        except UserError as exc:
            return exc.code

    results, errors = run_threads(4, work)

    assert errors == []
    assert sorted(results, key=str)[1:] == ["wave_already_printed"] * 3
    assert PrintRun.objects.count() == 1
    assert Slip.objects.count() == 6
    assert len(set(Slip.objects.values_list("waybill_no", flat=True))) == 6


def test_ful2_waves_built_at_once_take_each_order_once(reviewed_orders, people, hz):
    orders = reviewed_orders(16)

    def work(_i):
        try:
            return len(create_waves(actor=people.printer, warehouse=hz, size=4))
        except UserError as exc:
            return exc.code

    results, errors = run_threads(3, work)

    assert errors == []
    assert "wave_conflict" not in results
    assert sorted(WaveOrder.objects.values_list("order_id", flat=True)) == sorted(
        o.pk for o in orders)
