"""HR-8: resignation with a month's notice, handover of everything within a week."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shopops.core.actions.deadlines import fire_due_deadlines
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event, Notification
from shopops.staff.actions.plans import (
    accept_resignation,
    complete_handover,
    submit_resignation,
    tick_handover_item,
)
from shopops.staff.models import Resignation


def test_hr8_notice_date_defaults_to_a_month(people):
    today = timezone.localdate()
    row = submit_resignation(actor=people.cs, reason="回老家")
    assert row.last_day == today + timedelta(days=30)
    assert row.state == Resignation.State.SUBMITTED
    assert Notification.objects.filter(recipient=people.boss).latest("pk").title == \
        f"刘洋 提交辞职（最后工作日 {row.last_day}）"
    with pytest.raises(UserError) as exc:
        submit_resignation(actor=people.cs)
    assert exc.value.code == "resignation_open"


def test_hr8_last_day_before_notice_is_refused(people):
    early = timezone.localdate() + timedelta(days=29)
    with pytest.raises(UserError) as exc:
        submit_resignation(actor=people.cs2, last_day=early)
    assert exc.value.code == "notice_too_short"
    assert not Resignation.objects.exists()
    later = timezone.localdate() + timedelta(days=45)
    assert submit_resignation(actor=people.cs2, last_day=later).last_day == later


def test_hr8_handover_refused_until_every_item_done(people):
    row = submit_resignation(actor=people.cs)
    accept_resignation(actor=people.boss, resignation=row, items=["客户资料", "账号密码移交"])
    assert [e["item"] for e in row.handover] == ["客户资料", "账号密码移交"]
    tick_handover_item(actor=people.cs, resignation=row, index=0)
    with pytest.raises(UserError) as exc:
        complete_handover(actor=people.cs_boss, resignation=row)
    assert exc.value.code == "handover_incomplete"
    assert exc.value.message == "交接尚未完成：账号密码移交。"
    row.refresh_from_db()
    assert row.state == Resignation.State.ACCEPTED
    tick_handover_item(actor=people.cs_boss, resignation=row, index=1)
    complete_handover(actor=people.cs_boss, resignation=row)
    row.refresh_from_db()
    assert row.state == Resignation.State.HANDED_OVER
    assert row.handover[1]["by_name"] == "周敏" and row.handover[1]["done"] is True
    # The account stays active: the system administrator is told to deactivate it.
    people.cs.refresh_from_db()
    assert people.cs.is_active is True
    note = Notification.objects.get(recipient=people.admin)
    assert note.title == f"刘洋 已完成离职交接，请在最后工作日 {row.last_day} 后停用其账号"
    assert Deadline.objects.get(rule="HR-8").state == Deadline.State.MET
    assert list(Event.objects.filter(object_id=str(row.pk), verb__startswith="staff.")
                .values_list("verb", flat=True).order_by("pk")) == [
        "staff.resignation_submitted", "staff.resignation_accepted", "staff.handover_ticked",
        "staff.handover_ticked", "staff.handover_completed"]


def test_hr8_overdue_handover_notifies_the_manager(people):
    row = submit_resignation(actor=people.cs)
    accept_resignation(actor=people.boss, resignation=row, items=["文件资料"])
    deadline = Deadline.objects.get(rule="HR-8")
    due_day = row.last_day + timedelta(days=7)
    assert f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}" == f"{due_day} 23:59"
    assert deadline.owner == people.boss
    fire_due_deadlines(scheduler_id="test", now=deadline.due_at - timedelta(minutes=1))
    assert not Notification.objects.filter(recipient=people.boss,
                                           title__startswith="时限已到").exists()
    fire_due_deadlines(scheduler_id="test", now=deadline.due_at + timedelta(minutes=1))
    assert Notification.objects.get(recipient=people.boss, title__startswith="时限已到").title \
        == f"时限已到：刘洋 离职交接（{due_day} 前完成）"


def test_hr8_permissions(people):
    row = submit_resignation(actor=people.cs)
    with pytest.raises(PermissionDeniedError):
        accept_resignation(actor=people.cs_boss, resignation=row)
    # Confirming penalties (the general manager may) is not accepting resignations.
    with pytest.raises(PermissionDeniedError) as exc:
        accept_resignation(actor=people.gm, resignation=row)
    assert "受理辞职" in str(exc.value)
    accept_resignation(actor=people.boss, resignation=row)
    assert len(row.handover) == 5  # the default checklist setting
    with pytest.raises(PermissionDeniedError):
        tick_handover_item(actor=people.cs2, resignation=row, index=0)
    with pytest.raises(PermissionDeniedError):
        complete_handover(actor=people.cs, resignation=row)


def test_hr8_pages_walk_through_resignation(people, client_for):
    cs, boss = client_for(people.cs), client_for(people.boss)
    response = cs.post(reverse("staff:resignation_list"), {"reason": "深造"}, follow=True)
    row = Resignation.objects.get(person=people.cs)
    assert f"辞职申请已提交，最后工作日 {row.last_day}。" in response.content.decode()
    detail = reverse("staff:resignation_detail", args=[row.pk])
    act = reverse("staff:resignation_act", args=[row.pk])
    assert client_for(people.cs2).get(detail).status_code == 404
    assert 'data-testid="accept"' not in cs.get(detail).content.decode()
    page = boss.post(act, {"action": "accept", "items": "客户资料\n\n办公用品"},
                     follow=True).content.decode()
    assert "已接受辞职，交接清单已生成。" in page
    page = boss.post(act, {"action": "complete"}, follow=True).content.decode()
    assert "交接尚未完成：客户资料、办公用品。" in page
    cs.post(act, {"action": "tick", "index": "0"})
    page = cs.post(act, {"action": "tick", "index": "1"}, follow=True).content.decode()
    assert "已登记交接。" in page and 'data-testid="complete"' not in page
    page = boss.post(act, {"action": "complete"}, follow=True).content.decode()
    assert "交接完成，已通知系统管理员停用账号。" in page
    assert '<span class="tag" data-testid="resignation-state">已交接</span>' in page
    page = boss.post(act, {"action": "left"}, follow=True).content.decode()
    row.refresh_from_db()
    assert row.state == Resignation.State.LEFT and "已登记离职。" in page


def test_hr8_list_queries_bounded(people, make_user, client_for, django_assert_max_num_queries):
    for _ in range(60):
        submit_resignation(actor=make_user(roles=["packer"]))
    client = client_for(people.boss)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("staff:resignation_list")).content.decode()
    assert page.count("/staff/resignations/") >= 50
    assert "第 1 / 2 页，共 60 条" in page
