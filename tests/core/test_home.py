"""我的工作, the page every signed-in person lands on: proposals waiting for their decision,
their deadlines (APR-3: overdue items visible to their owner), their own proposals under
approval (APR-1, APR-2) and the newest notifications."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.models import Deadline, Notification, Proposal
from shopops.core.notify import notify

CHAIN = {"proposer_roles": [], "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
         "executor_roles": []}


@pytest.fixture
def picker(make_user):
    return make_user(roles=["picker"], display_name="赵备货")


@pytest.fixture
def manager(make_user):
    return make_user(roles=["manager"], display_name="王经理")


def _deadline(owner, state, due_in_minutes, title="审单", **fields):
    return Deadline.objects.create(
        title=title, subject_type="orders.order", subject_id="1", owner=owner,
        due_at=timezone.now() + timedelta(minutes=due_in_minutes), action="notify", state=state,
        **fields)


def _pending(proposer, title, kind="leave", chain=CHAIN, minutes_ago=0):
    return Proposal.objects.create(
        kind=kind, title=title, proposer=proposer, state=Proposal.State.PENDING, chain=chain,
        submitted_at=timezone.now() - timedelta(minutes=minutes_ago))


def _section(html, testid, end="</table>"):
    """The HTML of the table marked data-testid=testid."""
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index(end, start)]


def _stat(response, name):
    return response.context[name]


def test_home_is_my_work_and_greets_by_name_and_roles(picker, client_for):
    response = client_for(picker).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>我的工作 · ShopOps 电商运营管理系统</title>" in html
    assert '<h1>我的工作 <span class="muted big">My work</span></h1>' in html
    assert "，赵备货</p>" in html
    assert "备货员" in html


def test_home_marks_acting_roles(make_user, client_for):
    from shopops.accounts.models import RoleAssignment

    person = make_user(roles=["picker"])
    RoleAssignment.objects.filter(user=person).update(acting=True)
    assert "备货员（代理）" in client_for(person).get("/").content.decode()


def test_apr3_home_counts_overdue_deadlines_of_the_owner_only(picker, manager, client_for):
    _deadline(picker, Deadline.State.FIRED, -30)
    _deadline(picker, Deadline.State.PENDING, -5)  # past due, not yet swept
    _deadline(picker, Deadline.State.PENDING, 60)  # not due yet
    _deadline(picker, Deadline.State.MET, -60)
    _deadline(manager, Deadline.State.FIRED, -30)  # someone else's

    response = client_for(picker).get("/")
    assert _stat(response, "overdue") == 2
    assert 'data-testid="stat-overdue"><b>2</b>' in response.content.decode()


def test_home_counts_unread_and_shows_five_newest_notifications(picker, client_for):
    for i in range(7):
        notify([picker], title=f"通知{i}")
    Notification.objects.filter(title="通知0").update(read_at=timezone.now())

    response = client_for(picker).get("/")
    assert _stat(response, "unread") == 6
    shown = [n.title for n in response.context["notifications"]]
    assert shown == ["通知6", "通知5", "通知4", "通知3", "通知2"]
    assert "通知1" not in response.content.decode().split('data-testid="latest-notifications"')[1]


def test_apr2_home_counts_proposals_waiting_for_me_and_mine(picker, manager, client_for):
    for i in range(2):
        Proposal.objects.create(kind="leave", title=f"请假{i}", proposer=picker,
                                state=Proposal.State.PENDING, chain=CHAIN)
    Proposal.objects.create(kind="leave", title="草稿", proposer=picker, chain=CHAIN)

    assert _stat(client_for(manager).get("/"), "waiting") == 2
    mine = client_for(picker).get("/")
    assert _stat(mine, "mine_pending") == 2
    assert _stat(mine, "waiting") == 0  # nobody approves their own proposal


def test_home_links_follow_the_roles(picker, make_user, client_for):
    admin = make_user(roles=["sysadmin"], level="db")
    picker_html = client_for(picker).get("/").content.decode()
    admin_html = client_for(admin).get("/").content.decode()
    links = 'data-testid="my-links"'
    assert "/settings/" not in picker_html.split(links)[1]
    assert "/events/" not in picker_html.split(links)[1]
    assert "/settings/" in admin_html.split(links)[1]
    assert "/events/" in admin_html.split(links)[1]


def test_apr2_home_lists_the_ten_oldest_proposals_waiting_for_my_decision(
        picker, manager, make_user, client_for):
    for i in range(12):
        _pending(picker, f"请假{i}", minutes_ago=100 - i)  # 请假0 waits longest
    executable = Proposal.objects.create(
        kind="role_change", title="岗位变更：赵备货", proposer=manager,
        state=Proposal.State.APPROVED, chain={**CHAIN, "executor_roles": ["sysadmin"]},
        submitted_at=timezone.now() - timedelta(days=1))
    _pending(manager, "我自己的申请")  # nobody approves their own proposal

    response = client_for(manager).get("/")
    rows = response.context["waiting_rows"]
    assert [p.title for p in rows] == [f"请假{i}" for i in range(10)]
    assert _stat(response, "waiting") == 12
    html = response.content.decode()
    table = _section(html, "home-waiting")
    first = rows[0]
    assert f'<a href="/proposals/{first.pk}/">请假0</a>' in table
    assert "<td>赵备货</td>" in table and "审批：部门经理审批" in table
    assert "请假10" not in table and "我自己的申请" not in table
    assert '全部 12 条待我审批 →' in html

    admin_html = client_for(make_user(roles=["sysadmin"])).get("/").content.decode()
    executing = _section(admin_html, "home-waiting")
    assert f'<a href="/proposals/{executable.pk}/">岗位变更：赵备货</a>' in executing
    assert "<td>岗位变更</td>" in executing and "<td>执行</td>" in executing


def test_apr3_home_lists_my_open_deadlines_soonest_first_overdue_highlighted(
        picker, manager, client_for):
    _deadline(picker, Deadline.State.PENDING, 90, title="验货")
    _deadline(picker, Deadline.State.FIRED, -30, title="审单超时")
    _deadline(picker, Deadline.State.PENDING, 30, title="打单")
    _deadline(picker, Deadline.State.MET, -60, title="已完成的")
    _deadline(picker, Deadline.State.FIRED, -90, title="已关闭的", closed_at=timezone.now())
    _deadline(picker, Deadline.State.CANCELLED, 60, title="已取消的")
    _deadline(manager, Deadline.State.PENDING, 10, title="经理的")

    response = client_for(picker).get("/")
    rows = response.context["deadline_rows"]
    assert [d.title for d in rows] == ["审单超时", "打单", "验货"]
    table = _section(response.content.decode(), "home-deadlines")
    overdue_row = table.split("<tr")[2]  # after the header row
    assert 'class="overdue"' in overdue_row and "<b>审单超时</b>" in overdue_row
    assert '<span class="tag bad">已超时 30 分钟</span>' in overdue_row
    assert '<span class="tag warn">剩余 29 分钟</span>' in table \
        or '<span class="tag warn">剩余 30 分钟</span>' in table
    assert "剩余 1 小时 29 分钟" in table or "剩余 1 小时 30 分钟" in table
    for other in ("已完成的", "已关闭的", "已取消的", "经理的"):
        assert other not in table
    assert _stat(response, "overdue") == 1


def test_apr3_home_shows_ten_deadlines_and_links_to_all(picker, client_for):
    for i in range(12):
        _deadline(picker, Deadline.State.PENDING, 60 + i, title=f"事项{i}")
    response = client_for(picker).get("/")
    assert [d.title for d in response.context["deadline_rows"]] == [f"事项{i}" for i in range(10)]
    assert '<a href="/deadlines/">全部 12 条未完成时限 →</a>' in response.content.decode()


def test_apr1_home_lists_my_proposals_under_approval(picker, manager, client_for):
    two_steps = {**CHAIN, "steps": [{"label": "部门经理审批", "roles": ["manager"]},
                                    {"label": "总经理审批", "roles": ["general_manager"]}]}
    first = _pending(picker, "请假一天", minutes_ago=5)
    second = _pending(picker, "调休", chain=two_steps)
    Proposal.objects.filter(pk=second.pk).update(step_index=1)
    Proposal.objects.create(kind="leave", title="草稿", proposer=picker, chain=CHAIN)
    _pending(manager, "别人的申请")

    response = client_for(picker).get("/")
    assert [p.title for p in response.context["mine_rows"]] == ["调休", "请假一天"]
    table = _section(response.content.decode(), "home-mine")
    assert f'<a href="/proposals/{first.pk}/">请假一天</a>' in table
    assert "<td>总经理审批</td>" in table and "<td>部门经理审批</td>" in table
    assert "草稿" not in table and "别人的申请" not in table


def test_home_says_when_nothing_waits(picker, client_for):
    html = client_for(picker).get("/").content.decode()
    assert "没有等待您处理的申请。" in html
    assert "没有待完成的时限事项。" in html
    assert "您没有审批中的申请。" in html
    assert "暂无通知。" in html


def test_home_in_english(picker, manager, client_for, settings):
    _pending(picker, "请假0")
    _deadline(manager, Deadline.State.FIRED, -30)
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert "<h1>My work</h1>" in html
    assert "<h2>Waiting for me</h2>" in html and "<h2>My deadlines</h2>" in html
    assert "<h2>My proposals under approval</h2>" in html
    assert "Approve: 部门经理审批" in html  # the chain's step names are data


def test_home_queries_are_bounded(picker, manager, client_for, django_assert_max_num_queries):
    for i in range(30):
        notify([manager], title=f"通知{i}")
        _pending(picker, f"请假{i}")  # waiting for the manager
        _pending(manager, f"采购{i}", chain={**CHAIN, "steps": [
            {"label": "总经理审批", "roles": ["general_manager"]}]})
        _deadline(manager, Deadline.State.FIRED, -i - 1)
        _deadline(manager, Deadline.State.PENDING, i + 1)
    client = client_for(manager)
    with django_assert_max_num_queries(20):
        response = client.get("/")
    assert _stat(response, "waiting") == 30
    assert _stat(response, "mine_pending") == 30
    assert _stat(response, "overdue") == 30
    assert len(response.context["waiting_rows"]) == 10
    assert len(response.context["mine_rows"]) == 10
    assert len(response.context["deadline_rows"]) == 10
    assert len(response.context["notifications"]) == 5


def test_home_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
