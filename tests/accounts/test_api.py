"""ROLE-1, ROLE-2: GET /api/v1/accounts/me."""


def test_role1_me_returns_roles_level_and_capabilities(make_user, client_for):
    user = make_user(roles=["sysadmin", "picker"], level="write", display_name="陈管理")
    body = client_for(user).get("/api/v1/accounts/me").json()
    assert body["username"] == user.username and body["display_name"] == "陈管理"
    assert [r["code"] for r in body["roles"]] == ["sysadmin", "picker"]
    assert body["roles"][0] == {"code": "sysadmin", "name": "系统管理员", "acting": False,
                                "ends_on": None}
    assert body["access_level"] == "write" and body["access_level_label"] == "后台管理用户"
    assert "accounts.manage_staff" in body["capabilities"]
    assert "ops.backup" not in body["capabilities"]  # db level needed
    assert body["password_expired"] is False


def test_role1_me_needs_login(client, db):
    assert client.get("/api/v1/accounts/me").status_code == 401
