"""CS-4 follow-up visits (回访): scheduled for an owner at a time on the deadline engine (rule
CS-4), escalated to the owner's supervisor when overdue, met by logging the result,
cancelled with a reason; each agent's own list and the supervisor's list of all."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.actions.deadlines import fire_due_deadlines
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event, Notification
from shopops.service.actions.followups import cancel_follow_up, log_follow_up, schedule_follow_up


@pytest.fixture
def agent(make_user, zhoumin):
    return make_user(roles=["aftersale_cs"], username="zhengli", display_name="郑丽",
                     supervisor=zhoumin)


def deadline_of(follow_up):
    return Deadline.objects.get(subject_type="service.followup", subject_id=str(follow_up.pk))


def test_cs4_scheduling_opens_a_cs4_deadline_for_the_owner(make_customer, wuqian, agent):
    customer = make_customer()
    due = timezone.now() + timedelta(days=3)
    follow_up = schedule_follow_up(actor=wuqian, customer=customer, owner=agent, due_at=due,
                                   purpose="收货 3 天后回访穿着感受")
    deadline = deadline_of(follow_up)
    assert (deadline.rule, deadline.owner, deadline.due_at, deadline.state, deadline.action) == (
        "CS-4", agent, due, "pending", "escalate")
    assert deadline.title == f"回访 陈*（{customer.number}）：收货 3 天后回访穿着感受"
    assert Notification.objects.get(recipient=agent).title == f"新的回访任务：陈*（{customer.number}）"


def test_cs4_logging_the_result_meets_the_deadline(make_customer, wuqian, agent):
    follow_up = schedule_follow_up(actor=wuqian, customer=make_customer(), owner=agent,
                                   due_at=timezone.now() + timedelta(hours=2), purpose="换货后回访")
    log_follow_up(actor=agent, follow_up=follow_up, outcome="satisfied",
                  result="客户说新换的 L 码很合身，表示满意。")
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.outcome, follow_up.done_by) == ("done", "satisfied", agent)
    assert deadline_of(follow_up).state == "met"
    assert "满意 — 客户说新换的 L 码很合身" in Event.objects.get(verb="follow_up.logged").summary


def test_cs4_an_overdue_follow_up_escalates_to_the_supervisor(make_customer, wuqian, agent,
                                                              zhoumin, client_for):
    scheduled = timezone.now() - timedelta(days=2)
    follow_up = schedule_follow_up(actor=wuqian, customer=make_customer(), owner=agent,
                                   due_at=timezone.now() - timedelta(hours=1),
                                   purpose="差评客户回访", now=scheduled)
    Notification.objects.all().delete()
    fired = fire_due_deadlines(scheduler_id="test")
    assert [d.subject_id for d in fired] == [str(follow_up.pk)]
    assert Notification.objects.get(recipient=agent).title.startswith("时限已到：回访")
    escalation = Notification.objects.get(recipient=zhoumin)
    assert escalation.title.startswith("超时上报：回访") and "（负责人：郑丽）" in escalation.title
    page = client_for(agent).get("/service/follow-ups/?state=overdue").content.decode()
    assert f'data-follow-up="{follow_up.pk}"' in page and "已超时" in page
    log_follow_up(actor=agent, follow_up=follow_up, outcome="unreachable", result="电话未接通")
    deadline = deadline_of(follow_up)
    assert deadline.state == "fired" and deadline.closed_at is not None
    assert "（超时）" in Event.objects.get(verb="follow_up.logged").summary


def test_cs4_cancelling_cancels_the_deadline(make_customer, wuqian, agent):
    follow_up = schedule_follow_up(actor=wuqian, customer=make_customer(), owner=agent,
                                   due_at=timezone.now() + timedelta(days=1), purpose="回访")
    with pytest.raises(UserError, match="请填写取消原因"):
        cancel_follow_up(actor=agent, follow_up=follow_up, reason="")
    cancel_follow_up(actor=agent, follow_up=follow_up, reason="客户已主动来电反馈")
    follow_up.refresh_from_db()
    assert follow_up.state == "cancelled" and follow_up.cancel_reason == "客户已主动来电反馈"
    assert deadline_of(follow_up).state == "cancelled"


def test_cs4_bad_input_changes_nothing(make_customer, wuqian, agent, staff):
    customer = make_customer()
    with pytest.raises(UserError, match="回访时间须晚于现在"):
        schedule_follow_up(actor=wuqian, customer=customer, owner=agent,
                           due_at=timezone.now() - timedelta(hours=2), purpose="回访")
    with pytest.raises(UserError, match="请选择负责回访的客服"):
        schedule_follow_up(actor=wuqian, customer=customer, owner=staff["picker"],
                           due_at=timezone.now() + timedelta(hours=2), purpose="回访")
    assert not customer.follow_ups.exists() and not Deadline.objects.exists()


def test_cs4_only_the_owner_or_a_supervisor_logs_a_follow_up(make_customer, wuqian, agent,
                                                            make_user, zhoumin):
    other = make_user(roles=["presale_cs"], display_name="刘洋")
    follow_up = schedule_follow_up(actor=wuqian, customer=make_customer(), owner=agent,
                                   due_at=timezone.now() + timedelta(days=1), purpose="回访")
    with pytest.raises(PermissionDeniedError, match="这不是您的回访任务"):
        log_follow_up(actor=other, follow_up=follow_up, outcome="neutral", result="代为回访")
    log_follow_up(actor=zhoumin, follow_up=follow_up, outcome="neutral", result="主管代为回访")
    follow_up.refresh_from_db()
    assert follow_up.state == "done"


def test_cs4_my_follow_ups_and_all_for_the_supervisor(make_customer, wuqian, agent, zhoumin,
                                                      client_for):
    due = timezone.now() + timedelta(days=1)
    mine = schedule_follow_up(actor=wuqian, customer=make_customer(), owner=wuqian, due_at=due,
                              purpose="新品到货通知")
    theirs = schedule_follow_up(actor=wuqian, customer=make_customer(phone="13900000000"),
                                owner=agent, due_at=due, purpose="退款到账确认")
    own = client_for(wuqian).get("/service/follow-ups/?scope=all").content.decode()
    assert f'data-follow-up="{mine.pk}"' in own and f'data-follow-up="{theirs.pk}"' not in own
    everyone = client_for(zhoumin).get("/service/follow-ups/?scope=all").content.decode()
    assert f'data-follow-up="{mine.pk}"' in everyone and f'data-follow-up="{theirs.pk}"' in everyone


def test_cs4_schedule_and_log_through_the_pages(make_customer, wuqian, client_for):
    customer = make_customer()
    client = client_for(wuqian)
    due = timezone.localtime() + timedelta(days=2)
    response = client.post(f"/service/customers/{customer.pk}/follow-ups/", {
        "purpose": "确认退款已到账", "owner": wuqian.pk, "due_at": due.strftime("%Y-%m-%dT%H:%M"),
        "order": ""}, follow=True)
    assert "已安排回访：吴倩" in response.content.decode()
    follow_up = customer.follow_ups.get()
    client.post(f"/service/follow-ups/{follow_up.pk}/log/",
                {"outcome": "satisfied", "result": "已到账，客户满意"})
    follow_up.refresh_from_db()
    assert follow_up.state == "done"


def test_cs4_follow_up_list_queries_are_bounded(make_customer, wuqian, zhoumin, client_for,
                                                django_assert_max_num_queries):
    due = timezone.now() + timedelta(days=1)
    for n in range(20):
        schedule_follow_up(actor=wuqian, customer=make_customer(phone=f"1370000{n:04d}"),
                           owner=wuqian, due_at=due, purpose=f"回访 {n}")
    client = client_for(zhoumin)
    client.get("/service/follow-ups/?scope=all")
    with django_assert_max_num_queries(10):
        html = client.get("/service/follow-ups/?scope=all").content.decode()
    assert html.count("data-follow-up=") == 20
