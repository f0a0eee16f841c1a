"""CS-3: the sweep scores every closed conversation automatically; the supervisor reviews a
result and overrides the score with a comment; an agent sees their own results and cannot
review them; per-agent averages and trends."""

from datetime import timedelta

import pytest

from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event, Notification
from shopops.service.actions.quality import review_check
from shopops.service.jobs_quality import sweep
from shopops.service.models import QualityCheck
from shopops.service.quality import inspect_conversation

from .conftest import today_at
from .test_quality import dress_sale


def test_cs3_the_sweep_scores_closed_conversations_once_in_bounded_batches(talk, wuqian):
    closed = [talk(wuqian, dress_sale()) for _ in range(3)]
    open_one = talk(wuqian, dress_sale(), state="active")
    assert sweep(limit=2) == 2
    assert sweep(limit=2) == 1
    assert sweep() == 0
    assert set(QualityCheck.objects.values_list("conversation_id", flat=True)) == {
        c.pk for c in closed}
    assert not QualityCheck.objects.filter(conversation=open_one).exists()
    assert Event.objects.filter(verb="quality.scored").count() == 3


def test_cs3_the_sweep_is_a_periodic_job_every_minute(db):
    from shopops.core.periodic import PERIODIC

    job = PERIODIC["service.quality_sweep"]
    now = today_at(9)
    assert job.next_run(now) == now + timedelta(seconds=60)


def test_cs3_supervisor_overrides_the_score_with_a_comment(talk, wuqian, zhoumin):
    check = inspect_conversation(talk(wuqian, dress_sale(closing=None)))
    assert check.score == 90
    with pytest.raises(UserError, match="修改得分须填写复核意见"):
        review_check(actor=zhoumin, check=check, final_score=100)
    reviewed = review_check(actor=zhoumin, check=check, final_score=100,
                            comment="客户已先说再见离开，客服无法再发结束语，不扣分。")
    assert (reviewed.score, reviewed.final_score, reviewed.effective_score) == (90, 100, 100)
    assert reviewed.state == "reviewed" and reviewed.reviewed_by == zhoumin
    event = Event.objects.get(verb="quality.reviewed")
    assert event.summary.startswith("复核质检 HH") and "90 → 100 分" in event.summary
    assert event.changes == {"score": [90, 100]}
    note = Notification.objects.get(recipient=wuqian)
    assert note.title.endswith("改为 100 分")


def test_cs3_supervisor_may_confirm_the_score_without_comment(talk, wuqian, zhoumin):
    check = inspect_conversation(talk(wuqian, dress_sale()))
    reviewed = review_check(actor=zhoumin, check=check, final_score=100)
    assert reviewed.final_score is None and reviewed.state == "reviewed"
    assert "维持 100 分" in Event.objects.get(verb="quality.reviewed").summary


def test_cs3_an_agent_cannot_review_their_own_result(talk, zhoumin, client_for):
    # The supervisor also takes chats; her own conversation is reviewed by someone else.
    check = inspect_conversation(talk(zhoumin, dress_sale(greeting=None)))
    with pytest.raises(PermissionDeniedError, match="不能复核自己接待的会话"):
        review_check(actor=zhoumin, check=check, final_score=100, comment="自己改")
    check.refresh_from_db()
    assert check.state == "auto" and check.final_score is None
    client = client_for(zhoumin)
    page = client.get(f"/service/quality/{check.pk}/").content.decode()
    assert 'data-testid="review-form"' not in page
    assert "这是您接待的会话，由客服主管复核。" in page
    client.post(f"/service/quality/{check.pk}/review/", {"final_score": "100", "comment": "x"})
    check.refresh_from_db()
    assert check.final_score is None


def test_cs3_an_agent_without_review_rights_cannot_review(talk, wuqian, zhengli, client_for):
    check = inspect_conversation(talk(zhengli, dress_sale(closing=None)))
    with pytest.raises(PermissionDeniedError):
        review_check(actor=wuqian, check=check, final_score=100, comment="帮同事改")
    response = client_for(wuqian).post(f"/service/quality/{check.pk}/review/",
                                       {"final_score": "100", "comment": "帮同事改"})
    assert response.status_code == 403


def test_cs3_agents_see_only_their_own_results(talk, wuqian, zhengli, client_for):
    mine = inspect_conversation(talk(wuqian, dress_sale()))
    theirs = inspect_conversation(talk(zhengli, dress_sale(closing=None)))
    client = client_for(wuqian)
    listing = client.get("/service/quality/").content.decode()
    assert mine.conversation.number in listing and theirs.conversation.number not in listing
    assert client.get(f"/service/quality/{theirs.pk}/").status_code == 403
    assert client.get(f"/service/quality/agents/{zhengli.pk}/").status_code == 404


def test_cs3_the_page_marks_the_faulty_messages(talk, wuqian, zhoumin, client_for):
    tail = [("客户", 260, "对了，能开发票吗？抬头写公司的")]
    check = inspect_conversation(talk(wuqian, dress_sale(first_reply=40, tail=tail)))
    html = client_for(zhoumin).get(f"/service/quality/{check.pk}/").content.decode()
    assert 'data-testid="score">65<' in html
    assert html.count("chat-msg customer flagged") == 2  # first question (slow), the invoice
    assert html.count("chat-msg agent flagged") == 1  # the late greeting
    assert "客户首条消息后 40 秒才回复（时限 30 秒）。" in html
    assert "客户消息未回复" in html and "−20" in html


def test_cs3_review_through_the_page(talk, wuqian, zhoumin, client_for):
    check = inspect_conversation(talk(wuqian, dress_sale(notice="好的，您拍下后我尽快安排。")))
    client = client_for(zhoumin)
    response = client.post(f"/service/quality/{check.pk}/review/",
                           {"final_score": "95", "comment": "已在售前单独提醒，少扣 10 分"},
                           follow=True)
    assert "已复核：95 分。" in response.content.decode()
    check.refresh_from_db()
    assert check.effective_score == 95 and check.review_comment == "已在售前单独提醒，少扣 10 分"


def test_cs3_per_agent_averages_rule_counts_and_weekly_trend(talk, wuqian, zhengli, zhoumin,
                                                             client_for):
    for days_ago, fault in [(0, {}), (0, {"closing": None}), (14, {"greeting": None}),
                            (14, {"first_reply": 60})]:
        inspect_conversation(talk(wuqian, dress_sale(**fault), start=today_at(10, days_ago=days_ago)))
    inspect_conversation(talk(zhengli, dress_sale(), start=today_at(11)))
    client = client_for(zhoumin)
    html = client.get("/service/quality/agents/").content.decode()
    row = html.split(f'data-agent="{wuqian.pk}"')[1].split("</tr>")[0]
    # 100, 90, 90, 85 → 91.2 over the last 30 days; one fault of each kind.
    assert ">91.2<" in row
    # The trend: this week 100 and 90, two weeks ago 90 and 85; six weeks without.
    assert "平均 95.0 分，2 个会话" in row and "平均 87.5 分，2 个会话" in row
    assert row.count("无会话") == 6
    page = client.get(f"/service/quality/agents/{wuqian.pk}/?by=week").content.decode()
    assert 'data-testid="average">91.2<' in page


def test_cs3_quality_pages_have_bounded_queries(talk, wuqian, zhengli, zhoumin, client_for,
                                                django_assert_max_num_queries, make_customer):
    for n in range(12):
        agent = wuqian if n % 2 else zhengli
        customer = make_customer(name=f"客户{n}", phone=f"1390000{n:04d}")
        inspect_conversation(talk(agent, dress_sale(closing=None if n % 3 else CLOSING_OK),
                                  customer=customer, start=today_at(9, n, days_ago=n % 5)))
    client = client_for(zhoumin)
    for url in ("/service/quality/", "/service/quality/agents/",
                f"/service/quality/agents/{wuqian.pk}/?by=day",
                f"/service/quality/{QualityCheck.objects.first().pk}/"):
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url


CLOSING_OK = "好的，非常感谢您对五步商城的关注与支持，再见！"


def test_cs3_rescore_after_a_settings_change_but_never_a_reviewed_result(
        talk, wuqian, zhengli, zhoumin, client_for, set_setting):
    auto = inspect_conversation(talk(wuqian, dress_sale(closing=None)))
    reviewed = review_check(actor=zhoumin, check=inspect_conversation(
        talk(zhengli, dress_sale(closing=None))), final_score=90)
    set_setting("service.qi_deduct_no_closing", 5)
    client = client_for(zhoumin)
    client.post(f"/service/quality/{auto.pk}/rescore/")
    client.post(f"/service/quality/{reviewed.pk}/rescore/")
    auto.refresh_from_db()
    reviewed.refresh_from_db()
    assert auto.score == 95 and reviewed.score == 90
    event = Event.objects.get(verb="quality.rescored")
    assert event.actor == zhoumin and "90 → 95 分" in event.summary


def test_cs3_the_supervisor_can_run_the_sweep_now(talk, wuqian, zhoumin, client_for):
    talk(wuqian, dress_sale())
    response = client_for(zhoumin).post("/service/quality/sweep/", follow=True)
    assert "已质检 1 个已结束的会话。" in response.content.decode()
    assert QualityCheck.objects.count() == 1
