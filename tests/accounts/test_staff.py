"""ROLE-1, ROLE-2: staff pages, creating accounts, resetting passwords, the role list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopops.accounts import actions
from shopops.accounts.models import RoleAssignment, User
from shopops.core.errors import UserError
from shopops.core.models import Event
from tests.conftest import PASSWORD


def test_role1_staff_list_needs_view_staff(staff, client_for):
    assert client_for(staff["picker"]).get("/accounts/staff/").status_code == 403
    assert client_for(staff["manager"]).get("/accounts/staff/").status_code == 200


def test_role1_staff_list_shows_roles_and_filters(staff, make_user, client_for):
    make_user(roles=["reviewer", "printer"], display_name="赵审单", username="zhao")
    make_user(roles=["packer"], display_name="钱打包", username="qian")
    client = client_for(staff["manager"])
    page = client.get("/accounts/staff/", {"q": "赵"}).content.decode()
    assert "赵审单" in page and "审单员" in page and "打单员" in page and "钱打包" not in page
    page = client.get("/accounts/staff/", {"role": "packer"}).content.decode()
    assert "钱打包" in page and "赵审单" not in page
    page = client.get("/accounts/staff/", {"q": "qian"}).content.decode()
    assert "钱打包" in page and "赵审单" not in page


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/accounts/staff/").status_code == 200
    return len(ctx.captured_queries)


def test_role1_staff_list_query_count_does_not_grow_with_rows(
        staff, make_user, client_for, django_assert_max_num_queries):
    client = client_for(staff["manager"])
    _list_queries(client)  # warm the settings cache
    for _ in range(3):
        make_user(roles=["picker", "packer"], supervisor=staff["warehouse_supervisor"])
    few = _list_queries(client)
    for _ in range(27):
        make_user(roles=["picker", "packer"], supervisor=staff["warehouse_supervisor"])
    assert _list_queries(client) == few
    with django_assert_max_num_queries(14):
        page = client.get("/accounts/staff/").content.decode()
    assert page.count("备货员") >= 30


def test_role1_staff_detail_shows_roles_acting_level_and_history(staff, make_user, client_for):
    boss = make_user(display_name="孙主管")
    person = make_user(roles=["picker"], display_name="李备货", supervisor=boss)
    RoleAssignment.objects.create(user=person, role_id=_role_id("packer"), acting=True)
    actions.reset_password(actor=staff["sysadmin"], user=person)
    page = client_for(staff["manager"]).get(f"/accounts/staff/{person.pk}/").content.decode()
    assert "李备货" in page and "孙主管" in page
    assert "备货员" in page and "打包员（代理）" in page
    assert "后台管理用户" in page
    assert "重置了 李备货 的密码" in page  # the reset is in the history timeline


def _role_id(code):
    from shopops.accounts.models import Role

    return Role.objects.get(code=code).pk


def test_role1_create_account_shows_temporary_password_once(staff, client_for, client):
    admin = client_for(staff["sysadmin"])
    response = admin.post("/accounts/staff/new/", {
        "username": "zhouxin", "display_name": "周新", "employee_no": "E1001",
        "phone": "13800000000", "supervisor": staff["warehouse_supervisor"].pk,
        "roles": ["picker", "packer"], "access_level": "write"})
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1
    password = response.context["password"]
    assert password in response.content.decode()
    person = User.objects.get(username="zhouxin")
    assert person.must_change_password is True and person.employee_no == "E1001"
    assert person.role_codes() == {"picker", "packer"}
    assert person.supervisor == staff["warehouse_supervisor"]
    event = Event.objects.get(verb="account.created")
    assert event.actor == staff["sysadmin"] and event.object_id == str(person.pk)
    assert password not in str(event.data) + str(event.changes)
    # the temporary password signs in, then the person must change it
    client.post("/accounts/login/", {"username": "zhouxin", "password": password})
    assert client.get("/accounts/staff/").headers["Location"] == "/accounts/password/"


def test_role1_create_account_refuses_duplicate_and_needs_manage_staff(staff, client_for):
    data = {"username": "manager", "display_name": "重复", "access_level": "write"}
    response = client_for(staff["sysadmin"]).post("/accounts/staff/new/", data)
    assert "账号 manager 已存在" in response.content.decode()
    assert client_for(staff["manager"]).post("/accounts/staff/new/", data).status_code == 403


def test_role2_new_account_cannot_start_as_special_user(staff):
    with pytest.raises(UserError) as exc:
        actions.create_staff(actor=staff["sysadmin"], username="x1", display_name="某人",
                             access_level="db")
    assert exc.value.code == "level_needs_approval"
    assert not User.objects.filter(username="x1").exists()


def test_role3_reset_password_gives_a_temporary_password(staff, make_user, client_for):
    person = make_user()
    admin = client_for(staff["sysadmin"])
    assert admin.get(f"/accounts/staff/{person.pk}/reset-password/").status_code == 405
    response = admin.post(f"/accounts/staff/{person.pk}/reset-password/")
    assert response.status_code == 200
    password = response.context["password"]
    person.refresh_from_db()
    assert person.must_change_password is True
    assert person.check_password(password) and not person.check_password(PASSWORD)
    assert Event.objects.filter(verb="account.password_reset", object_id=str(person.pk)).count() == 1
    assert client_for(staff["manager"]).post(
        f"/accounts/staff/{person.pk}/reset-password/").status_code == 403


def test_role1_role_list_shows_chinese_names_counts_and_capabilities(staff, make_user, client_for):
    make_user(roles=["picker"])
    expired = make_user()
    RoleAssignment.objects.create(user=expired, role_id=_role_id("picker"), acting=True,
                                  ends_on="2020-01-31")  # a finished 代理: not counted
    assert client_for(staff["picker"]).get("/accounts/roles/").status_code == 403
    page = client_for(staff["manager"]).get("/accounts/roles/").content.decode()
    for name in ["部门经理", "审单员", "打单员", "备货员", "验货员", "打包员", "售后员", "财务", "总经理"]:
        assert name in page
    assert "2 人" in page  # two pickers: the staff fixture's and the one above
    assert "备份与恢复数据库" in page and "管理员工账号" in page


def test_role1_every_accounts_page_renders_for_the_administrator(staff, client_for,
                                                                vault_key_file):
    credential = actions.create_credential(
        actor=staff["sysadmin"], name="域名", category="域名", secret="Dns#2026x",
        reader_roles=["sysadmin"])
    person = staff["picker"]
    admin = client_for(staff["sysadmin"])
    for url in ["/accounts/staff/", "/accounts/staff/new/", f"/accounts/staff/{person.pk}/",
                f"/accounts/staff/{person.pk}/roles/", f"/accounts/staff/{person.pk}/level/",
                "/accounts/roles/", "/accounts/vault/", "/accounts/vault/new/",
                f"/accounts/vault/{credential.pk}/", f"/accounts/vault/{credential.pk}/change/",
                "/accounts/password/"]:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.content.decode(), url
