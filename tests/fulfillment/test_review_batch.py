"""FUL-1: the review batch (and a reviewer's buttons) moves orders, records decisions and
events, merges and splits, meets ORD-3, and tells the person responsible about holds."""

import pytest

from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event, Notification
from shopops.fulfillment.actions.review import (
    hold_in_review,
    release_hold,
    review_order,
    run_review_batch,
)
from shopops.fulfillment.models import ReviewDecision, ReviewRuleSet
from shopops.inventory import ledger
from shopops.inventory.models import Reservation
from shopops.orders import actions as order_actions
from shopops.orders.models import Order
from tests.factories import make_sku


def fresh(order):
    return Order.objects.get(pk=order.pk)


def events(order, verb):
    return list(Event.objects.filter(object_type="orders.order", object_id=str(order.pk),
                                     verb=verb))


def test_ful1_batch_passes_clean_and_holds_problem_orders(paid_order):
    clean = paid_order()
    remark = paid_order(buyer_message="不要了，帮我取消")
    counts = run_review_batch(actor=None)
    assert counts == {"reviewed": 1, "held": 1, "merged": 0, "split": 0}

    clean, remark = fresh(clean), fresh(remark)
    assert clean.state == "reviewed" and clean.reviewed_by is None
    assert clean.reviewed_at is not None and clean.courier == "中通快递"
    assert (remark.state, remark.hold_reason, remark.held_from) == ("on_hold", "remark", "paid")
    assert remark.hold_note == "买家留言含“取消”：不要了，帮我取消"

    decision = ReviewDecision.objects.get(order=remark)
    assert (decision.outcome, decision.reason, decision.rule, decision.by) == (
        "held", "remark", "remark_keywords", None)
    assert decision.rule_set.version == 1 and len(decision.trace) == 10

    (passed,) = events(clean, "order.reviewed")
    assert passed.data["rule_set"] == 1 and passed.data["from"] == "paid"
    assert passed.data["paid_at"] == clean.paid_at.isoformat()
    assert passed.data["reviewed_at"] == clean.reviewed_at.isoformat()
    (held,) = events(remark, "order.review_held")
    assert (held.data["rule"], held.data["reason"]) == ("remark_keywords", "remark")
    run = Event.objects.get(verb="review.batch_run")
    assert run.summary == "审单批次：通过 1 单，挂起 1 单（合并 0，拆单 0）"


def test_ful1_batch_reviews_oldest_payment_first_and_skips_reviewed(paid_order, put_in_state):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    late = paid_order(paid_at=now - timedelta(minutes=5))
    early = paid_order(paid_at=now - timedelta(hours=3))
    done = put_in_state(paid_order(), "reviewed")
    run_review_batch(actor=None)
    order = [e.object_id for e in Event.objects.filter(verb="order.reviewed").order_by("pk")]
    assert order == [str(early.pk), str(late.pk)]
    assert fresh(done).state == "reviewed" and not events(done, "order.reviewed")


def test_ful1_review_meets_ord3_deadline(paid_order, people):
    order = paid_order()
    order_actions.confirm(actor=people.cs, order=order)
    assert Deadline.objects.get(subject_id=str(order.pk), rule="ORD-3").state == "pending"
    run_review_batch(actor=None)
    assert Deadline.objects.get(subject_id=str(order.pk), rule="ORD-3").state == "met"
    assert Deadline.objects.get(subject_id=str(order.pk), rule="ORD-2").state == "met"


def test_ful1_address_hold_notifies_cs_owner(paid_order, people):
    order = paid_order(district="")
    run_review_batch(actor=None)
    (note,) = Notification.objects.filter(title__contains=order.number)
    assert note.recipient == people.cs
    assert note.title == f"审单挂起：{order.number} 地址不完整或有误"
    assert note.body == f"订单 {order.number}（陈*）审单挂起：地址不完整：缺少区/县"


def test_ful1_amount_hold_notifies_warehouse_supervisor(paid_order, people, dress):
    order = paid_order(lines=[{"sku": dress, "quantity": 3, "unit_price_fen": 200000}])
    run_review_batch(actor=None)
    recipients = list(Notification.objects.filter(title__contains=order.number)
                      .values_list("recipient", flat=True))
    assert recipients == [people.supervisor.pk]


def test_ful1_merge_orders_to_same_recipient_into_the_older_one(paid_order):
    first = paid_order()
    second = paid_order()
    other = paid_order(customer_name="王芳")
    counts = run_review_batch(actor=None)
    assert counts == {"reviewed": 3, "held": 0, "merged": 1, "split": 0}
    first, second, other = fresh(first), fresh(second), fresh(other)
    assert second.merged_into == first and second.state == "reviewed"
    assert first.merged_into is None and other.merged_into is None
    assert second.courier == first.courier == "中通快递"
    (merged,) = events(second, "order.merged")
    assert merged.summary == f"{second.number} 与 {first.number} 同一收件人，合并发货"
    assert len(events(first, "order.merged")) == 1


def test_ful1_merge_with_order_reviewed_earlier_and_not_printed(paid_order, put_in_state):
    earlier = paid_order()
    run_review_batch(actor=None)
    later = paid_order()
    printed_too = put_in_state(paid_order(customer_phone="13900139000"), "printed")
    run_review_batch(actor=None)
    assert fresh(later).merged_into_id == earlier.pk
    assert fresh(printed_too).merged_into_id is None


@pytest.fixture
def scarf(hz, bins):
    sku = make_sku(code="P-SCARF", title="羊绒围巾", skus=[{"颜色": "驼色"}], price_fen=29900)
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=4, reference="test:setup")
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=1, location=bins.b,
                   reference="test:setup")
    return sku


def test_ful1_split_moves_short_lines_with_reservations_to_child(paid_order, dress, scarf):
    order = paid_order(lines=[{"sku": dress, "quantity": 1}, {"sku": scarf, "quantity": 2}])
    scarf_line = order.lines.get(sku=scarf)
    reservation = scarf_line.reservation_id
    counts = run_review_batch(actor=None)
    assert counts == {"reviewed": 1, "held": 0, "merged": 0, "split": 1}

    parent = fresh(order)
    child = Order.objects.get(split_from=parent)
    assert child.number == f"{parent.number}-1"
    assert (child.state, child.hold_reason, child.held_from) == ("out_of_stock",
                                                                  "out_of_stock", "paid")
    assert list(child.lines.values_list("pk", "reservation_id")) == [(scarf_line.pk,
                                                                       reservation)]
    assert Reservation.objects.get(pk=reservation).state == "active"
    assert parent.state == "reviewed"
    assert list(parent.lines.values_list("sku", flat=True)) == [dress.pk]
    assert (parent.goods_fen, child.goods_fen) == (19900, 59800)
    assert parent.paid_fen + child.paid_fen == order.paid_fen
    assert len(events(parent, "order.split")) == len(events(child, "order.split")) == 1
    # Released when the goods are on the bin, the child comes back to review by itself.
    assert child.number in Notification.objects.get(title__startswith="缺货拆单").title


def test_ful1_batch_refuses_without_active_rule_set(paid_order):
    order = paid_order()
    ReviewRuleSet.objects.update(state="retired")
    with pytest.raises(UserError) as exc:
        run_review_batch(actor=None)
    assert exc.value.message == "没有启用的审单规则，请部门经理在“审单规则”页面启用一个版本。"
    assert fresh(order).state == "paid"


def test_ful1_picker_cannot_run_review(paid_order, people):
    paid_order()
    with pytest.raises(PermissionDeniedError):
        run_review_batch(actor=people.picker)


def test_ful1_reviewer_passes_by_hand_with_chosen_courier(paid_order, people):
    order = paid_order(buyer_message="加急！")
    review_order(actor=people.reviewer, order=order, courier="顺丰速运")
    order = fresh(order)
    assert (order.state, order.reviewed_by, order.courier) == ("reviewed", people.reviewer,
                                                               "顺丰速运")
    decision = ReviewDecision.objects.get(order=order)
    assert (decision.outcome, decision.by, decision.message) == ("passed", people.reviewer,
                                                                 "人工审核通过")
    assert [t["result"] for t in decision.trace if t["rule"] == "remark_keywords"] == ["hold"]
    (event,) = events(order, "order.reviewed")
    assert event.actor == people.reviewer and event.data["by_rules"] is False


def test_ful1_manual_pass_refuses_unknown_courier_and_wrong_state(paid_order, people,
                                                                  put_in_state):
    order = paid_order()
    with pytest.raises(UserError) as exc:
        review_order(actor=people.reviewer, order=order, courier="德邦物流")
    assert exc.value.message == "快递公司不存在或未启用：德邦物流"
    put_in_state(order, "printed")
    with pytest.raises(UserError) as exc:
        review_order(actor=people.reviewer, order=order)
    assert exc.value.message == f"订单 {order.number} 当前为“已打单”，不能审单。"


def test_ful1_hold_in_review_and_release_back_to_queue(paid_order, people):
    order = paid_order()
    hold_in_review(actor=people.reviewer, order=order, reason="customer_request",
                   note="客户来电要求周五再发")
    order = fresh(order)
    assert (order.state, order.hold_reason, order.hold_note) == (
        "on_hold", "customer_request", "客户来电要求周五再发")
    assert Notification.objects.get(title__contains=order.number).recipient == people.cs
    release_hold(actor=people.reviewer, order=order, note="客户确认可以发")
    order = fresh(order)
    assert (order.state, order.hold_reason) == ("paid", "")
    # A person released it: it waits for a person, the rules do not hold it again.
    assert run_review_batch(actor=None)["reviewed"] == 0
    assert fresh(order).state == "paid"


def test_ful1_hold_needs_reason_and_note(paid_order, people):
    order = paid_order()
    with pytest.raises(UserError) as exc:
        hold_in_review(actor=people.reviewer, order=order, reason="remark", note=" ")
    assert exc.value.message == "请填写挂起说明。"
    with pytest.raises(UserError):
        hold_in_review(actor=people.reviewer, order=order, reason="nonsense", note="x")
    assert fresh(order).state == "paid"
