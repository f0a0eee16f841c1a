"""FUL-1: rule-set versions — drafts, dry-run against past orders without touching them,
activation only after a dry-run, one active version at a time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.fulfillment.actions.review import run_review_batch
from shopops.fulfillment.actions.review_rulesets import (
    activate_rule_set,
    create_rule_set,
    dry_run,
    update_rule_set,
)
from shopops.fulfillment.models import ReviewRuleSet
from shopops.fulfillment.rules import DEFAULT_RULES
from shopops.orders.models import Order


def v1():
    return ReviewRuleSet.objects.get(version=1)


def with_params(code, **params):
    return [{**r, "params": {**r["params"], **params}} if r["code"] == code else r
            for r in DEFAULT_RULES]


def test_ful1_seeded_v1_is_active_with_default_rules(db):
    rule_set = v1()
    assert rule_set.state == "active"
    assert rule_set.rules == DEFAULT_RULES


def test_ful1_create_draft_numbers_versions_and_validates(people):
    draft = create_rule_set(actor=people.boss, rules=DEFAULT_RULES, name="双十一规则",
                            based_on=v1())
    assert (draft.version, draft.state, draft.created_by) == (2, "draft", people.boss)
    assert Event.objects.get(verb="review_rules.created").summary == \
        "新建审单规则草稿 v2：双十一规则（基于 v1）"
    with pytest.raises(UserError) as exc:
        create_rule_set(actor=people.boss, rules=with_params("weight", max_weight_kg=-1),
                        name="坏规则")
    assert exc.value.message == "规则“重量上限”的参数“重量上限（千克）”不对：-1"
    assert ReviewRuleSet.objects.count() == 2


def test_ful1_only_managers_edit_rules(people):
    with pytest.raises(PermissionDeniedError):
        create_rule_set(actor=people.reviewer, rules=DEFAULT_RULES, name="x")


def test_ful1_update_only_drafts_and_clears_dry_run(people):
    draft = create_rule_set(actor=people.boss, rules=DEFAULT_RULES, name="草稿")
    now = timezone.now()
    dry_run(actor=people.boss, rule_set=draft, since=now - timedelta(days=1), until=now)
    draft.refresh_from_db()
    assert draft.last_dry_run["total"] == 0
    draft = update_rule_set(actor=people.boss, rule_set=draft,
                            rules=with_params("amount", max_paid_yuan=100), name="草稿2")
    assert draft.last_dry_run == {} and draft.name == "草稿2"
    assert draft.rules[4]["params"] == {"max_paid_yuan": 100}
    with pytest.raises(UserError) as exc:
        update_rule_set(actor=people.boss, rule_set=v1(), rules=DEFAULT_RULES, name="x")
    assert exc.value.message == "只能修改草稿；v1 已启用或停用，请新建草稿。"


def test_ful1_dry_run_lists_newly_held_and_passed_without_changing_orders(
        paid_order, people, dress):
    small = paid_order()  # ¥199
    big = paid_order(lines=[{"sku": dress, "quantity": 1, "unit_price_fen": 600000}],
                     customer_name="王芳")  # held by v1: amount over ¥5000
    run_review_batch(actor=None)
    states = dict(Order.objects.values_list("pk", "state"))
    assert states == {small.pk: "reviewed", big.pk: "on_hold"}

    draft = create_rule_set(actor=people.boss, name="金额上限 100 元",
                            rules=with_params("amount", max_paid_yuan=100))
    # ¥100 limit: both would be held; small is newly held, big stays held.
    now = timezone.now()
    result = dry_run(actor=people.boss, rule_set=draft, since=now - timedelta(days=1),
                     until=now + timedelta(minutes=1))
    assert (result["total"], result["held"], result["passed"]) == (2, 2, 0)
    assert result["by_rule"] == {"amount": 2}
    assert [r["order"] for r in result["newly_held"]] == [small.number]
    assert result["newly_held"][0]["message"] == "实付 ¥199.00 超过 ¥100，请人工核对"
    assert result["newly_passed"] == []
    assert dict(Order.objects.values_list("pk", "state")) == states

    loose = create_rule_set(actor=people.boss, name="宽松",
                            rules=with_params("amount", max_paid_yuan=100000))
    result = dry_run(actor=people.boss, rule_set=loose, since=now - timedelta(days=1),
                     until=now + timedelta(minutes=1))
    assert [r["order"] for r in result["newly_passed"]] == [big.number]
    assert result["newly_held"] == []
    loose.refresh_from_db()
    assert loose.last_dry_run["newly_passed_count"] == 1
    assert Event.objects.filter(verb="review_rules.dry_run").count() == 2
    assert dict(Order.objects.values_list("pk", "state")) == states


def test_ful1_dry_run_only_counts_orders_paid_in_range(paid_order, people):
    now = timezone.now()
    paid_order(paid_at=now - timedelta(days=40))
    inside = paid_order(paid_at=now - timedelta(days=2))
    result = dry_run(actor=people.boss, rule_set=v1(), since=now - timedelta(days=30),
                     until=now)
    assert result["total"] == 1
    assert inside.number not in [r["order"] for r in result["newly_held"]]


def test_ful1_activation_needs_a_dry_run_and_retires_the_active_one(people):
    draft = create_rule_set(actor=people.boss, rules=DEFAULT_RULES, name="新规则")
    with pytest.raises(UserError) as exc:
        activate_rule_set(actor=people.boss, rule_set=draft)
    assert exc.value.message == "请先对 v2 试运行，看过结果再启用。"
    now = timezone.now()
    dry_run(actor=people.boss, rule_set=draft, since=now - timedelta(days=30), until=now)
    activate_rule_set(actor=people.boss, rule_set=draft)
    assert dict(ReviewRuleSet.objects.values_list("version", "state")) == {
        1: "retired", 2: "active"}
    assert Event.objects.get(verb="review_rules.activated").summary == "启用审单规则 v2，停用 v1"
    with pytest.raises(UserError) as exc:
        activate_rule_set(actor=people.boss, rule_set=v1())
    assert exc.value.message == "v1 不是草稿，不能启用。"


def test_ful1_dry_run_judges_past_orders_as_first_reviewed(paid_order, people):
    from shopops.orders.actions import amend_order, hold

    amended = paid_order()
    amend_order(actor=people.cs, order=amended, field="courier", value="EMS", reason="客户要求")
    held_by_cs = paid_order(customer_name="王芳", buyer_message="不要了")
    hold(actor=people.cs, order=held_by_cs, reason="customer_request", note="客户犹豫")
    run_review_batch(actor=None)  # holds `amended` (amended rule)
    assert Order.objects.get(pk=amended.pk).state == "on_hold"
    now = timezone.now()
    result = dry_run(actor=people.boss, rule_set=v1(), since=now - timedelta(days=1),
                     until=now + timedelta(minutes=1))
    # Same rules, same outcome: the amendment still counts, the CS hold counts as a hold.
    assert (result["held"], result["newly_held"], result["newly_passed"]) == (2, [], [])
    assert result["by_rule"] == {"amended": 1, "remark_keywords": 1}
