"""The approval engine's actions (APR-1, APR-2) and their audit trail (ROLE-4).

The kinds used here are registered by this module only, so these tests do not depend
on any domain's proposal kinds.
"""

import threading

import pytest
from django.db import connection

from shopops.core.actions.approval_chains import change_approval_chain
from shopops.core.actions.approvals import (
    approve_proposal,
    comment_on_proposal,
    execute_proposal,
    propose,
    reject_proposal,
    submit_proposal,
    waiting_for,
    withdraw_proposal,
)
from shopops.core.approvals import register_kind
from shopops.core.errors import ConflictError, NotFoundError, PermissionDeniedError, UserError
from shopops.core.models import ApprovalChain, Event, Notification, Proposal, SettingValue

PRICE = "test_apr_price"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The staff fixture makes 20 accounts; Argon2 would spend seconds hashing their
    passwords, which no test here checks."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


AUTO = "test_apr_auto"


def _check(*, payload, actor):
    if not isinstance(payload.get("amount"), int) or payload["amount"] <= 0:
        raise UserError("bad_amount", "金额必须是正整数。", "The amount must be a positive integer.")


def _apply(*, proposal, actor):
    """Writes a row a test can see; refuses when the payload asks it to fail."""
    if proposal.payload.get("fail"):
        raise UserError("cannot_apply", "无法执行。", "Cannot apply.")
    key = f"test_apr.{proposal.pk}"
    SettingValue.objects.create(key=key, value=proposal.payload["amount"])
    return {"written": key}


register_kind(
    PRICE, "测试调价",
    chain={"proposer_roles": ["product_manager"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]},
                     {"label": "总经理审批", "roles": ["general_manager"]}],
           "executor_roles": ["editor"]},
    execute=_apply, validate=_check,
    describe=lambda payload: f"{payload['sku']} 调价为 {payload['amount']} 元",
)
register_kind(
    AUTO, "测试自动执行",
    chain={"proposer_roles": [], "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
           "executor_roles": []},
    execute=_apply,
)


def _price(actor, **payload):
    return propose(actor=actor, kind=PRICE, title="SKU-1 调价",
                   payload={"sku": "SKU-1", "amount": 99, **payload}, reason="竞品降价")


def _verbs(proposal):
    return list(Event.objects.for_object(proposal).order_by("at", "id").values_list("verb", flat=True))


def _fresh(proposal):
    return Proposal.objects.get(pk=proposal.pk)


def test_apr1_apr2_multi_step_happy_path_propose_approve_execute(staff):
    proposal = _price(staff["product_manager"])
    assert (proposal.state, proposal.step_index) == ("pending", 0)
    assert proposal.chain["executor_roles"] == ["editor"]

    approve_proposal(actor=staff["manager"], proposal=_fresh(proposal), comment="同意")
    assert (_fresh(proposal).state, _fresh(proposal).step_index) == ("pending", 1)
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(proposal))
    assert _fresh(proposal).state == "approved"
    assert not SettingValue.objects.filter(key=f"test_apr.{proposal.pk}").exists()

    execute_proposal(actor=staff["editor"], proposal=_fresh(proposal))
    done = _fresh(proposal)
    assert done.state == "executed"
    assert done.executed_by == staff["editor"]
    assert done.result == {"written": f"test_apr.{proposal.pk}"}
    assert SettingValue.objects.get(key=f"test_apr.{proposal.pk}").value == 99
    assert [(a.verb, a.actor.username, a.step_index, a.comment) for a in done.actions.all()] == [
        ("submit", "product_manager", 0, ""),
        ("approve", "manager", 0, "同意"),
        ("approve", "general_manager", 1, ""),
        ("execute", "editor", None, ""),
    ]


def test_role4_each_step_of_the_happy_path_records_its_event(staff):
    proposal = _price(staff["product_manager"])
    approve_proposal(actor=staff["manager"], proposal=_fresh(proposal))
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(proposal))
    execute_proposal(actor=staff["editor"], proposal=_fresh(proposal))
    rows = list(Event.objects.for_object(proposal).order_by("at", "id"))
    assert [(e.verb, e.actor.username, e.changes) for e in rows] == [
        ("proposal.created", "product_manager", {"state": [None, "draft"]}),
        ("proposal.submitted", "product_manager", {"state": ["draft", "pending"]}),
        ("proposal.step_approved", "manager", {"step_index": [0, 1]}),
        ("proposal.approved", "general_manager", {"state": ["pending", "approved"]}),
        ("proposal.executed", "editor", {"state": ["approved", "executed"]}),
    ]
    assert rows[0].data["payload"] == {"sku": "SKU-1", "amount": 99}
    assert rows[2].data["step_label"] == "部门经理审批"
    assert rows[4].data["result"] == {"written": f"test_apr.{proposal.pk}"}


def test_apr2_nobody_approves_own_proposal_even_holding_the_approver_role(make_user):
    both = make_user(roles=["product_manager", "manager"])
    proposal = _price(both)
    with pytest.raises(PermissionDeniedError) as exc:
        approve_proposal(actor=both, proposal=_fresh(proposal))
    assert exc.value.code == "self_approval"
    with pytest.raises(PermissionDeniedError):
        reject_proposal(actor=both, proposal=_fresh(proposal), comment="算了")
    assert (_fresh(proposal).state, _fresh(proposal).step_index) == ("pending", 0)
    assert not proposal.actions.filter(verb="approve").exists()
    assert proposal not in waiting_for(both)


def test_apr2_wrong_role_cannot_approve(staff):
    proposal = _price(staff["product_manager"])
    for who in ("finance", "general_manager", "editor"):  # gm approves step 2, not step 1
        with pytest.raises(PermissionDeniedError) as exc:
            approve_proposal(actor=staff[who], proposal=_fresh(proposal))
        assert exc.value.code == "not_an_approver"
        assert exc.value.status == 403
    assert (_fresh(proposal).state, _fresh(proposal).step_index) == ("pending", 0)
    assert _verbs(proposal) == ["proposal.created", "proposal.submitted"]


def test_apr2_only_proposer_roles_may_propose_and_payload_is_validated(staff):
    with pytest.raises(PermissionDeniedError) as exc:
        _price(staff["finance"])
    assert exc.value.code == "not_a_proposer"
    with pytest.raises(UserError) as exc:
        _price(staff["product_manager"], amount=-5)
    assert exc.value.code == "bad_amount"
    with pytest.raises(NotFoundError):
        propose(actor=staff["manager"], kind="no_such_kind", title="x", payload={})
    assert not Proposal.objects.exists()


def test_apr2_reject_needs_a_reason_and_notifies_the_proposer(staff):
    proposal = _price(staff["product_manager"])
    with pytest.raises(UserError) as exc:
        reject_proposal(actor=staff["manager"], proposal=_fresh(proposal), comment="  ")
    assert exc.value.code == "reason_required"
    assert _fresh(proposal).state == "pending"

    reject_proposal(actor=staff["manager"], proposal=_fresh(proposal), comment="价格低于成本")
    rejected = _fresh(proposal)
    assert rejected.state == "rejected"
    assert rejected.decided_at is not None
    note = Notification.objects.get(recipient=staff["product_manager"], title__startswith="申请被驳回")
    assert note.title == "申请被驳回：SKU-1 调价"
    assert "价格低于成本" in note.body
    assert note.link == f"/proposals/{proposal.pk}/"
    event = Event.objects.for_object(proposal).get(verb="proposal.rejected")
    assert event.actor == staff["manager"]
    assert event.changes == {"state": ["pending", "rejected"]}
    assert event.data["comment"] == "价格低于成本"
    with pytest.raises(ConflictError):
        approve_proposal(actor=staff["manager"], proposal=_fresh(proposal))


def test_apr1_withdraw_only_by_proposer_and_only_while_draft_or_pending(staff):
    proposal = _price(staff["product_manager"])
    with pytest.raises(PermissionDeniedError):
        withdraw_proposal(actor=staff["manager"], proposal=_fresh(proposal))
    withdraw_proposal(actor=staff["product_manager"], proposal=_fresh(proposal), comment="不调了")
    assert _fresh(proposal).state == "withdrawn"
    assert Event.objects.for_object(proposal).get(verb="proposal.withdrawn").changes == {
        "state": ["pending", "withdrawn"]}
    # The approver it waited for hears that it is gone.
    assert Notification.objects.filter(recipient=staff["manager"],
                                       title="申请已撤回：SKU-1 调价").count() == 1
    with pytest.raises(ConflictError):
        withdraw_proposal(actor=staff["product_manager"], proposal=_fresh(proposal))

    draft = propose(actor=staff["product_manager"], kind=PRICE, title="草稿",
                    payload={"sku": "S", "amount": 1}, submit=False)
    assert draft.state == "draft"
    withdraw_proposal(actor=staff["product_manager"], proposal=_fresh(draft))
    assert _fresh(draft).state == "withdrawn"

    approved = _price(staff["product_manager"])
    approve_proposal(actor=staff["manager"], proposal=_fresh(approved))
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(approved))
    with pytest.raises(ConflictError) as exc:
        withdraw_proposal(actor=staff["product_manager"], proposal=_fresh(approved))
    assert exc.value.code == "cannot_withdraw"
    assert _fresh(approved).state == "approved"


def test_apr2_execute_only_when_approved_and_only_by_executor_roles(staff):
    proposal = _price(staff["product_manager"])
    with pytest.raises(ConflictError) as exc:
        execute_proposal(actor=staff["editor"], proposal=_fresh(proposal))
    assert exc.value.code == "not_approved"
    approve_proposal(actor=staff["manager"], proposal=_fresh(proposal))
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(proposal))
    for who in ("manager", "product_manager", "sysadmin"):
        with pytest.raises(PermissionDeniedError) as exc:
            execute_proposal(actor=staff[who], proposal=_fresh(proposal))
        assert exc.value.code == "not_an_executor"
    assert _fresh(proposal).state == "approved"
    assert not SettingValue.objects.filter(key=f"test_apr.{proposal.pk}").exists()
    execute_proposal(actor=staff["editor"], proposal=_fresh(proposal))
    assert _fresh(proposal).state == "executed"
    with pytest.raises(ConflictError):
        execute_proposal(actor=staff["editor"], proposal=_fresh(proposal))
    assert SettingValue.objects.filter(key=f"test_apr.{proposal.pk}").count() == 1


def test_apr2_auto_execute_when_executor_roles_are_empty(staff):
    proposal = propose(actor=staff["finance"], kind=AUTO, title="自动", payload={"amount": 7})
    approve_proposal(actor=staff["manager"], proposal=_fresh(proposal))
    done = _fresh(proposal)
    assert done.state == "executed"
    assert done.executed_by == staff["manager"]
    assert SettingValue.objects.get(key=f"test_apr.{proposal.pk}").value == 7
    assert _verbs(proposal) == ["proposal.created", "proposal.submitted", "proposal.approved",
                                "proposal.executed"]
    assert Notification.objects.filter(recipient=staff["finance"],
                                       title="申请已执行：自动").count() == 1
    with pytest.raises(ConflictError):
        execute_proposal(actor=staff["manager"], proposal=_fresh(proposal))


def test_apr2_failed_auto_execution_changes_nothing(staff):
    proposal = propose(actor=staff["finance"], kind=AUTO, title="会失败",
                       payload={"amount": 7, "fail": True})
    with pytest.raises(UserError) as exc:
        approve_proposal(actor=staff["manager"], proposal=_fresh(proposal))
    assert exc.value.code == "cannot_apply"
    assert (_fresh(proposal).state, _fresh(proposal).step_index) == ("pending", 0)
    assert not proposal.actions.filter(verb="approve").exists()
    assert _verbs(proposal) == ["proposal.created", "proposal.submitted"]


def test_apr2_the_same_person_cannot_approve_two_steps(make_user, staff):
    both = make_user(roles=["manager", "general_manager"])
    proposal = _price(staff["product_manager"])
    approve_proposal(actor=both, proposal=_fresh(proposal))
    assert _fresh(proposal).step_index == 1
    # Not offered the next step, not notified about it, and refused if they try.
    assert proposal.pk not in [p.pk for p in waiting_for(both)]
    assert Notification.objects.filter(recipient=both, title="待您审批：SKU-1 调价").count() == 1
    with pytest.raises(PermissionDeniedError) as exc:
        approve_proposal(actor=both, proposal=_fresh(proposal))
    assert exc.value.code == "approved_twice"
    assert _fresh(proposal).step_index == 1
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(proposal))
    assert _fresh(proposal).state == "approved"


def test_apr2_notifications_reach_the_approvers_of_each_step(make_user, staff):
    second_manager = make_user(roles=["manager"])
    proposal = _price(staff["product_manager"])
    title = "待您审批：SKU-1 调价"
    waiting = set(Notification.objects.filter(title=title).values_list("recipient__username",
                                                                       flat=True))
    assert waiting == {"manager", second_manager.username}
    note = Notification.objects.get(recipient=staff["manager"], title=title)
    assert note.link == f"/proposals/{proposal.pk}/"
    assert "部门经理审批" in note.body

    approve_proposal(actor=staff["manager"], proposal=_fresh(proposal))
    assert Notification.objects.filter(recipient=staff["general_manager"], title=title).count() == 1
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(proposal))
    assert Notification.objects.filter(recipient=staff["editor"],
                                       title="待执行：SKU-1 调价").count() == 1
    assert Notification.objects.filter(recipient=staff["product_manager"],
                                       title="申请已批准：SKU-1 调价").count() == 1
    assert not Notification.objects.filter(recipient=staff["finance"]).exists()


def test_apr1_comments_by_involved_people_only_and_recorded(staff):
    proposal = _price(staff["product_manager"])
    with pytest.raises(UserError) as exc:
        comment_on_proposal(actor=staff["manager"], proposal=proposal, comment=" ")
    assert exc.value.code == "comment_empty"
    with pytest.raises(PermissionDeniedError):
        comment_on_proposal(actor=staff["finance"], proposal=proposal, comment="路过")
    action = comment_on_proposal(actor=staff["manager"], proposal=proposal, comment="请补充成本")
    assert (action.verb, action.actor, action.comment) == ("comment", staff["manager"], "请补充成本")
    assert Event.objects.for_object(proposal).get(verb="proposal.commented").data == {
        "comment": "请补充成本"}
    assert Notification.objects.filter(recipient=staff["product_manager"],
                                       title="新评论：SKU-1 调价").count() == 1
    # Holders of core.view_all_proposals (the sysadmin) may join in.
    comment_on_proposal(actor=staff["sysadmin"], proposal=proposal, comment="已知悉")
    assert proposal.actions.filter(verb="comment").count() == 2


def test_apr1_draft_is_submitted_by_its_proposer_with_the_chain_in_force_then(staff):
    draft = propose(actor=staff["product_manager"], kind=PRICE, title="草稿",
                    payload={"sku": "S", "amount": 1}, submit=False)
    assert not Notification.objects.filter(recipient=staff["manager"]).exists()
    with pytest.raises(PermissionDeniedError):
        submit_proposal(actor=staff["manager"], proposal=_fresh(draft))
    change_approval_chain(actor=staff["sysadmin"], kind=PRICE, proposer_roles=["product_manager"],
                          steps=[{"label": "财务审批", "roles": ["finance"]}],
                          executor_roles=["editor"])
    submit_proposal(actor=staff["product_manager"], proposal=_fresh(draft))
    submitted = _fresh(draft)
    assert submitted.state == "pending"
    assert submitted.chain["steps"] == [{"label": "财务审批", "roles": ["finance"]}]
    assert Notification.objects.filter(recipient=staff["finance"]).count() == 1
    with pytest.raises(ConflictError) as exc:
        submit_proposal(actor=staff["product_manager"], proposal=_fresh(draft))
    assert exc.value.code == "not_draft"


def test_apr2_changing_the_chain_does_not_reroute_an_in_flight_proposal(staff):
    in_flight = _price(staff["product_manager"])
    change_approval_chain(actor=staff["sysadmin"], kind=PRICE, proposer_roles=["product_manager"],
                          steps=[{"label": "财务审批", "roles": ["finance"]}], executor_roles=[])
    # The one already submitted keeps its snapshot: manager → general manager → editor.
    with pytest.raises(PermissionDeniedError):
        approve_proposal(actor=staff["finance"], proposal=_fresh(in_flight))
    approve_proposal(actor=staff["manager"], proposal=_fresh(in_flight))
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(in_flight))
    assert _fresh(in_flight).state == "approved"  # still waits for the editor
    execute_proposal(actor=staff["editor"], proposal=_fresh(in_flight))
    # A new one follows the new chain: finance approves and it executes itself.
    fresh = _price(staff["product_manager"])
    assert fresh.chain["steps"] == [{"label": "财务审批", "roles": ["finance"]}]
    approve_proposal(actor=staff["finance"], proposal=_fresh(fresh))
    assert _fresh(fresh).state == "executed"


def test_apr2_change_approval_chain_validates_and_records_before_after(staff):
    sysadmin = staff["sysadmin"]
    cases = [
        ([], "chain_without_steps"),
        ([{"label": "空", "roles": []}], "step_without_roles"),
        ([{"label": "x", "roles": ["no_such_role"]}], "unknown_roles"),
    ]
    for steps, code in cases:
        with pytest.raises(UserError) as exc:
            change_approval_chain(actor=sysadmin, kind=PRICE, proposer_roles=[], steps=steps,
                                  executor_roles=[])
        assert exc.value.code == code
    with pytest.raises(UserError) as exc:
        change_approval_chain(actor=sysadmin, kind=PRICE, proposer_roles=["ghost"],
                              steps=[{"label": "x", "roles": ["manager"]}], executor_roles=[])
    assert exc.value.code == "unknown_roles"
    with pytest.raises(PermissionDeniedError):
        change_approval_chain(actor=staff["manager"], kind=PRICE, proposer_roles=[],
                              steps=[{"label": "x", "roles": ["manager"]}], executor_roles=[])
    with pytest.raises(NotFoundError):
        change_approval_chain(actor=sysadmin, kind="no_such_kind", proposer_roles=[],
                              steps=[{"label": "x", "roles": ["manager"]}], executor_roles=[])
    assert not Event.objects.filter(verb="approval_chain.changed").exists()

    row = change_approval_chain(
        actor=sysadmin, kind=PRICE, proposer_roles=["product_manager", "planner"],
        steps=[{"label": "", "roles": ["finance", "finance"]}], executor_roles=["editor"])
    assert row.as_dict() == {"proposer_roles": ["product_manager", "planner"],
                             "steps": [{"label": "第1步审批", "roles": ["finance"]}],
                             "executor_roles": ["editor"]}
    assert ApprovalChain.objects.get(kind=PRICE).steps == [{"label": "第1步审批",
                                                             "roles": ["finance"]}]
    event = Event.objects.get(verb="approval_chain.changed")
    assert event.actor == sysadmin
    assert event.changes["proposer_roles"] == [["product_manager"], ["product_manager", "planner"]]
    assert event.changes["steps"][0] == [{"label": "部门经理审批", "roles": ["manager"]},
                                         {"label": "总经理审批", "roles": ["general_manager"]}]
    assert "executor_roles" not in event.changes
    # Saving the same chain again is no change and records nothing.
    change_approval_chain(actor=sysadmin, kind=PRICE, proposer_roles=["product_manager", "planner"],
                          steps=[{"label": "第1步审批", "roles": ["finance"]}],
                          executor_roles=["editor"])
    assert Event.objects.filter(verb="approval_chain.changed").count() == 1


def test_apr2_waiting_for_lists_steps_to_decide_and_proposals_to_execute(staff):
    first = _price(staff["product_manager"])
    second = _price(staff["product_manager"])
    approve_proposal(actor=staff["manager"], proposal=_fresh(second))
    approve_proposal(actor=staff["general_manager"], proposal=_fresh(second))
    assert [p.pk for p in waiting_for(staff["manager"])] == [first.pk]
    assert [p.pk for p in waiting_for(staff["general_manager"])] == []
    assert [p.pk for p in waiting_for(staff["editor"])] == [second.pk]
    assert waiting_for(staff["product_manager"]) == []
    assert waiting_for(staff["finance"]) == []


def _race(proposal, people, act):
    """Each person loads the proposal, then all act at the same moment in their own
    thread (own database connection). Returns person pk → "ok" or the error code."""
    barrier = threading.Barrier(len(people))
    outcome = {}

    def run(person):
        try:
            mine = Proposal.objects.get(pk=proposal.pk)
            barrier.wait(timeout=10)
            act(person, mine)
            outcome[person.pk] = "ok"
        except UserError as exc:
            outcome[person.pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcome


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_apr2_two_concurrent_approvals_of_the_same_step_only_one_advances(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks across connections")
    proposer = make_user(roles=["product_manager"])
    first, second = make_user(roles=["manager"]), make_user(roles=["manager"])
    proposal = _price(proposer)
    outcome = _race(proposal, [first, second],
                    lambda who, p: approve_proposal(actor=who, proposal=p))
    assert sorted(outcome.values()) == ["ok", "proposal_changed"]
    after = _fresh(proposal)
    assert (after.state, after.step_index) == ("pending", 1)
    assert after.actions.filter(verb="approve").count() == 1
    assert Event.objects.for_object(proposal).filter(verb="proposal.step_approved").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_apr2_two_concurrent_final_approvals_execute_once(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks across connections")
    proposer = make_user(roles=["finance"])
    first, second = make_user(roles=["manager"]), make_user(roles=["manager"])
    proposal = propose(actor=proposer, kind=AUTO, title="并发", payload={"amount": 3})
    outcome = _race(proposal, [first, second],
                    lambda who, p: approve_proposal(actor=who, proposal=p))
    assert sorted(outcome.values()) == ["ok", "proposal_changed"]
    assert _fresh(proposal).state == "executed"
    assert SettingValue.objects.filter(key=f"test_apr.{proposal.pk}").count() == 1
    assert Event.objects.for_object(proposal).filter(verb="proposal.executed").count() == 1
