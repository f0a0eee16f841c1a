"""AS-2 on the staff scorecard (HR-KPI): the returns receiver's points come from the desk's
events — −5 per wrong sign/refuse, per problem not passed on, per return not registered
(each found by a supervisor, each traceable to its event); +100 for a month of right
decisions and +100 for a month of clean registrations, for whoever worked the desk."""

from django.utils import timezone

from shopops.aftersales.actions.receiving import mark_receiving_fault
from shopops.core.models import Event
from shopops.staff.actions.scores import compute_month
from shopops.staff.models import ScoreEntry

from .helpers import opened, shipped_back, signed


def _entries(person):
    return sorted((e.rule, e.points, e.reward_fen) for e in
                  ScoreEntry.objects.filter(person=person, rule__startswith="AS-2."))


def test_as2_points_and_rewards_from_the_desks_events(make_order, deliver, customer,
                                                      as_customer, people, make_user):
    other_receiver = make_user(roles=["returns_receiver"], username="liuyun",
                               display_name="刘云")
    first = shipped_back(opened(as_customer(customer), deliver(make_order())),
                         as_customer(customer), people.agent)
    parcel = signed(first, people.receiver, freight_collect=True, freight_fen=800,
                    decision="refused")
    second = shipped_back(opened(as_customer(customer), deliver(make_order())),
                          as_customer(customer), people.agent, waybill="YT8809999999")
    signed(second, other_receiver, waybill="YT8809999999")
    mark_receiving_fault(actor=people.wh_boss, parcel=parcel, kind="wrong_refusal",
                         note="客服已同意到付，应签收")
    mark_receiving_fault(actor=people.wh_boss, receiver=other_receiver, kind="not_registered",
                         note="韵达退件 YD3100 未登记")

    compute_month(actor=None, month=timezone.localdate())

    # 何雪: one wrong refusal (−5), no decision reward, but her registrations were clean.
    assert _entries(people.receiver) == [("AS-2.decision", -5, 0),
                                         ("AS-2.register_reward", 0, 10000)]
    # 刘云: a return left unregistered (−5); her sign/refuse decisions were right.
    assert _entries(other_receiver) == [("AS-2.decision_reward", 0, 10000),
                                        ("AS-2.register", -5, 0)]
    entry = ScoreEntry.objects.get(person=people.receiver, rule="AS-2.decision")
    fault = Event.objects.get(verb="aftersales.receiving_fault", data__receiver=people.receiver.pk)
    assert entry.event_id == fault.pk and "客服已同意到付，应签收" in entry.note
    # Nobody else worked the desk: no rewards for them.
    assert not ScoreEntry.objects.filter(rule__startswith="AS-2.").exclude(
        person__in=[people.receiver, other_receiver]).exists()


def test_as2_a_clean_month_earns_both_rewards_and_points_are_settings(
        make_order, deliver, customer, as_customer, people):
    from shopops.core.models import SettingValue
    from shopops.core.registry import clear_cache

    request = shipped_back(opened(as_customer(customer), deliver(make_order())),
                           as_customer(customer), people.agent)
    signed(request, people.receiver)
    compute_month(actor=None, month=timezone.localdate())
    assert _entries(people.receiver) == [("AS-2.decision_reward", 0, 10000),
                                         ("AS-2.register_reward", 0, 10000)]
    mark_receiving_fault(actor=people.wh_boss, receiver=people.receiver, kind="not_passed_on",
                         note="破损件未告知客服")
    SettingValue.objects.update_or_create(key="staff.points.as2_not_passed_on",
                                          defaults={"value": 3})
    clear_cache()
    compute_month(actor=None, month=timezone.localdate())  # recomputed as a whole
    assert _entries(people.receiver) == [("AS-2.decision_reward", 0, 10000),
                                         ("AS-2.pass_on", -3, 0)]
