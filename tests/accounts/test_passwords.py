"""ROLE-3: password rules, changing one's password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from shopops.accounts.models import User
from shopops.core.models import Event
from tests.conftest import PASSWORD


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


def test_role3_minimum_length_default_8_with_chinese_message(db):
    assert messages_for("Ab#1xyz") == [
        "密码至少需要 8 位 (The password must be at least 8 characters.)"]
    assert messages_for("Ab#1xyzw") == []


def test_role3_six_char_minimum_when_setting_is_6(set_setting):
    set_setting("accounts.password_min_length", 6)
    assert messages_for("Ab#1xy") == []
    assert messages_for("Ab#1x") == [
        "密码至少需要 6 位 (The password must be at least 6 characters.)"]


def test_role3_must_not_start_with_a_digit(db):
    assert messages_for("1Abcdef#") == ["密码不能以数字开头 (The password must not start with a digit.)"]


def test_role3_complexity_needs_three_classes_by_default(db):
    (message,) = messages_for("abcdefgh")
    assert message.startswith("密码过于简单：大写字母、小写字母、数字、符号中至少要包含 3 类")
    assert messages_for("abcdefg1") != []  # two classes
    assert messages_for("abcdefG1") == []  # three classes


def test_role3_complexity_follows_the_setting(set_setting):
    set_setting("accounts.password_min_classes", 4)
    assert "至少要包含 4 类" in messages_for("abcdefG1")[0]
    assert messages_for("abcdeG1#") == []


def test_role3_password_must_not_contain_the_username(db):
    user = User(username="zhangsan")
    assert messages_for("Zhangsan#1", user) == [
        "密码不能包含用户名 (The password must not contain the user name.)"]
    assert messages_for("Lisi#2026x", user) == []


def test_role3_change_password_records_event_without_the_password(make_user, client_for):
    user = make_user(must_change_password=True)
    client = client_for(user)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password": "New#pass2026", "new_password2": "New#pass2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("New#pass2026")
    assert user.must_change_password is False
    event = Event.objects.get(verb="account.password_changed")
    assert event.object_id == str(user.pk)
    assert "New#pass2026" not in str(event.data) + str(event.changes) + event.summary
    # still signed in after the change
    assert client.get("/accounts/password/").status_code == 200


def test_role3_change_password_refuses_reusing_the_current_one(make_user, client_for):
    user = make_user()
    before = user.password_changed_at
    response = client_for(user).post("/accounts/password/", {
        "old_password": PASSWORD, "new_password": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 200
    assert "新密码不能与当前密码相同" in response.content.decode()
    user.refresh_from_db()
    assert user.password_changed_at == before
    assert not Event.objects.filter(verb="account.password_changed").exists()


@pytest.mark.parametrize("old,new,message", [
    ("Wrong#pass1", "New#pass2026", "当前密码不正确"),
    (PASSWORD, "1New#pass2026", "密码不能以数字开头"),
    (PASSWORD, "short#A1", None),  # 8 chars, valid: control case
])
def test_role3_change_password_shows_rule_errors(make_user, client_for, old, new, message):
    user = make_user()
    response = client_for(user).post("/accounts/password/", {
        "old_password": old, "new_password": new, "new_password2": new})
    user.refresh_from_db()
    if message is None:
        assert response.status_code == 302 and user.check_password(new)
    else:
        assert message in response.content.decode()
        assert user.check_password(PASSWORD)


def test_role3_change_password_mismatch_is_refused(make_user, client_for):
    user = make_user()
    response = client_for(user).post("/accounts/password/", {
        "old_password": PASSWORD, "new_password": "New#pass2026", "new_password2": "New#pass2027"})
    assert "两次输入的新密码不一致" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_role3_temporary_passwords_pass_every_rule(db, set_setting):
    from shopops.accounts.passwords import temporary_password

    set_setting("accounts.password_min_classes", 4)
    user = User(username="wangwu")
    for _ in range(20):
        password = temporary_password(user)
        assert len(password) >= 12
        assert messages_for(password, user) == []
