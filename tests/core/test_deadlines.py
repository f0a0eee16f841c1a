"""APR-3: deadlines (时限) — opened, met, cancelled, fired exactly once; the pages."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core import events
from shopops.core.actions.deadlines import (
    cancel_deadlines_for,
    fire_due_deadlines,
    meet_deadline,
    open_deadline,
)
from shopops.core.models import Deadline, Event, Notification

SERVICE_CALLS = []
FAIL_NEXT = {"times": 0}


def remember(*, deadline):
    """A service action: records that it ran (as an auto-act would change business data)."""
    SERVICE_CALLS.append(deadline)
    events.record(actor=None, verb="test.auto_acted", object_type="test",
                  object_id=str(deadline.pk))
    if FAIL_NEXT["times"] > 0:
        FAIL_NEXT["times"] -= 1
        raise RuntimeError("courier API down")


@pytest.fixture(autouse=True)
def _reset_service():
    SERVICE_CALLS.clear()
    FAIL_NEXT["times"] = 0
    yield
    SERVICE_CALLS.clear()
    FAIL_NEXT["times"] = 0


def _open(subject, owner, *, minutes=10, action="notify", **more):
    more.setdefault("title", "联系客户确认订单")
    more.setdefault("rule", "ORD-2")
    return open_deadline(actor=owner, subject=subject, owner=owner,
                         due_at=timezone.now() + timedelta(minutes=minutes), action=action,
                         **more)


def _inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_apr3_deadline_fires_once_when_due_and_not_before(make_user):
    owner, subject = make_user(roles=["presale_cs"]), make_user()
    deadline = _open(subject, owner, minutes=10)

    assert fire_due_deadlines(scheduler_id="s1") == []
    assert fire_due_deadlines(scheduler_id="s1", now=deadline.due_at - timedelta(seconds=1)) == []
    deadline.refresh_from_db()
    assert deadline.state == "pending"
    assert _inbox(owner) == []

    later = deadline.due_at + timedelta(seconds=1)
    assert [d.pk for d in fire_due_deadlines(scheduler_id="s1", now=later)] == [deadline.pk]
    assert fire_due_deadlines(scheduler_id="s2", now=later + timedelta(minutes=5)) == []

    deadline.refresh_from_db()
    assert (deadline.state, deadline.fired_by, deadline.fired_at) == ("fired", "s1", later)
    assert _inbox(owner) == ["时限已到：联系客户确认订单"]
    fired = Event.objects.filter(verb="deadline.fired")
    assert fired.count() == 1
    event = fired.get()
    assert event.actor is None and event.actor_name == "系统"
    assert (event.object_type, event.object_id) == ("accounts.user", str(subject.pk))
    assert event.data["owner"] == owner.pk and event.data["rule"] == "ORD-2"
    assert Event.objects.filter(verb="deadline.opened", object_id=str(subject.pk)).count() == 1


def test_apr3_notify_reaches_only_the_owner(make_user):
    boss = make_user(roles=["cs_supervisor"])
    manager = make_user(roles=["manager"])
    owner = make_user(roles=["presale_cs"], supervisor=boss)
    deadline = _open(make_user(), owner, minutes=-1)

    fire_due_deadlines(scheduler_id="s")

    assert _inbox(owner) == ["时限已到：联系客户确认订单"]
    assert _inbox(boss) == [] and _inbox(manager) == []
    note = Notification.objects.get(recipient=owner)
    assert note.link == "/deadlines/" and note.category == "deadline"
    assert "ORD-2" in note.body
    assert deadline.pk in Event.objects.get(verb="deadline.fired").data.values()


def test_apr3_escalate_reaches_owner_and_supervisor(make_user):
    boss = make_user(roles=["warehouse_supervisor"], display_name="王主管")
    manager = make_user(roles=["manager"])
    owner = make_user(roles=["reviewer"], supervisor=boss, display_name="李审单")
    _open(make_user(), owner, minutes=-1, action="escalate", title="当日审单", rule="FUL-1",
          link="/orders/7/")

    fire_due_deadlines(scheduler_id="s")

    assert _inbox(owner) == ["时限已到：当日审单"]
    assert _inbox(boss) == ["超时上报：当日审单（负责人：李审单）"]
    assert _inbox(manager) == []
    assert set(Notification.objects.values_list("link", flat=True)) == {"/orders/7/"}
    event = Event.objects.get(verb="deadline.fired")
    assert sorted(event.data["notified"]) == sorted([owner.pk, boss.pk])


def test_apr3_escalate_without_supervisor_reaches_every_manager(make_user):
    managers = [make_user(roles=["manager"]), make_user(roles=["manager"])]
    other = make_user(roles=["finance"])
    owner = make_user(roles=["printer"])
    _open(make_user(), owner, minutes=-1, action="escalate", title="打单交接", rule="FUL-2")

    fire_due_deadlines(scheduler_id="s")

    assert _inbox(owner) == ["时限已到：打单交接"]
    for manager in managers:
        assert _inbox(manager) == ["超时上报：打单交接（负责人：" + str(owner) + "）"]
    assert _inbox(other) == []


def test_apr3_deadline_without_owner_goes_to_managers(make_user):
    manager = make_user(roles=["manager"])
    open_deadline(actor=None, subject=make_user(), owner=None,
                  due_at=timezone.now() - timedelta(minutes=1), action="notify", title="无人认领")

    fire_due_deadlines(scheduler_id="s")

    assert _inbox(manager) == ["超时上报：无人认领（无负责人）"]


def test_apr3_service_action_is_called_with_the_deadline(make_user):
    owner, subject = make_user(), make_user()
    deadline = _open(subject, owner, minutes=-1, action="service",
                     service="tests.core.test_deadlines.remember", params={"accept": True},
                     rule="PUR-2", title="供应商 3 天未答复视为接受")

    fired = fire_due_deadlines(scheduler_id="s")

    assert [d.pk for d in fired] == [deadline.pk]
    assert len(SERVICE_CALLS) == 1
    called = SERVICE_CALLS[0]
    assert (called.pk, called.params, called.state) == (deadline.pk, {"accept": True}, "fired")
    assert Event.objects.filter(verb="test.auto_acted", object_id=str(deadline.pk)).count() == 1
    assert Notification.objects.count() == 0  # auto-act: nobody is nagged


def test_apr3_failing_service_leaves_deadline_pending_and_is_retried(make_user, caplog):
    owner = make_user()
    deadline = _open(make_user(), owner, minutes=-1, action="service",
                     service="tests.core.test_deadlines.remember")
    FAIL_NEXT["times"] = 1

    with caplog.at_level(logging.ERROR, logger="shopops.deadlines"):
        assert fire_due_deadlines(scheduler_id="s") == []

    deadline.refresh_from_db()
    assert (deadline.state, deadline.fired_at, deadline.fired_by) == ("pending", None, "")
    # The service's own writes were rolled back with the claim.
    assert not Event.objects.filter(verb__in=["test.auto_acted", "deadline.fired"]).exists()
    assert f"deadline {deadline.pk} failed to fire" in caplog.text
    assert "courier API down" in caplog.text

    assert [d.pk for d in fire_due_deadlines(scheduler_id="s")] == [deadline.pk]
    assert len(SERVICE_CALLS) == 2
    deadline.refresh_from_db()
    assert deadline.state == "fired"
    assert Event.objects.filter(verb="test.auto_acted").count() == 1
    assert Event.objects.filter(verb="deadline.fired").count() == 1


def test_apr3_open_refuses_bad_arguments(make_user):
    owner = make_user()
    with pytest.raises(ValueError):
        _open(owner, owner, action="shout")
    with pytest.raises(ValueError):
        _open(owner, owner, action="service")
    with pytest.raises(ImportError):
        _open(owner, owner, action="service", service="tests.core.test_deadlines.nothing_here")
    with pytest.raises(ValueError):
        open_deadline(actor=owner, subject=owner, owner=owner, action="notify", title="x",
                      due_at=timezone.now().replace(tzinfo=None))
    assert Deadline.objects.count() == 0


def test_apr3_met_deadline_does_not_fire(make_user):
    owner, subject = make_user(), make_user()
    deadline = _open(subject, owner, minutes=10)

    assert meet_deadline(actor=owner, subject=subject) == 1

    deadline.refresh_from_db()
    assert deadline.state == "met" and deadline.closed_at is not None
    assert fire_due_deadlines(scheduler_id="s", now=deadline.due_at + timedelta(hours=1)) == []
    assert _inbox(owner) == []
    met = Event.objects.get(verb="deadline.met")
    assert (met.actor, met.object_id, met.summary) == (owner, str(subject.pk),
                                                      "按时完成：联系客户确认订单")


def test_apr3_meet_only_the_named_rule(make_user):
    owner, subject = make_user(), make_user()
    confirm = _open(subject, owner, rule="ORD-2", minutes=10)
    handover = _open(subject, owner, rule="ORD-3", minutes=60 * 24, title="交运营跟踪")

    assert meet_deadline(actor=owner, subject=subject, rule="ORD-2") == 1

    confirm.refresh_from_db()
    handover.refresh_from_db()
    assert (confirm.state, handover.state) == ("met", "pending")


def test_apr3_met_after_due_counts_as_late_without_a_message(make_user):
    owner, subject = make_user(), make_user()
    deadline = _open(subject, owner, minutes=-3)  # the scheduler has not got to it yet

    assert meet_deadline(actor=owner, subject=subject) == 0

    deadline.refresh_from_db()
    assert deadline.state == "fired" and deadline.closed_at is not None
    assert fire_due_deadlines(scheduler_id="s") == []
    assert _inbox(owner) == []
    late = Event.objects.get(verb="deadline.fired")
    assert late.data["late_when_met"] is True and late.data["owner"] == owner.pk


def test_apr3_meeting_a_fired_deadline_closes_it(make_user):
    owner, subject = make_user(), make_user()
    deadline = _open(subject, owner, minutes=-3)
    fire_due_deadlines(scheduler_id="s")

    assert meet_deadline(actor=owner, subject=subject) == 0

    deadline.refresh_from_db()
    assert deadline.state == "fired" and deadline.closed_at is not None
    assert Event.objects.filter(verb="deadline.closed", object_id=str(subject.pk)).count() == 1


def test_apr3_cancel_stops_firing_only_for_that_subject(make_user):
    owner = make_user()
    order_a, order_b = make_user(), make_user()
    a1 = _open(order_a, owner, minutes=5)
    a2 = _open(order_a, owner, minutes=60, rule="ORD-3")
    b1 = _open(order_b, owner, minutes=5)

    assert cancel_deadlines_for(actor=owner, subject=order_a, reason="客户取消订单") == 2

    for deadline in (a1, a2, b1):
        deadline.refresh_from_db()
    assert (a1.state, a2.state, b1.state) == ("cancelled", "cancelled", "pending")
    fired = fire_due_deadlines(scheduler_id="s", now=timezone.now() + timedelta(hours=2))
    assert [d.pk for d in fired] == [b1.pk]
    cancelled = Event.objects.filter(verb="deadline.cancelled")
    assert cancelled.count() == 2
    assert {e.data["reason"] for e in cancelled} == {"客户取消订单"}
    assert {e.object_id for e in cancelled} == {str(order_a.pk)}


def test_apr3_fire_and_meet_race_only_one_wins(make_user):
    """The scheduler read the deadline as due, then the owner met it: its claim fails."""
    owner, subject = make_user(), make_user()
    deadline = _open(subject, owner, minutes=10)
    meet_deadline(actor=owner, subject=subject)

    assert fire_due_deadlines(scheduler_id="s", now=deadline.due_at + timedelta(minutes=1)) == []
    assert not Event.objects.filter(verb="deadline.fired").exists()


# -- pages -----------------------------------------------------------------------------


def test_apr3_my_deadlines_shows_time_left_and_overdue_in_chinese(make_user, client_for):
    owner = make_user(roles=["presale_cs"])
    subject = make_user()
    now = timezone.now()
    open_deadline(actor=owner, subject=subject, owner=owner, action="notify", title="联系客户甲",
                  due_at=now + timedelta(minutes=8, seconds=30))
    open_deadline(actor=owner, subject=subject, owner=owner, action="notify", title="联系客户乙",
                  due_at=now - timedelta(hours=2, seconds=30))
    open_deadline(actor=owner, subject=subject, owner=make_user(), action="notify",
                  title="别人的事项", due_at=now + timedelta(minutes=5))

    response = client_for(owner).get("/deadlines/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "联系客户甲" in html and "剩余 8 分钟" in html
    assert "联系客户乙" in html and "已超时 2 小时" in html
    assert "别人的事项" not in html
    assert '<b data-testid="overdue-count">1</b>' in html
    assert html.count('class="overdue"') == 1


def test_apr3_supervisor_sees_reports_overdue_items(make_user, client_for):
    boss = make_user(roles=["reviewer"])  # a supervisor without the see-all capability
    owner = make_user(roles=["reviewer"], supervisor=boss, display_name="小李")
    stranger = make_user(roles=["reviewer"])
    now = timezone.now()
    for who, title, minutes in [(owner, "下属超时事项", -30), (owner, "下属未到期事项", 30),
                                (stranger, "无关超时事项", -30)]:
        open_deadline(actor=who, subject=who, owner=who, action="notify", title=title,
                      due_at=now + timedelta(minutes=minutes))

    html = client_for(boss).get("/deadlines/").content.decode()

    assert "下属超时事项" in html and "小李" in html
    assert "下属未到期事项" not in html and "无关超时事项" not in html
    assert client_for(boss).get("/deadlines/all/").status_code == 403


def test_apr3_all_deadlines_filters_by_owner_rule_and_state(make_user, client_for):
    manager = make_user(roles=["manager"])
    a, b = make_user(display_name="甲"), make_user(display_name="乙")
    now = timezone.now()
    open_deadline(actor=a, subject=a, owner=a, action="notify", title="甲的审单", rule="FUL-1",
                  due_at=now + timedelta(hours=1))
    open_deadline(actor=b, subject=b, owner=b, action="notify", title="乙的打单", rule="FUL-2",
                  due_at=now - timedelta(hours=1))
    done = open_deadline(actor=b, subject=a, owner=b, action="notify", title="乙已完成",
                         rule="FUL-2", due_at=now + timedelta(hours=1))
    meet_deadline(actor=b, subject=a, rule="FUL-2")
    client = client_for(manager)

    def titles(query):
        response = client.get("/deadlines/all/" + query)
        assert response.status_code == 200
        html = response.content.decode()
        return {t for t in ("甲的审单", "乙的打单", "乙已完成") if t in html}

    assert titles("") == {"甲的审单", "乙的打单"}
    assert titles(f"?owner={b.pk}") == {"乙的打单"}
    assert titles("?rule=FUL-1") == {"甲的审单"}
    assert titles("?state=overdue") == {"乙的打单"}
    assert titles("?state=met") == {"乙已完成"}
    assert titles(f"?state=all&owner={b.pk}&rule=FUL-2") == {"乙的打单", "乙已完成"}
    assert done.pk


def test_apr3_all_deadlines_needs_the_capability(make_user, client_for):
    assert client_for(make_user(roles=["picker"])).get("/deadlines/all/").status_code == 403
    assert client_for(make_user(roles=["cs_supervisor"])).get("/deadlines/all/").status_code == 200


def test_apr3_deadline_pages_query_count_does_not_grow(make_user, client_for,
                                                      django_assert_max_num_queries):
    manager = make_user(roles=["manager"])
    now = timezone.now()
    for n in range(30):
        owner = make_user(supervisor=manager)
        open_deadline(actor=owner, subject=owner, owner=owner, action="notify",
                      title=f"事项{n}", rule="ORD-2", due_at=now + timedelta(minutes=n - 15))
        open_deadline(actor=owner, subject=owner, owner=manager, action="notify",
                      title=f"经理事项{n}", due_at=now + timedelta(minutes=n - 15))
    client = client_for(manager)

    with django_assert_max_num_queries(10):
        response = client.get("/deadlines/all/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr") == 50 + 1  # one page and the header
    with django_assert_max_num_queries(10):
        response = client.get("/deadlines/")
    html = response.content.decode()
    assert "经理事项29" in html and "事项14" in html


def test_apr3_a_proposal_decision_deadline_ends_with_the_decision(staff):
    """APR-3: a deadline on a proposal is met when it is approved and cancelled when the
    proposal is withdrawn — cancelling the subject cancels the deadline."""
    from datetime import timedelta

    from django.utils import timezone

    from shopops.accounts.models import Role
    from shopops.core.actions.approvals import approve_proposal, propose, withdraw_proposal
    from shopops.core.actions.deadlines import open_deadline
    from shopops.core.models import Deadline

    picker = staff["picker"]
    payloads = [{"user_id": picker.pk, "add": [{"role": code}]} for code in ("printer", "packer")]
    first, second = (propose(actor=staff["sysadmin"], kind="role_change", title=f"调岗 {i}",
                             payload=p, subject=picker) for i, p in enumerate(payloads))
    assert Role.objects.filter(code="packer").exists()
    for proposal in (first, second):
        open_deadline(actor=None, subject=proposal, owner=staff["manager"], action="escalate",
                      due_at=timezone.now() + timedelta(hours=24), title="24 小时内审批")
    approve_proposal(actor=staff["manager"], proposal=first)
    withdraw_proposal(actor=staff["sysadmin"], proposal=second)
    states = dict(Deadline.objects.values_list("subject_id", "state"))
    assert states == {str(first.pk): "met", str(second.pk): "cancelled"}
