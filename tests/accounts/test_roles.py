"""ROLE-1, ROLE-2 with APR-1/2: role and access-level changes go through approvals."""

import pytest

from shopops.accounts.models import RoleAssignment
from shopops.core.access import user_can
from shopops.core.actions.approvals import approve_proposal, execute_proposal, propose
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event, Proposal

from .conftest import fresh


def role_payload(user, add=(), remove=(), acting=False, ends_on=None):
    return {"user_id": user.pk, "user_label": str(user),
            "add": [{"role": c, "acting": acting, "ends_on": ends_on} for c in add],
            "remove": list(remove)}


def test_role2_role_change_full_chain_grants_and_removes_capability(staff, make_user,
                                                                    client_for, run_chain):
    person = make_user(roles=["picker"])
    assert not user_can(person, "accounts.view_staff")
    response = client_for(staff["sysadmin"]).post(
        f"/accounts/staff/{person.pk}/roles/", {"add": ["cs_supervisor"], "reason": "接任主管"})
    assert response.status_code == 302
    proposal = Proposal.objects.get(kind="role_change")
    assert proposal.state == "pending" and proposal.subject_id == str(person.pk)
    assert not user_can(fresh(person), "accounts.view_staff")  # nothing until executed

    run_chain(proposal, [staff["manager"]])
    assert proposal.state == "approved"
    with pytest.raises(PermissionDeniedError):
        execute_proposal(actor=staff["manager"], proposal=proposal)  # sysadmin executes
    run_chain(proposal, [], executor=staff["sysadmin"])
    assert proposal.state == "executed"
    assert user_can(fresh(person), "accounts.view_staff")
    event = Event.objects.get(verb="account.roles_changed")
    assert event.changes == {"roles": [["备货员"], ["备货员", "客服主管"]]}
    assert event.actor == staff["sysadmin"]

    removal = propose(actor=staff["sysadmin"], kind="role_change", title="取消主管",
                      payload=role_payload(person, remove=["cs_supervisor"]), subject=person)
    run_chain(removal, [staff["manager"]], executor=staff["sysadmin"])
    assert not user_can(fresh(person), "accounts.view_staff")
    assert fresh(person).role_codes() == {"picker"}


def test_role1_acting_role_with_end_date(staff, make_user, client_for, run_chain):
    person = make_user(roles=["picker"])
    client_for(staff["sysadmin"]).post(f"/accounts/staff/{person.pk}/roles/", {
        "add": ["warehouse_supervisor"], "acting": "on", "ends_on": "2099-12-31"})
    proposal = run_chain(Proposal.objects.get(kind="role_change"), [staff["manager"]],
                         executor=staff["sysadmin"])
    assert proposal.state == "executed"
    assignment = RoleAssignment.objects.get(user=person, role__code="warehouse_supervisor")
    assert assignment.acting is True and str(assignment.ends_on) == "2099-12-31"
    page = client_for(staff["manager"]).get(f"/accounts/staff/{person.pk}/").content.decode()
    assert "仓库主管（代理）" in page


@pytest.mark.parametrize("change,message", [
    ({"add": ["astronaut"]}, "未知的岗位：astronaut"),
    ({"remove": ["packer"]}, "未担任：打包员"),
    ({"add": ["picker"]}, "已担任：备货员"),
    ({}, "没有任何岗位变动"),
    ({"add": ["packer"], "remove": ["packer"]}, "同一岗位不能既增加又取消"),
])
def test_role2_invalid_role_changes_are_refused(staff, make_user, change, message):
    person = make_user(roles=["picker"])
    with pytest.raises(UserError) as exc:
        propose(actor=staff["sysadmin"], kind="role_change", title="变更",
                payload=role_payload(person, **change), subject=person)
    assert message in exc.value.message
    assert not Proposal.objects.exists()


def test_role2_role_change_page_shows_the_error(staff, make_user, client_for):
    person = make_user(roles=["picker"])
    response = client_for(staff["sysadmin"]).post(f"/accounts/staff/{person.pk}/roles/", {})
    assert response.status_code == 200
    assert "没有任何岗位变动" in response.content.decode()
    assert not Proposal.objects.exists()


def test_role2_role_change_needs_capability_and_proposer_role(staff, make_user, client_for):
    person = make_user(roles=["picker"])
    assert client_for(staff["finance"]).get(f"/accounts/staff/{person.pk}/roles/").status_code == 403


def test_role2_stale_role_change_fails_at_execution_and_changes_nothing(staff, make_user,
                                                                       run_chain):
    person = make_user(roles=["picker", "packer"])
    proposal = propose(actor=staff["sysadmin"], kind="role_change", title="取消打包",
                       payload=role_payload(person, remove=["packer"]), subject=person)
    run_chain(proposal, [staff["manager"]])
    RoleAssignment.objects.filter(user=person, role__code="packer").delete()
    with pytest.raises(UserError):
        execute_proposal(actor=staff["sysadmin"], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert not Event.objects.filter(verb="account.roles_changed").exists()


def test_role2_special_user_needs_general_manager(staff, make_user, client_for, run_chain):
    person = make_user(roles=["sysadmin"], level="write")
    assert not user_can(person, "ops.backup")
    response = client_for(staff["sysadmin"]).post(f"/accounts/staff/{person.pk}/level/",
                                                  {"level": "db", "reason": "负责备份"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == "special_access_change"
    run_chain(proposal, [staff["manager"]])
    assert proposal.state == "pending" and proposal.current_step["roles"] == ["general_manager"]
    with pytest.raises(UserError):  # not approved yet: nobody can execute it
        execute_proposal(actor=staff["sysadmin"], proposal=proposal)
    with pytest.raises(PermissionDeniedError):  # the manager is not the general manager
        approve_proposal(actor=staff["manager"], proposal=proposal)
    run_chain(proposal, [staff["general_manager"]], executor=staff["sysadmin"])
    assert proposal.state == "executed"
    person = fresh(person)
    assert person.access_level == "db" and user_can(person, "ops.backup")
    event = Event.objects.get(verb="account.level_changed")
    assert event.changes == {"access_level": ["write", "db"]}


def test_role2_ordinary_level_kind_cannot_grant_db(staff, make_user):
    person = make_user(level="write")
    with pytest.raises(UserError) as exc:
        propose(actor=staff["sysadmin"], kind="access_level_change", title="提级",
                payload={"user_id": person.pk, "from": "write", "to": "db"}, subject=person)
    assert exc.value.code == "special_user_change"


def test_role2_level_change_to_read_limits_capabilities(staff, make_user, client_for, run_chain):
    person = make_user(roles=["sysadmin"], level="write")
    assert user_can(person, "accounts.manage_staff") and user_can(person, "accounts.view_staff")
    client_for(staff["sysadmin"]).post(f"/accounts/staff/{person.pk}/level/", {"level": "read"})
    proposal = Proposal.objects.get()
    assert proposal.kind == "access_level_change"
    run_chain(proposal, [staff["manager"]], executor=staff["sysadmin"])
    person = fresh(person)
    assert person.access_level == "read"
    assert not user_can(person, "accounts.manage_staff")  # a write-level capability
    assert user_can(person, "accounts.view_staff")  # read level still reads


def test_role2_same_level_is_a_no_op(staff, make_user, client_for):
    person = make_user(level="write")
    response = client_for(staff["sysadmin"]).post(f"/accounts/staff/{person.pk}/level/",
                                                  {"level": "write"})
    assert "已经是「后台管理用户」" in response.content.decode()
    assert not Proposal.objects.exists()


def test_role2_access_level_limits_capabilities(make_user):
    """A role grants ops.backup (db level), but a write-level holder still cannot back up."""
    writer = make_user(roles=["sysadmin"], level="write")
    admin = make_user(roles=["sysadmin"], level="db")
    assert not user_can(writer, "ops.backup")
    assert user_can(admin, "ops.backup")
    assert user_can(writer, "core.manage_settings")


def test_role2_describe_reads_in_chinese(staff, make_user):
    from shopops.accounts.actions import describe_access_level_change, describe_role_change

    person = make_user(display_name="吴敏")
    line = describe_role_change({"user_id": person.pk, "user_label": "吴敏",
                                 "add": [{"role": "reviewer", "acting": True,
                                          "ends_on": "2099-01-31"}],
                                 "remove": ["picker"]})
    assert line == "吴敏：增加 审单员（代理，至 2099-01-31）；取消 备货员"
    assert describe_access_level_change({"user_label": "吴敏", "from": "write", "to": "db"}) == \
        "吴敏：后台管理用户 → 数据库管理用户"
