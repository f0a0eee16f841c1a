"""/api/v1/proposals (APR-1, APR-2): lists, one proposal, and the verbs, with 4xx JSON errors."""

import json

import pytest

from shopops.core.actions.approvals import approve_proposal, propose
from shopops.core.approvals import register_kind
from shopops.core.models import Event, Proposal, SettingValue

KIND = "test_apr_api"
BASE = "/api/v1/proposals"


def _apply(*, proposal, actor):
    SettingValue.objects.create(key=f"test_apr_api.{proposal.pk}", value=proposal.payload["n"])
    return {"n": proposal.payload["n"]}


register_kind(
    KIND, "测试接口申请",
    chain={"proposer_roles": ["product_manager"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]},
                     {"label": "总经理审批", "roles": ["general_manager"]}],
           "executor_roles": ["editor"]},
    execute=_apply, describe=lambda payload: f"数量 {payload['n']}", hidden_fields=["token"],
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The staff fixture makes 20 accounts; Argon2 would spend seconds on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _propose(actor, title="接口申请", **payload):
    return propose(actor=actor, kind=KIND, title=title, payload={"n": 5, **payload})


def _post(client, path, comment=None):
    body = {} if comment is None else {"comment": comment}
    return client.post(path, json.dumps(body), content_type="application/json")


def test_apr1_api_needs_login(client, db):
    assert client.get(f"{BASE}/").status_code == 401


def test_apr1_api_lists_mine_and_waiting(staff, client_for):
    mine = _propose(staff["product_manager"], title="我的接口申请")
    response = client_for(staff["product_manager"]).get(f"{BASE}/")
    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == mine.pk
    assert (row["kind"], row["kind_label"], row["state"], row["state_label"]) == (
        KIND, "测试接口申请", "pending", "待审批")
    assert row["proposer"]["username"] == "product_manager"
    assert row["current_step"] == "部门经理审批"
    assert client_for(staff["product_manager"]).get(f"{BASE}/?state=rejected").json() == []

    waiting = client_for(staff["manager"]).get(f"{BASE}/waiting").json()
    assert [r["id"] for r in waiting] == [mine.pk]
    assert client_for(staff["general_manager"]).get(f"{BASE}/waiting").json() == []
    assert client_for(staff["manager"]).get(f"{BASE}/").json() == []


def test_apr1_api_list_uses_a_fixed_number_of_queries(staff, client_for,
                                                      django_assert_max_num_queries):
    for i in range(30):
        _propose(staff["product_manager"], title=f"批量 {i}")
    client = client_for(staff["product_manager"])
    with django_assert_max_num_queries(5):
        assert len(client.get(f"{BASE}/").json()) == 30
    client = client_for(staff["manager"])
    with django_assert_max_num_queries(7):
        assert len(client.get(f"{BASE}/waiting").json()) == 30


def test_apr1_api_detail_and_who_may_see_it(staff, client_for):
    proposal = _propose(staff["product_manager"], token="abc123")
    response = client_for(staff["manager"]).get(f"{BASE}/{proposal.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["payload"] == {"n": 5, "token": "******"}
    assert data["describe"] == "数量 5"
    assert [(s["label"], s["status"]) for s in data["steps"]] == [
        ("部门经理审批", "now"), ("总经理审批", "todo")]
    assert data["executor_roles"] == ["editor"]
    assert [a["verb"] for a in data["actions"]] == ["submit"]
    assert data["allowed"] == ["approve", "reject", "comment"]

    denied = client_for(staff["finance"]).get(f"{BASE}/{proposal.pk}")
    assert denied.status_code == 403
    assert denied.json()["code"] == "not_involved"
    missing = client_for(staff["finance"]).get(f"{BASE}/999999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "proposal_not_found"


def test_apr2_api_approve_approve_execute(staff, client_for):
    proposal = _propose(staff["product_manager"])
    url = f"{BASE}/{proposal.pk}"
    response = _post(client_for(staff["manager"]), f"{url}/approve", "同意")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["current_step"]) == ("pending", "总经理审批")
    assert response.json()["actions"][-1]["comment"] == "同意"
    assert _post(client_for(staff["general_manager"]), f"{url}/approve").json()["state"] == "approved"
    response = _post(client_for(staff["editor"]), f"{url}/execute")
    assert response.status_code == 200
    assert response.json()["state"] == "executed"
    assert response.json()["result"] == {"n": 5}
    assert SettingValue.objects.get(key=f"test_apr_api.{proposal.pk}").value == 5


def test_apr2_api_errors_are_4xx_json_and_change_nothing(staff, client_for):
    proposal = _propose(staff["product_manager"])
    url = f"{BASE}/{proposal.pk}"
    own = _post(client_for(staff["product_manager"]), f"{url}/approve")
    assert own.status_code == 403
    assert own.json() == {"code": "self_approval", "message": "不能审批自己提出的申请。",
                          "message_en": "Nobody approves their own proposal."}
    wrong = _post(client_for(staff["general_manager"]), f"{url}/approve")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "not_an_approver")
    no_reason = _post(client_for(staff["manager"]), f"{url}/reject", "")
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "reason_required")
    too_early = _post(client_for(staff["editor"]), f"{url}/execute")
    assert (too_early.status_code, too_early.json()["code"]) == (409, "not_approved")
    not_mine = _post(client_for(staff["manager"]), f"{url}/withdraw")
    assert (not_mine.status_code, not_mine.json()["code"]) == (403, "not_proposer")
    outsider = _post(client_for(staff["finance"]), f"{url}/comment", "hi")
    assert outsider.status_code == 403
    assert Proposal.objects.values_list("state", "step_index").get(pk=proposal.pk) == ("pending", 0)
    assert list(Event.objects.for_object(proposal).values_list("verb", flat=True)) == [
        "proposal.submitted", "proposal.created"]


def test_apr2_api_reject_withdraw_comment(staff, client_for):
    first = _propose(staff["product_manager"], title="甲")
    response = _post(client_for(staff["manager"]), f"{BASE}/{first.pk}/reject", "数量不对")
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"

    second = _propose(staff["product_manager"], title="乙")
    owner = client_for(staff["product_manager"])
    response = _post(owner, f"{BASE}/{second.pk}/comment", "补充说明")
    assert response.json()["actions"][-1]["verb"] == "comment"
    assert response.json()["actions"][-1]["comment"] == "补充说明"
    assert _post(owner, f"{BASE}/{second.pk}/withdraw").json()["state"] == "withdrawn"
    again = _post(owner, f"{BASE}/{second.pk}/withdraw")
    assert (again.status_code, again.json()["code"]) == (409, "cannot_withdraw")


def test_apr2_api_submit_a_draft_and_conflict_after_a_decision(staff, client_for):
    draft = propose(actor=staff["product_manager"], kind=KIND, title="草稿", payload={"n": 1},
                    submit=False)
    response = _post(client_for(staff["product_manager"]), f"{BASE}/{draft.pk}/submit")
    assert response.json()["state"] == "pending"
    approve_proposal(actor=staff["manager"], proposal=Proposal.objects.get(pk=draft.pk))
    # A stale second click on the same step: refused with 403 (already approved by you).
    again = _post(client_for(staff["manager"]), f"{BASE}/{draft.pk}/approve")
    assert again.status_code == 403
    assert again.json()["code"] == "not_an_approver"
