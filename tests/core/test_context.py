def test_role1_pages_offer_actions_only_to_who_may_use_them(staff, client_for):
    """`can.accounts__manage_staff` in a template follows the person's capabilities."""
    assert "开设账号" in client_for(staff["sysadmin"]).get("/accounts/staff/").content.decode()
    assert "开设账号" not in client_for(staff["manager"]).get("/accounts/staff/").content.decode()
