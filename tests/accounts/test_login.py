"""ROLE-3: the login page, throttling of failed logins, password expiry."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from shopops.accounts.models import LoginAttempt
from shopops.core.models import Event
from tests.conftest import PASSWORD

LOCKED = "登录失败次数过多，账号已临时锁定，请 15 分钟后再试"
EXPIRED = "您的密码已过期，请修改后继续使用"


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def test_role3_login_page_is_public_and_chinese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "员工登录" in page and 'name="password"' in page
    assert 'class="layout bare"' in page  # logged-out layout: no side navigation


def test_role3_correct_password_signs_in_and_is_recorded(client, make_user):
    user = make_user(username="liping")
    response = login(client, "liping", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)
    attempt = LoginAttempt.objects.get(username="liping")
    assert attempt.success is True and attempt.ip == "127.0.0.1"
    assert str(user.pk) == client.session["_auth_user_id"]


def test_role3_login_follows_safe_next_only(client, make_user):
    make_user(username="liping")
    response = client.post("/accounts/login/?next=/accounts/vault/",
                           {"username": "liping", "password": PASSWORD, "next": "/accounts/vault/"})
    assert response["Location"] == "/accounts/vault/"
    client.logout()
    response = client.post("/accounts/login/", {"username": "liping", "password": PASSWORD,
                                                "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_role3_wrong_password_shows_chinese_error(client, make_user):
    make_user(username="liping")
    response = login(client, "liping", "Wrong#pass1")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert not signed_in(client)
    assert LoginAttempt.objects.filter(username="liping", success=False).count() == 1


def test_role3_locked_after_5_failures_even_with_right_password(client, make_user):
    user = make_user(username="liping")
    for n in range(1, 5):
        assert "用户名或密码错误" in login(client, "liping", f"Wrong#{n}x").content.decode()
    fifth = login(client, "liping", "Wrong#5x")
    assert LOCKED in fifth.content.decode()
    response = login(client, "liping", PASSWORD)
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    event = Event.objects.get(verb="account.locked")
    assert event.object_id == str(user.pk) and event.actor is None
    # Refusals during the lock are not counted, so they cannot extend it.
    assert LoginAttempt.objects.filter(username="liping").count() == 5


def test_role3_unlocked_after_the_window(client, make_user):
    make_user(username="liping")
    for n in range(5):
        login(client, "liping", f"Wrong#{n}x")
    assert LOCKED in login(client, "liping", PASSWORD).content.decode()
    LoginAttempt.objects.update(at=F("at") - timedelta(minutes=14))
    assert LOCKED in login(client, "liping", PASSWORD).content.decode()  # 14 min: still locked
    LoginAttempt.objects.update(at=F("at") - timedelta(minutes=2))
    response = login(client, "liping", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_role3_lockout_numbers_come_from_settings(client, make_user, set_setting):
    make_user(username="liping")
    set_setting("accounts.login_max_failures", 3)
    set_setting("accounts.login_lockout_minutes", 30)
    login(client, "liping", "Wrong#1x")
    login(client, "liping", "Wrong#2x")
    response = login(client, "liping", "Wrong#3x")
    assert "登录失败次数过多，账号已临时锁定，请 30 分钟后再试" in response.content.decode()


def test_role3_successful_login_resets_the_failure_count(client, make_user):
    make_user(username="liping")
    for n in range(4):
        login(client, "liping", f"Wrong#{n}x")
    assert login(client, "liping", PASSWORD).status_code == 302
    client.logout()
    for n in range(4):
        assert LOCKED not in login(client, "liping", f"Wrong#{n}y").content.decode()
    assert login(client, "liping", PASSWORD).status_code == 302


def test_role3_failures_spread_beyond_the_window_do_not_lock(client, make_user):
    make_user(username="liping")
    for n in range(4):
        login(client, "liping", f"Wrong#{n}x")
    LoginAttempt.objects.update(at=F("at") - timedelta(minutes=16))
    assert LOCKED not in login(client, "liping", "Wrong#9x").content.decode()
    assert login(client, "liping", PASSWORD).status_code == 302


def test_role3_unknown_user_is_throttled_too(client, db):
    for n in range(5):
        response = login(client, "nobody", f"Wrong#{n}x")
    assert LOCKED in response.content.decode()
    assert Event.objects.filter(verb="account.locked", object_repr="nobody").count() == 1


def test_role3_logout_needs_post(client_for, make_user):
    client = client_for(make_user())
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_role3_password_older_than_90_days_redirects_to_change_page(make_user, client_for):
    user = make_user(roles=["manager"])
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    client = client_for(user)
    response = client.get("/accounts/vault/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and EXPIRED in page.content.decode()


def test_role3_password_of_89_days_is_still_valid(make_user, client_for):
    user = make_user(roles=["manager"])
    user.password_changed_at = timezone.now() - timedelta(days=89)
    user.save()
    assert client_for(user).get("/accounts/vault/").status_code == 200


def test_role3_expiry_follows_the_setting(make_user, client_for, set_setting):
    set_setting("accounts.password_max_age_days", 30)
    user = make_user(roles=["manager"])
    user.password_changed_at = timezone.now() - timedelta(days=31)
    user.save()
    assert client_for(user).get("/accounts/vault/").status_code == 302
    set_setting("accounts.password_max_age_days", 0)  # 0 = never expires
    assert client_for(user).get("/accounts/vault/").status_code == 200


def test_role3_must_change_or_never_set_password_redirects(make_user, client_for):
    forced = make_user(roles=["manager"], must_change_password=True)
    never = make_user(roles=["manager"])
    never.password_changed_at = None
    never.save()
    for user in (forced, never):
        response = client_for(user).get("/accounts/vault/")
        assert response["Location"] == "/accounts/password/"


def test_role3_expired_user_may_still_log_out_and_api_says_why(make_user, client_for):
    user = make_user(must_change_password=True)
    client = client_for(user)
    me = client.get("/api/v1/accounts/me")
    assert me.status_code == 200 and me.json()["password_expired"] is True
    assert client.post("/accounts/logout/").status_code == 302
    assert not signed_in(client)


def test_role3_changing_an_expired_password_restores_access(make_user, client_for):
    user = make_user(roles=["manager"])
    user.password_changed_at = timezone.now() - timedelta(days=120)
    user.save()
    client = client_for(user)
    assert client.get("/accounts/vault/").status_code == 302
    client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password": "Fresh#2026pw", "new_password2": "Fresh#2026pw"})
    assert client.get("/accounts/vault/").status_code == 200
