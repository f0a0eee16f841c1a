"""The workbench every signed-in person lands on (APR-3: overdue items visible to their owner)."""

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


def _deadline(owner, state, due_in_minutes, title="审单"):
    return Deadline.objects.create(
        title=title, subject_type="orders.order", subject_id="1", owner=owner,
        due_at=timezone.now() + timedelta(minutes=due_in_minutes), action="notify", state=state)


def _stat(response, name):
    return response.context[name]


def test_home_greets_by_name_and_roles(picker, client_for):
    response = client_for(picker).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "，赵备货</h1>" in html
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


def test_home_queries_are_bounded(picker, manager, client_for, django_assert_max_num_queries):
    for i in range(30):
        notify([manager], title=f"通知{i}")
        Proposal.objects.create(kind="leave", title=f"请假{i}", proposer=picker,
                                state=Proposal.State.PENDING, chain=CHAIN)
        _deadline(manager, Deadline.State.FIRED, -i)
    client = client_for(manager)
    with django_assert_max_num_queries(15):
        response = client.get("/")
    assert _stat(response, "waiting") == 30
    assert _stat(response, "overdue") == 30


def test_home_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
