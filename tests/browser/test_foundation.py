"""The foundation as people use it, in a real browser (headless chromium)."""

import re

from django.utils import timezone

from shopops.accounts.models import RoleAssignment
from tests.browser.conftest import login
from tests.conftest import PASSWORD


def test_role3_expired_password_must_be_changed_with_chinese_rules(new_page, make_user, shot):
    person = make_user(roles=["reviewer"], username="mxy", display_name="马晓燕")
    person.password_changed_at = timezone.now() - timezone.timedelta(days=91)
    person.save(update_fields=["password_changed_at"])

    page = new_page()
    login(page, "mxy", PASSWORD)
    assert "/accounts/password/" in page.url
    assert "您的密码已过期" in page.content()

    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password", "9abcDEF!x")
    page.fill("#id_new_password2", "9abcDEF!x")
    page.click("button[type=submit]")
    assert "密码不能以数字开头" in page.content()
    shot(page, "rule-refused")

    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password", "Review#2026x")
    page.fill("#id_new_password2", "Review#2026x")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/password/" not in page.url
    page.goto("/")
    assert "马晓燕" in page.content()
    shot(page, "home")


def test_role3_login_locks_after_repeated_failures(new_page, make_user, shot):
    make_user(roles=["picker"], username="zq")
    page = new_page()
    for _ in range(5):
        login(page, "zq", "Wrong#pass1")
    login(page, "zq", PASSWORD)
    assert "/accounts/login/" in page.url
    assert "账号已临时锁定" in page.content()
    shot(page, "locked")


def test_apr2_role_change_proposed_approved_executed_in_browser(new_page, staff, shot):
    """ROLE-2 / APR-1 / APR-2: the administrator proposes that the picker act as label printer,
    the manager sees it waiting (inbox count), approves, the administrator executes, and
    the picker's page then shows the acting post and the history."""
    picker = staff["picker"]

    admin = new_page()
    login(admin, "sysadmin", PASSWORD)
    admin.goto(f"/accounts/staff/{picker.pk}/roles/")
    admin.get_by_label("打单员").first.check()
    admin.check("input[name=acting]")
    admin.fill("textarea[name=reason]", "朱涛年假两周，赵强临时代理打单。")
    admin.click("button:has-text('提交申请')")
    admin.wait_for_load_state("networkidle")
    assert "已提交" in admin.content() or "待审批" in admin.content()
    admin.goto("/proposals/mine/")
    admin.locator("table.list a[href^='/proposals/']").first.click()
    admin.wait_for_load_state("networkidle")
    proposal_url = re.sub(r"^https?://[^/]+", "", admin.url)
    assert re.match(r"^/proposals/\d+/$", proposal_url), admin.url

    boss = new_page()
    login(boss, "manager", PASSWORD)
    assert boss.get_by_test_id("inbox-count").inner_text() == "1"
    boss.goto("/proposals/waiting/")
    boss.locator("table.list a[href^='/proposals/']").first.click()
    boss.wait_for_load_state("networkidle")
    shot(boss, "waiting-detail")
    boss.fill("#approve-comment", "同意，注意交接。")
    boss.click("button:has-text('批准')")
    boss.wait_for_load_state("networkidle")
    assert "已批准待执行" in boss.content()

    admin.goto(proposal_url)
    admin.click("button:has-text('执行')")
    admin.wait_for_load_state("networkidle")
    assert "已执行" in admin.content()
    assert RoleAssignment.objects.filter(user=picker, role__code="printer", acting=True).exists()

    admin.goto(f"/accounts/staff/{picker.pk}/")
    body = admin.content()
    assert "打单员" in body and "代理" in body
    shot(admin, "staff-after")


def test_role1_three_posts_see_different_navigation(new_page, staff, shot):
    """ROLE-1 / ROLE-2: navigation shows only what the person's roles may use."""
    seen = {}
    for username in ("sysadmin", "manager", "picker"):
        page = new_page()
        login(page, username, PASSWORD)
        seen[username] = set(page.locator("aside.sidebar a").all_inner_texts())
        shot(page, username)
    assert {"系统设置", "数据备份", "审批流程"} <= seen["sysadmin"]
    assert "事件日志" in seen["manager"] and "系统设置" not in seen["manager"]
    assert "数据备份" not in seen["manager"]
    assert {"首页", "通知", "待我审批"} <= seen["picker"]
    assert not {"事件日志", "员工账号", "系统设置"} & seen["picker"]
