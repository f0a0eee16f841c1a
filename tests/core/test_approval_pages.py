"""Pages of the approval engine (APR-1, APR-2): lists, one proposal, its buttons, chains."""

import pytest

from shopops.core.actions.approvals import (
    approve_proposal,
    comment_on_proposal,
    propose,
    reject_proposal,
)
from shopops.core.approvals import chain_for, register_kind
from shopops.core.models import ApprovalChain, Event, Proposal, SettingValue

KIND = "test_apr_page"


def _apply(*, proposal, actor):
    SettingValue.objects.create(key=f"test_apr_page.{proposal.pk}", value=proposal.payload["n"])
    return {"n": proposal.payload["n"]}


register_kind(
    KIND, "测试上架",
    chain={"proposer_roles": ["product_manager"],
           "steps": [{"label": "部门经理审批", "roles": ["manager"]},
                     {"label": "总经理审批", "roles": ["general_manager"]}],
           "executor_roles": ["editor"]},
    execute=_apply, describe=lambda payload: f"上架商品 {payload['sku']}",
    field_labels={"sku": "商品编码", "n": "数量"}, hidden_fields=["secret"],
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The staff fixture makes 20 accounts; Argon2 would spend seconds on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _propose(actor, title="上架 SKU-9", **payload):
    return propose(actor=actor, kind=KIND, title=title, reason="新品到货",
                   payload={"sku": "SKU-9", "n": 3, **payload})


def _state(proposal):
    return Proposal.objects.values_list("state", "step_index").get(pk=proposal.pk)


def _url(proposal, verb=""):
    return f"/proposals/{proposal.pk}/" + (f"{verb}/" if verb else "")


# ---- lists ---------------------------------------------------------------------------


def test_apr1_my_proposals_lists_mine_in_any_state_and_filters_by_state(staff, client_for):
    mine = _propose(staff["product_manager"], title="我的待审")
    rejected = _propose(staff["product_manager"], title="我的被驳回")
    reject_proposal(actor=staff["manager"], proposal=rejected, comment="不行")
    client = client_for(staff["product_manager"])
    page = client.get("/proposals/mine/").content.decode()
    assert "我的待审" in page and "我的被驳回" in page
    assert "测试上架" in page and "部门经理审批" in page
    filtered = client.get("/proposals/mine/?state=rejected").content.decode()
    assert "我的被驳回" in filtered and "我的待审" not in filtered
    assert "我的待审" not in client_for(staff["manager"]).get("/proposals/mine/").content.decode()
    assert f'data-proposal="{mine.pk}"' in page


def test_apr2_waiting_page_shows_steps_to_decide_and_approved_to_execute(staff, client_for):
    pending = _propose(staff["product_manager"], title="待部门经理")
    ready = _propose(staff["product_manager"], title="待执行")
    approve_proposal(actor=staff["manager"], proposal=ready)
    approve_proposal(actor=staff["general_manager"], proposal=Proposal.objects.get(pk=ready.pk))

    manager_page = client_for(staff["manager"]).get("/proposals/waiting/").content.decode()
    assert "待部门经理" in manager_page and "审批：部门经理审批" in manager_page
    assert "待执行" not in manager_page
    editor_page = client_for(staff["editor"]).get("/proposals/waiting/").content.decode()
    assert "待执行" in editor_page and "待部门经理" not in editor_page
    own = client_for(staff["product_manager"]).get("/proposals/waiting/").content.decode()
    assert "没有等待您处理的申请" in own
    assert pending.pk


def test_apr1_history_shows_decided_proposals_i_proposed_or_acted_on(staff, client_for, make_user):
    other_pm = make_user(roles=["product_manager"], username="pm2")
    decided = _propose(staff["product_manager"], title="经理驳回的")
    # The editor (executor role, no core.view_all_proposals) takes part by commenting.
    comment_on_proposal(actor=staff["editor"], proposal=decided, comment="库存够")
    reject_proposal(actor=staff["manager"], proposal=decided, comment="不行")
    still_pending = _propose(staff["product_manager"], title="还在审批")
    comment_on_proposal(actor=staff["editor"], proposal=still_pending, comment="看看")
    someone_elses = _propose(other_pm, title="别人的申请")
    reject_proposal(actor=staff["manager"], proposal=someone_elses, comment="否")

    for who in ("editor", "product_manager"):
        page = client_for(staff[who]).get("/proposals/history/").content.decode()
        assert f'data-proposal="{decided.pk}"' in page
        assert f'data-proposal="{still_pending.pk}"' not in page  # not decided yet
        assert f'data-proposal="{someone_elses.pk}"' not in page
    page = client_for(staff["finance"]).get("/proposals/history/").content.decode()
    assert "没有符合条件的申请" in page


def test_apr1_history_with_view_all_shows_everyones_and_filters(staff, client_for, make_user):
    other_pm = make_user(roles=["product_manager"], username="pm2")
    a = _propose(staff["product_manager"], title="甲申请")
    reject_proposal(actor=staff["manager"], proposal=a, comment="不行")
    b = _propose(other_pm, title="乙申请")
    reject_proposal(actor=staff["manager"], proposal=b, comment="不行")
    c = _propose(other_pm, title="丙申请")
    approve_proposal(actor=staff["manager"], proposal=c)
    approve_proposal(actor=staff["general_manager"], proposal=Proposal.objects.get(pk=c.pk))

    client = client_for(staff["sysadmin"])  # holds core.view_all_proposals, acted on nothing
    page = client.get("/proposals/history/").content.decode()
    assert all(t in page for t in ("甲申请", "乙申请", "丙申请"))
    by_person = client.get(f"/proposals/history/?person={other_pm.pk}").content.decode()
    assert "乙申请" in by_person and "丙申请" in by_person and "甲申请" not in by_person
    by_state = client.get("/proposals/history/?state=approved").content.decode()
    assert "丙申请" in by_state and "乙申请" not in by_state
    assert "丙申请" in client.get(f"/proposals/history/?kind={KIND}").content.decode()
    assert "丙申请" not in client.get("/proposals/history/?kind=role_change").content.decode()


def _thirty(staff):
    people = staff["product_manager"]
    rows = [_propose(people, title=f"批量 {i}") for i in range(30)]
    for proposal in rows[:10]:
        reject_proposal(actor=staff["manager"], proposal=proposal, comment="不行")
    return rows


@pytest.mark.parametrize("who,url,expected", [
    ("product_manager", "/proposals/mine/", 30),
    ("manager", "/proposals/waiting/", 20),
    ("product_manager", "/proposals/history/", 10),
    ("sysadmin", "/proposals/history/", 10),
])
def test_apr1_list_pages_use_a_fixed_number_of_queries(staff, client_for, who, url, expected,
                                                       django_assert_max_num_queries):
    _thirty(staff)
    client = client_for(staff[who])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    # mine: all 30; waiting: the 20 pending; history: the 10 rejected.
    assert response.content.decode().count("<tr data-proposal=") == expected


def test_apr1_my_proposals_is_paginated_by_50(staff, client_for):
    for i in range(51):
        _propose(staff["product_manager"], title=f"分页 {i}")
    client = client_for(staff["product_manager"])
    first = client.get("/proposals/mine/").content.decode()
    assert first.count("<tr data-proposal=") == 50
    assert "第 1 / 2 页，共 51 条" in first
    second = client.get("/proposals/mine/?page=2").content.decode()
    assert second.count("<tr data-proposal=") == 1
    assert "分页 0<" in second  # newest first, so the oldest is on page 2


# ---- one proposal --------------------------------------------------------------------


def test_apr1_detail_shows_the_proposal_chain_timeline_and_buttons(staff, client_for):
    proposal = _propose(staff["product_manager"], secret="s3cr3t")
    approve_proposal(actor=staff["manager"], proposal=proposal, comment="数量合理")
    page = client_for(staff["general_manager"]).get(_url(proposal)).content.decode()
    for text in ("上架 SKU-9", "测试上架", str(staff["product_manager"]), "新品到货",
                 "上架商品 SKU-9", "商品编码", "数量", "部门经理审批", "总经理审批", "数量合理",
                 "待审批"):
        assert text in page, text
    assert "s3cr3t" not in page and "******" in page  # hidden_fields stay hidden
    assert '<span class="done"' in page and '<span class="now"' in page
    assert "批准（部门经理审批）" in page and "提交（" not in page
    assert _url(proposal, "approve") in page and _url(proposal, "reject") in page
    assert _url(proposal, "withdraw") not in page and _url(proposal, "execute") not in page

    # The manager approved step 1 already: may comment and reject but not approve again.
    manager_page = client_for(staff["manager"]).get(_url(proposal)).content.decode()
    assert _url(proposal, "approve") not in manager_page
    # The proposer may withdraw, not approve.
    own = client_for(staff["product_manager"]).get(_url(proposal)).content.decode()
    assert _url(proposal, "withdraw") in own and _url(proposal, "approve") not in own


def test_apr1_detail_is_403_for_uninvolved_and_404_for_missing(staff, client_for):
    proposal = _propose(staff["product_manager"])
    response = client_for(staff["finance"]).get(_url(proposal))
    assert response.status_code == 403
    assert "您无权查看该申请" in response.content.decode()
    assert client_for(staff["sysadmin"]).get(_url(proposal)).status_code == 200  # view_all
    assert client_for(staff["editor"]).get(_url(proposal)).status_code == 200  # executor role
    assert client_for(staff["finance"]).get("/proposals/999999/").status_code == 404


# ---- acting --------------------------------------------------------------------------


def test_apr2_approve_through_the_page_then_execute(staff, client_for):
    proposal = _propose(staff["product_manager"])
    response = client_for(staff["manager"]).post(_url(proposal, "approve"), {"comment": "好"},
                                                 follow=True)
    assert response.redirect_chain[-1][0] == _url(proposal)
    assert "已批准。" in response.content.decode()
    assert _state(proposal) == ("pending", 1)
    client_for(staff["general_manager"]).post(_url(proposal, "approve"))
    assert _state(proposal) == ("approved", 1)
    client_for(staff["editor"]).post(_url(proposal, "execute"))
    assert _state(proposal)[0] == "executed"
    assert SettingValue.objects.get(key=f"test_apr_page.{proposal.pk}").value == 3


def test_apr2_wrong_role_gets_403_and_nothing_changes(staff, client_for):
    proposal = _propose(staff["product_manager"])
    response = client_for(staff["general_manager"]).post(_url(proposal, "approve"))
    assert response.status_code == 403
    assert "您不是「部门经理审批」这一步的审批人" in response.content.decode()
    response = client_for(staff["product_manager"]).post(_url(proposal, "approve"))
    assert response.status_code == 403
    assert "不能审批自己提出的申请" in response.content.decode()
    assert client_for(staff["finance"]).post(_url(proposal, "approve")).status_code == 403
    assert _state(proposal) == ("pending", 0)
    assert not proposal.actions.filter(verb="approve").exists()


def test_apr2_reject_without_reason_shows_error_and_changes_nothing(staff, client_for):
    proposal = _propose(staff["product_manager"])
    client = client_for(staff["manager"])
    response = client.post(_url(proposal, "reject"), {"comment": ""}, follow=True)
    assert response.status_code == 200
    assert "驳回时请填写理由。" in response.content.decode()
    assert _state(proposal) == ("pending", 0)
    response = client.post(_url(proposal, "reject"), {"comment": "库存不足"}, follow=True)
    assert "已驳回。" in response.content.decode()
    assert _state(proposal)[0] == "rejected"
    assert "库存不足" in response.content.decode()  # shown in the timeline


def test_apr1_withdraw_comment_and_bad_requests_through_the_page(staff, client_for):
    proposal = _propose(staff["product_manager"])
    owner = client_for(staff["product_manager"])
    assert owner.get(_url(proposal, "withdraw")).status_code == 405
    assert owner.post(_url(proposal, "explode")).status_code == 404
    assert client_for(staff["manager"]).post(_url(proposal, "withdraw")).status_code == 403
    response = owner.post(_url(proposal, "comment"), {"comment": "补充：新品"}, follow=True)
    assert "评论已发表。" in response.content.decode()
    assert "补充：新品" in response.content.decode()
    owner.post(_url(proposal, "withdraw"))
    assert _state(proposal)[0] == "withdrawn"
    response = owner.post(_url(proposal, "withdraw"), follow=True)
    assert "不能撤回" in response.content.decode()
    assert Event.objects.for_object(proposal).filter(verb="proposal.withdrawn").count() == 1


def test_apr1_submit_a_draft_through_the_page(staff, client_for):
    draft = propose(actor=staff["product_manager"], kind=KIND, title="草稿",
                    payload={"sku": "S", "n": 1}, submit=False)
    owner = client_for(staff["product_manager"])
    assert _url(draft, "submit") in owner.get(_url(draft)).content.decode()
    owner.post(_url(draft, "submit"))
    assert _state(draft) == ("pending", 0)


# ---- chain configuration -------------------------------------------------------------


def test_apr2_chain_pages_need_the_capability(staff, client_for):
    assert client_for(staff["manager"]).get("/approval-chains/").status_code == 403
    assert client_for(staff["manager"]).get(f"/approval-chains/{KIND}/").status_code == 403
    page = client_for(staff["sysadmin"]).get("/approval-chains/").content.decode()
    assert "测试上架" in page and "岗位变更" in page  # every registered kind
    assert "部门经理审批" in page and "网站编辑/电商版块维护专员" in page
    assert client_for(staff["sysadmin"]).get("/approval-chains/nope/").status_code == 404


def _form(proposer_roles, steps, executor_roles, **extra):
    data = {"proposer_roles": proposer_roles, "executor_roles": executor_roles,
            "step_count": str(len(steps))}
    for i, (label, roles) in enumerate(steps):
        data[f"step-{i}-label"] = label
        data[f"step-{i}-roles"] = roles
        data[f"step-{i}-order"] = str(i + 1)
    return {**data, **extra}


def test_apr2_edit_a_chain_add_and_remove_steps(staff, client_for):
    client = client_for(staff["sysadmin"])
    form = client.get(f"/approval-chains/{KIND}/").content.decode()
    assert 'name="step-1-label"' in form and 'value="总经理审批"' in form

    # 添加步骤 re-renders with one more (empty) step and saves nothing.
    data = _form(["product_manager"], [("部门经理审批", ["manager"])], ["editor"], add_step="1")
    response = client.post(f"/approval-chains/{KIND}/", data)
    assert response.status_code == 200
    assert 'name="step-1-label"' in response.content.decode()
    assert not Event.objects.filter(verb="approval_chain.changed").exists()

    data = _form(["product_manager", "planner"],
                 [("部门经理审批", ["manager"]), ("总经理审批", ["general_manager"]),
                  ("财务审批", ["finance"]), ("", [])],
                 [], **{"step-1-remove": "1", "step-2-order": "1", "step-0-order": "2"})
    response = client.post(f"/approval-chains/{KIND}/", data, follow=True)
    assert "之后提交的申请按新流程审批" in response.content.decode()
    chain = ApprovalChain.objects.get(kind=KIND)
    assert chain.proposer_roles == ["product_manager", "planner"]
    assert chain.steps == [{"label": "财务审批", "roles": ["finance"]},
                           {"label": "部门经理审批", "roles": ["manager"]}]
    assert chain.executor_roles == []
    event = Event.objects.get(verb="approval_chain.changed")
    assert event.actor == staff["sysadmin"]
    assert event.changes["executor_roles"] == [["editor"], []]


def test_apr2_invalid_chain_shows_error_and_keeps_the_old_one(staff, client_for):
    before = chain_for(KIND)
    client = client_for(staff["sysadmin"])
    response = client.post(f"/approval-chains/{KIND}/",
                           _form([], [("部门经理审批", [])], ["editor"]))
    assert response.status_code == 400
    assert "第1步没有选择审批岗位" in response.content.decode()
    response = client.post(f"/approval-chains/{KIND}/",
                           _form([], [("x", ["manager"])], [], **{"step-0-remove": "1"}))
    assert "审批流程至少需要一个审批步骤" in response.content.decode()
    assert chain_for(KIND) == before
