"""FUL-1 pages and API: the review queue with its tabs, badges, trace and buttons; the rule
sets page with its editor, dry-run and 启用; the end-of-day list and its job; query counts;
who may do what."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.models import Event, Notification
from shopops.fulfillment.actions.review import run_review_batch
from shopops.fulfillment.jobs_review import batch_times_next_run, send_end_of_day
from shopops.fulfillment.models import ReviewRuleSet
from shopops.fulfillment.queries_review import cutoff_today
from shopops.orders.models import Order


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def reviewer(client_for, people):
    return client_for(people.reviewer)


def test_ful1_queue_shows_pending_orders_with_same_day_badge(paid_order, reviewer):
    cutoff = cutoff_today()
    before = paid_order(paid_at=cutoff - timedelta(minutes=1))
    after = paid_order(paid_at=cutoff + timedelta(minutes=1), customer_name="王芳")
    page = html(reviewer.get("/fulfillment/review-queue/"))
    assert 'id="review-queue-table"' in page
    row_before = page.split(f'data-order="{before.number}"')[1].split("</tr>")[0]
    row_after = page.split(f'data-order="{after.number}"')[1].split("</tr>")[0]
    assert "当日须审" in row_before
    assert "当日须审" not in row_after
    assert "立即审单" in page and "通过" in row_before and "挂起" in row_before


def test_ful1_queue_table_partial_keeps_the_tab(paid_order, reviewer):
    held = paid_order(district="")
    run_review_batch(actor=None)
    part = html(reviewer.get("/fulfillment/review-queue/table/?tab=held"))
    assert part.startswith('<div id="review-queue-table"')
    assert "<html" not in part
    assert held.number in part
    assert "地址不完整或有误" in part
    assert "规则：地址完整 — 地址不完整：缺少区/县" in part  # the rule and its message
    assert "留言/备注关键词" in part  # the trace lists every rule
    assert "解除挂起" in part


def test_ful1_run_batch_button_and_messages(paid_order, reviewer):
    order = paid_order()
    response = reviewer.post("/fulfillment/review-queue/run/", follow=True)
    assert "审单完成：通过 1 单，挂起 0 单，合并 0 单，拆单 0 单。" in html(response)
    assert Order.objects.get(pk=order.pk).state == "reviewed"
    done = html(reviewer.get("/fulfillment/review-queue/?tab=done"))
    assert order.number in done and "自动审单" in done


def test_ful1_pass_hold_release_buttons(paid_order, reviewer, people):
    order = paid_order()
    page = html(reviewer.post(f"/fulfillment/review-queue/{order.pk}/hold/",
                              {"reason": "remark", "note": "赠品待确认"}, follow=True))
    assert f"订单 {order.number} 已挂起，已通知负责人。" in page
    page = html(reviewer.post(f"/fulfillment/review-queue/{order.pk}/pass/", follow=True))
    assert f"订单 {order.number} 当前为“异常挂起”，不能审单。" in page
    page = html(reviewer.post(f"/fulfillment/review-queue/{order.pk}/release/", follow=True))
    assert f"订单 {order.number} 已解除挂起，回到待审。" in page
    response = reviewer.post(f"/fulfillment/review-queue/{order.pk}/pass/", {"courier": "EMS"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.courier, order.reviewed_by) == ("reviewed", "EMS",
                                                               people.reviewer)


def test_ful1_picker_cannot_run_review(paid_order, client_for, people):
    order = paid_order()
    picker = client_for(people.picker)
    assert picker.get("/fulfillment/review-queue/").status_code == 200
    assert "立即审单" not in picker.get("/fulfillment/review-queue/").content.decode()
    assert picker.post("/fulfillment/review-queue/run/").status_code == 403
    assert picker.post(f"/fulfillment/review-queue/{order.pk}/pass/").status_code == 403
    assert picker.post("/api/v1/fulfillment/review/run").status_code == 403
    assert Order.objects.get(pk=order.pk).state == "paid"


def _many(paid_order, dress, shirt, n):
    for i in range(n):
        paid_order(lines=[{"sku": dress, "quantity": 1}, {"sku": shirt, "quantity": 1}],
                   customer_name=f"客户{i}", district="" if i % 3 == 0 else "西湖区")


def test_ful1_queue_pages_have_bounded_queries(paid_order, dress, shirt, reviewer,
                                              django_assert_max_num_queries, hz):
    from shopops.inventory import ledger

    ledger.receive(actor=None, sku=dress, warehouse=hz, quantity=100, reference="test")
    ledger.receive(actor=None, sku=shirt, warehouse=hz, quantity=100, reference="test")
    _many(paid_order, dress, shirt, 65)
    with django_assert_max_num_queries(13):
        page = html(reviewer.get("/fulfillment/review-queue/"))
    assert page.count('data-testid="review-row"') == 50
    run_review_batch(actor=None)
    with django_assert_max_num_queries(16):
        page = html(reviewer.get("/fulfillment/review-queue/table/?tab=held"))
    assert page.count('data-testid="review-row"') == 22
    with django_assert_max_num_queries(16):
        page = html(reviewer.get("/fulfillment/review-queue/?tab=done"))
    assert page.count('data-testid="review-row"') == 43
    with django_assert_max_num_queries(12):
        data = reviewer.get("/api/v1/fulfillment/review/queue?tab=done&limit=100").json()
    assert data["total"] == 43 and len(data["orders"]) == 43
    with django_assert_max_num_queries(16):
        html(reviewer.get("/fulfillment/end-of-day/"))


def test_ful1_batch_queries_do_not_grow_per_order_for_reads(paid_order, dress, shirt, hz,
                                                            django_assert_max_num_queries):
    """The reads are per chunk; what grows per order are its own writes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def selects(n):
        _many(paid_order, dress, shirt, n)
        with CaptureQueriesContext(connection) as captured:
            run_review_batch(actor=None)
        return [q["sql"] for q in captured.captured_queries
                if q["sql"].startswith("SELECT") and "orders_orderline" in q["sql"]]

    from shopops.inventory import ledger

    ledger.receive(actor=None, sku=dress, warehouse=hz, quantity=100, reference="test")
    ledger.receive(actor=None, sku=shirt, warehouse=hz, quantity=100, reference="test")
    assert len(selects(5)) == len(selects(40)) == 1


def test_ful1_api_queue_pass_and_hold(paid_order, reviewer):
    a, b = paid_order(), paid_order(customer_name="王芳")
    data = reviewer.get("/api/v1/fulfillment/review/queue").json()
    assert [o["number"] for o in data["orders"]] == [a.number, b.number]
    out = reviewer.post(f"/api/v1/fulfillment/review/{a.pk}/pass", json.dumps({}),
                        content_type="application/json")  # no courier: the rules' choice
    assert out.status_code == 200 and out.json()["state"] == "reviewed"
    assert out.json()["decision"]["message"] == "人工审核通过"
    assert out.json()["courier"] == "中通快递"
    out = reviewer.post(f"/api/v1/fulfillment/review/{b.pk}/hold",
                        json.dumps({"reason": "address", "note": "门牌号缺失"}),
                        content_type="application/json")
    assert out.status_code == 200 and out.json()["hold_reason"] == "address"
    out = reviewer.post(f"/api/v1/fulfillment/review/{b.pk}/hold",
                        json.dumps({"reason": "address", "note": "again"}),
                        content_type="application/json")
    assert out.status_code == 400
    assert out.json()["message"] == f"订单 {b.number} 当前为“异常挂起”，审单不能挂起。"
    assert reviewer.post("/api/v1/fulfillment/review/run").json() == {
        "reviewed": 0, "held": 0, "merged": 0, "split": 0}


# -- rule sets page ---------------------------------------------------------------------------


def test_ful1_rule_pages_new_draft_edit_dry_run_activate(client_for, people, paid_order):
    boss = client_for(people.boss)
    page = html(boss.get("/fulfillment/rule-list/"))
    assert "启用中" in page and "基于 v1 新建草稿" in page
    response = boss.post("/fulfillment/rule-list/new/")
    draft = ReviewRuleSet.objects.get(version=2)
    assert response.url == f"/fulfillment/rule-list/{draft.pk}/"
    form = html(boss.get(response.url))
    assert 'name="region__provinces" id="region__provinces" value="香港特别行政区，澳门特别行政区，台湾省"' \
        in form
    post = {"name": "新规则", "note": "", "address_complete__enabled": "on",
            "address_complete__min_detail_chars": "8", "region__enabled": "on",
            "region__provinces": "新疆维吾尔自治区, 西藏自治区", "region__cities": "",
            "courier__enabled": "on", "courier__default": "圆通速递", "courier__heavy_kg": "",
            "courier__heavy_courier": "", "courier__by_region": "浙江省,江苏省||韵达快递\n广东省|深圳市|顺丰速运|5",
            "courier__customer_keywords": "顺丰=顺丰速运"}
    page = html(boss.post(response.url, post, follow=True))
    assert 'class="msg error"' not in page, page.split('class="msg error"')[1][:300]
    assert "草稿已保存；请重新试运行后再启用。" in page
    draft.refresh_from_db()
    rules = {r["code"]: r for r in draft.rules}
    assert rules["address_complete"]["params"] == {"min_detail_chars": 8}
    assert rules["region"]["params"]["provinces"] == ["新疆维吾尔自治区", "西藏自治区"]
    assert rules["amount"]["enabled"] is False  # box left unticked
    assert rules["courier"]["params"]["by_region"] == [
        {"provinces": ["浙江省", "江苏省"], "cities": [], "max_weight_kg": None,
         "courier": "韵达快递"},
        {"provinces": ["广东省"], "cities": ["深圳市"], "max_weight_kg": 5,
         "courier": "顺丰速运"}]
    page = html(boss.post(response.url, {**post, "courier__default": "德邦"}, follow=True))
    assert "规则“选择快递”中的快递公司不存在或未启用：德邦" in page

    page = html(boss.post(f"/fulfillment/rule-list/{draft.pk}/activate/", follow=True))
    assert "请先对 v2 试运行，看过结果再启用。" in page
    paid_order(district="")
    page = html(boss.post(f"/fulfillment/rule-list/{draft.pk}/dry-run/", follow=True))
    assert "试运行完成：1 单中将挂起 1 单。" in page
    assert 'data-testid="newly-held-count">1<' in page
    page = html(boss.post(f"/fulfillment/rule-list/{draft.pk}/activate/", follow=True))
    assert "已启用审单规则 v2。" in page
    assert dict(ReviewRuleSet.objects.values_list("version", "state")) == {
        1: "retired", 2: "active"}


def test_ful1_reviewer_sees_rules_but_cannot_change_them(client_for, people):
    reviewer = client_for(people.reviewer)
    page = html(reviewer.get("/fulfillment/rule-list/"))
    assert 'data-testid="rule-new"' not in page
    assert reviewer.post("/fulfillment/rule-list/new/").status_code == 403
    v1 = ReviewRuleSet.objects.get(version=1)
    assert "保存草稿" not in html(reviewer.get(f"/fulfillment/rule-list/{v1.pk}/"))
    assert reviewer.post(f"/fulfillment/rule-list/{v1.pk}/dry-run/").status_code == 403


# -- end of day -------------------------------------------------------------------------------


def test_ful1_end_of_day_lists_paid_before_cutoff(paid_order, client_for, people,
                                                 put_in_state):
    cutoff = cutoff_today()
    late_morning = paid_order(paid_at=cutoff - timedelta(minutes=1))
    evening = paid_order(paid_at=cutoff + timedelta(minutes=1), customer_name="王芳")
    unprinted = put_in_state(paid_order(paid_at=cutoff - timedelta(hours=2)), "reviewed")
    short = put_in_state(paid_order(paid_at=cutoff - timedelta(hours=2)), "out_of_stock")
    printed = put_in_state(paid_order(paid_at=cutoff - timedelta(hours=3)), "printed")
    page = html(client_for(people.supervisor).get("/fulfillment/end-of-day/"))
    section = {key: page.split(f'data-testid="eod-{key}-list"')[1].split("</table>")[0]
               for key in ("unreviewed", "unprinted", "unshipped")}
    assert late_morning.number in section["unreviewed"]
    assert evening.number not in page
    assert unprinted.number in section["unprinted"]
    assert printed.number in section["unshipped"]
    assert short.number not in page

    counts = send_end_of_day()
    assert counts == {"unreviewed": 1, "unprinted": 1, "unshipped": 1}
    notes = Notification.objects.filter(title="下班前检查：今天还有订单未完成")
    assert sorted(n.recipient_id for n in notes) == sorted([people.reviewer.pk,
                                                           people.supervisor.pk])
    assert late_morning.number in notes[0].body
    assert Event.objects.filter(verb="review.end_of_day_sent").count() == 1


def test_ful1_batch_job_follows_the_times_setting(make_user):
    from shopops.core.actions.settings import change_setting

    tz = timezone.get_default_timezone()
    day = timezone.localdate()
    at = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()), tz)
    assert timezone.localtime(batch_times_next_run(at + timedelta(hours=9))).hour == 10
    assert timezone.localtime(batch_times_next_run(at + timedelta(hours=10))).hour == 16
    tomorrow = timezone.localtime(batch_times_next_run(at + timedelta(hours=17)))
    assert (tomorrow.date() - day, tomorrow.hour) == (timedelta(days=1), 10)
    admin = make_user(roles=["sysadmin"], level="db")
    change_setting(actor=admin, key="fulfillment.review_batch_times",
                   raw_value="09:30, 14:00, 18:00")
    assert timezone.localtime(batch_times_next_run(at + timedelta(hours=17))).hour == 18
    assert batch_times_next_run.follows_settings is True


def test_ful1_refund_stopped_at_verification_comes_back_to_the_reviewer(
        paid_order, reviewer, put_in_state):
    refund = put_in_state(paid_order(), "on_hold", hold_reason="refund", held_from="picked",
                          hold_note="该订单有退款")
    picker_short = put_in_state(paid_order(customer_name="王芳"), "out_of_stock",
                                hold_reason="out_of_stock", held_from="printed")
    part = html(reviewer.get("/fulfillment/review-queue/table/?tab=held"))
    assert refund.number in part and "有退款申请" in part
    assert picker_short.number not in part


def test_ful1_jobs_are_registered_and_batch_job_reports_missing_rules(paid_order, people):
    from shopops.core.periodic import PERIODIC
    from shopops.fulfillment.jobs_review import run_batch

    assert PERIODIC["fulfillment.review_batch"].next_run is batch_times_next_run
    assert PERIODIC["fulfillment.end_of_day"].next_run.follows_settings is True
    order = paid_order()
    ReviewRuleSet.objects.update(state="retired")
    run_batch()
    assert Order.objects.get(pk=order.pk).state == "paid"
    notes = Notification.objects.filter(title="自动审单未运行")
    assert sorted(n.recipient_id for n in notes) == sorted([people.boss.pk,
                                                           people.supervisor.pk])
    ReviewRuleSet.objects.filter(version=1).update(state="active")
    run_batch()
    assert Order.objects.get(pk=order.pk).state == "reviewed"
