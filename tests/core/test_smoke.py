def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_builtin_roles_installed(db):
    """ROLE-1: every post of the department exists out of the box."""
    from shopops.accounts.models import Role

    names = set(Role.objects.values_list("name", flat=True))
    for name in ["部门经理", "审单员", "打单员", "备货员", "验货员", "打包员", "售后员", "财务", "总经理"]:
        assert name in names
