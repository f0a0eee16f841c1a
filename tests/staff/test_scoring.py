"""HR-KPI: the warehouse posts' scoring rules (FUL-1, FUL-2, FUL-5 …) computed from the
order rows and the event log of a month, each point traceable to its order or event."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shopops.core.models import Event
from shopops.fulfillment.actions.printing import create_waves, hand_to_picker, print_wave
from shopops.fulfillment.models import Courier, Parcel, Wave
from shopops.orders.models import Order
from shopops.staff.actions.scores import compute_month
from shopops.staff.models import RosterEntry, ScoreEntry
from tests.fulfillment import conftest as line

# The warehouse line's fixtures (a stocked warehouse, paid orders), reused here.
bins, dress, hz, tmall = line.bins, line.dress, line.hz, line.tmall
paid_order, put_in_state = line.paid_order, line.put_in_state

OCT = date(2026, 10, 1)


def at(day, hh, mm):
    return timezone.make_aware(datetime(2026, 10, day, hh, mm), timezone.get_default_timezone())


def entries(person, prefix, month=OCT):
    return list(ScoreEntry.objects.filter(month=month, person=person, rule__startswith=prefix)
                .values_list("rule", "points", "reward_fen"))


@pytest.fixture
def paid_on(paid_order):
    def make(moment, **fields):
        order = paid_order()
        Order.objects.filter(pk=order.pk).update(paid_at=moment, **fields)
        order.refresh_from_db()
        return order

    return make


@pytest.fixture
def on_duty(people, shifts):
    other = people.reviewer.__class__.objects.create_user(username="rev2", display_name="钱多")
    from shopops.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=other, role=Role.objects.get(code="reviewer"))
    RosterEntry.objects.create(person=people.reviewer, day=date(2026, 10, 14),
                               shift=shifts["office"])
    return other


def test_ful1_paid_at_1559_not_reviewed_that_day_costs_the_reviewer_on_duty_5(
        people, paid_on, on_duty):
    order = paid_on(at(14, 15, 59), reviewed_by=people.reviewer, reviewed_at=at(15, 9, 0))

    compute_month(actor=people.wh_boss, month=OCT)

    row = ScoreEntry.objects.get(rule="FUL-1.same_day")
    assert (row.person, row.points, row.order) == (people.reviewer, -5, order)
    assert row.note == f"订单 {order.number} 10-14 15:59 付款，当天未审单"
    assert entries(on_duty, "FUL-1") == []  # not rostered that day
    assert entries(people.reviewer, "FUL-1.reward") == []  # a late review: no reward


def test_ful1_paid_at_1601_is_next_days_work(people, paid_on, on_duty):
    paid_on(at(14, 16, 1), reviewed_by=people.reviewer, reviewed_at=at(15, 9, 0))

    compute_month(actor=people.wh_boss, month=OCT)

    assert not ScoreEntry.objects.filter(rule="FUL-1.same_day").exists()
    assert entries(people.reviewer, "FUL-1") == [("FUL-1.reward", 0, 10000)]


def test_ful1_nobody_rostered_every_reviewer_answers(people, paid_on, on_duty):
    paid_on(at(20, 10, 0))  # nobody on the roster on the 20th, never reviewed

    compute_month(actor=None, month=OCT)

    assert entries(people.reviewer, "FUL-1") == [("FUL-1.same_day", -5, 0)]
    assert entries(on_duty, "FUL-1") == [("FUL-1.same_day", -5, 0)]


def test_ful1_recompute_replaces_the_months_entries(people, paid_on, on_duty):
    order = paid_on(at(14, 15, 0))
    compute_month(actor=people.wh_boss, month=OCT)
    assert ScoreEntry.objects.filter(rule="FUL-1.same_day").count() == 1

    Order.objects.filter(pk=order.pk).update(reviewed_by=people.reviewer,
                                             reviewed_at=at(14, 17, 30))
    result = compute_month(actor=people.wh_boss, month=OCT)

    assert list(ScoreEntry.objects.values_list("person", "rule", "points", "reward_fen")) == [
        (people.reviewer.pk, "FUL-1.reward", 0, 10000)]
    assert result["entries"] == 1
    event = Event.objects.filter(verb="scores.computed").latest("pk")
    assert event.summary == "计算 2026年10月 考核记分：1 条，扣 0 分，奖励 100.00 元"


@pytest.fixture
def handed_wave(paid_order, put_in_state, people, hz):
    """A wave printed and handed to the picker through the real actions, with the handover
    `minutes` after the first print (test setup moves the wave's times; the event log is
    append-only, so these tests score the running month)."""
    def make(minutes):
        put_in_state(paid_order(), "reviewed")
        wave = create_waves(actor=people.printer, warehouse=hz)[0]
        print_wave(actor=people.printer, wave=wave, render=False)
        hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
        first = timezone.now() - timedelta(minutes=minutes)
        Wave.objects.filter(pk=wave.pk).update(first_printed_at=first,
                                               handed_at=first + timedelta(minutes=minutes))
        return wave

    return make


def this_month():
    return timezone.localdate().replace(day=1)


def test_ful2_handed_31_minutes_after_printing_costs_the_printer_5(people, handed_wave):
    wave = handed_wave(31)

    compute_month(actor=people.wh_boss, month=this_month())

    row = ScoreEntry.objects.get(rule="FUL-2.handover")
    handed = Event.objects.get(verb="wave.handed_to_picker")
    assert (row.person, row.points, row.event) == (people.printer, -5, handed)
    assert row.note == f"波次 {wave.number} 打印后 31 分钟才交备货员（限 30 分钟）"
    assert entries(people.printer, "FUL-2.reward", this_month()) == []


def test_ful2_handed_at_30_minutes_is_on_time_and_a_clean_month_earns_100(people, handed_wave):
    handed_wave(30)

    compute_month(actor=people.wh_boss, month=this_month())

    assert entries(people.printer, "FUL-2", this_month()) == [("FUL-2.reward", 0, 10000)]


def _parcel(people, hz, n, slip):
    return Parcel.objects.create(
        number=f"BG-T{n}", courier=Courier.objects.first(), waybill_no=f"SF{n:08d}",
        warehouse=hz, checklist={"slip": slip, "gift_card": False, "invoice": False,
                                 "gift": False},
        packed_by=people.packer, packed_at=at(9, 11, 0))


def test_ful5_parcel_without_the_customer_slip_costs_the_packer_1(people, hz, paid_order):
    # The packing station refuses a box without the slip, so the row is built directly:
    # the rule reads the recorded checklist.
    parcel = _parcel(people, hz, 1, slip=False)
    order = paid_order()
    parcel.orders.add(order)

    compute_month(actor=people.wh_boss, month=OCT)

    row = ScoreEntry.objects.get(rule="FUL-5.slip")
    assert (row.person, row.points, row.order) == (people.packer, -1, order)
    assert row.note == "包裹 SF00000001 漏放客户联"
    assert entries(people.packer, "FUL-5.reward") == []


def test_ful5_clean_month_earns_the_packer_100_yuan(people, hz):
    _parcel(people, hz, 2, slip=True)

    compute_month(actor=people.wh_boss, month=OCT)

    assert entries(people.packer, "FUL-5") == [("FUL-5.reward", 0, 10000)]


def test_hrkpi_compute_needs_manage_scores(people):
    from shopops.core.errors import UserError

    with pytest.raises(UserError):
        compute_month(actor=people.reviewer, month=OCT)
    assert not Event.objects.filter(verb="scores.computed").exists()


def test_hrkpi_each_point_links_to_its_order_and_event(people, paid_on, on_duty,
                                                       handed_wave, client_for):
    order = paid_on(at(14, 15, 59))
    handed_wave(45)
    compute_month(actor=people.wh_boss, month=OCT)
    compute_month(actor=people.wh_boss, month=this_month())
    point_order = ScoreEntry.objects.get(rule="FUL-1.same_day", person=people.reviewer)
    point_event = ScoreEntry.objects.get(rule="FUL-2.handover")

    client = client_for(people.wh_boss)
    page = client.get(reverse("staff:score_person", args=["2026-10", people.reviewer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{order.get_absolute_url()}" data-testid="entry-order-{point_order.pk}"' in html
    page = client.get(reverse("staff:score_person",
                              args=[f"{this_month():%Y-%m}", people.printer.pk]))
    wave_url = reverse("fulfillment:wave_detail", args=[point_event.event.object_id])
    assert f'href="{wave_url}" data-testid="entry-event-{point_event.pk}"' in page.content.decode()


def test_hrkpi_score_list_queries_are_bounded(people, client_for, make_user,
                                              django_assert_max_num_queries):
    users = [make_user(roles=["packer"]) for _ in range(30)]
    ScoreEntry.objects.bulk_create([ScoreEntry(person=u, month=OCT, rule="FUL-5.slip",
                                               points=-1, note="x") for u in users for _ in (1, 2)])
    client = client_for(people.wh_boss)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("staff:score_list") + "?month=2026-10")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="score-row-') == 30
    # The person's page also shows the month's measures (staff/metrics.py): a fixed few more.
    with django_assert_max_num_queries(20):
        page = client.get(reverse("staff:score_person", args=["2026-10", users[0].pk]))
    assert page.content.decode().count('data-testid="entry-') >= 2
