"""The settings registry page and the actions that change settings (rule numbers are
settings, never constants; every change is in the audit trail — ROLE-4)."""

from datetime import time

import pytest

from shopops.core import registry
from shopops.core.actions.settings import change_setting, reset_setting
from shopops.core.errors import NotFoundError, PermissionDeniedError, UserError
from shopops.core.models import Event, SettingValue

KEY = "accounts.password_max_age_days"  # int, default 90, 0..3650, unit 天


@pytest.fixture
def admin(make_user):
    return make_user(roles=["sysadmin"], level="db")


@pytest.fixture
def manager(make_user):
    return make_user(roles=["manager"])


def test_role4_change_setting_saves_value_and_records_before_after(admin):
    assert change_setting(actor=admin, key=KEY, raw_value=" 30 ") is True

    assert registry.setting(KEY) == 30
    assert SettingValue.objects.get(key=KEY).value == 30
    event = Event.objects.get(verb="setting.changed")
    assert event.actor == admin
    assert (event.object_type, event.object_id, event.object_repr) == (
        "core.setting", KEY, "密码有效期")
    assert event.changes == {KEY: [90, 30]}
    assert event.summary == "修改设置「密码有效期」：90 天 → 30 天"


def test_change_setting_clears_other_readers_cache_after_commit(
        admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        change_setting(actor=admin, key=KEY, raw_value="30")
    assert registry.clear_cache in callbacks


def test_change_setting_takes_effect_at_once_despite_the_cache(admin):
    assert registry.setting(KEY) == 90  # now cached
    change_setting(actor=admin, key=KEY, raw_value="45")
    assert registry.setting(KEY) == 45
    change_setting(actor=admin, key=KEY, raw_value="60")
    assert registry.setting(KEY) == 60
    assert Event.objects.filter(verb="setting.changed").count() == 2
    assert Event.objects.filter(verb="setting.changed").first().changes == {KEY: [45, 60]}


@pytest.mark.parametrize("raw, code", [
    ("abc", "setting_invalid"),
    ("-1", "setting_too_small"),
    ("4000", "setting_too_large"),
])
def test_bad_setting_value_is_refused_and_changes_nothing(admin, raw, code):
    with pytest.raises(UserError) as caught:
        change_setting(actor=admin, key=KEY, raw_value=raw)
    assert caught.value.code == code
    assert not SettingValue.objects.exists()
    assert not Event.objects.exists()
    assert registry.setting(KEY) == 90


def test_unchanged_value_records_nothing(admin):
    assert change_setting(actor=admin, key=KEY, raw_value="90") is False
    change_setting(actor=admin, key=KEY, raw_value="30")
    assert change_setting(actor=admin, key=KEY, raw_value="30") is False
    assert Event.objects.count() == 1


def test_time_setting_round_trips(admin):
    change_setting(actor=admin, key="ops.full_backup_time", raw_value="17:30")
    assert registry.setting("ops.full_backup_time") == time(17, 30)
    assert Event.objects.get().changes == {"ops.full_backup_time": ["18:00", "17:30"]}


@pytest.fixture
def extra_settings():
    """A list and a bool setting, as later domains will define."""
    defs = [
        registry.define("test.couriers", ["顺丰", "圆通"], type="list", label="快递公司",
                        group="测试 Test"),
        registry.define("test.auto_review", False, type="bool", label="自动审单", group="测试 Test"),
    ]
    yield defs
    for definition in defs:
        registry.REGISTRY.pop(definition.key)


def test_list_and_bool_settings_round_trip(admin, extra_settings, client_for):
    change_setting(actor=admin, key="test.couriers", raw_value="顺丰，中通, 韵达")
    change_setting(actor=admin, key="test.auto_review", raw_value="true")
    assert registry.setting("test.couriers") == ["顺丰", "中通", "韵达"]
    assert registry.setting("test.auto_review") is True
    assert Event.objects.get(object_id="test.couriers").changes == {
        "test.couriers": [["顺丰", "圆通"], ["顺丰", "中通", "韵达"]]}
    html = client_for(admin).get("/settings/").content.decode()
    assert "顺丰、中通、韵达" in html
    edit = client_for(admin).get("/settings/test.couriers/").content.decode()
    assert 'value="顺丰, 中通, 韵达"' in edit


def test_role4_reset_setting_deletes_override_and_records_event(admin):
    change_setting(actor=admin, key=KEY, raw_value="30")
    assert reset_setting(actor=admin, key=KEY) is True
    assert not SettingValue.objects.filter(key=KEY).exists()
    assert registry.setting(KEY) == 90
    event = Event.objects.get(verb="setting.reset")
    assert event.changes == {KEY: [30, 90]}
    assert event.actor == admin
    assert reset_setting(actor=admin, key=KEY) is False  # already default: no event
    assert Event.objects.filter(verb="setting.reset").count() == 1


def test_change_setting_needs_the_capability(manager):
    with pytest.raises(PermissionDeniedError):
        change_setting(actor=manager, key=KEY, raw_value="30")
    with pytest.raises(PermissionDeniedError):
        reset_setting(actor=manager, key=KEY)
    assert not SettingValue.objects.exists()


def test_unknown_setting_key_is_not_found(admin):
    with pytest.raises(NotFoundError):
        change_setting(actor=admin, key="no.such.key", raw_value="1")


def test_system_may_change_settings_without_a_person(db):
    change_setting(actor=None, key=KEY, raw_value="30")
    event = Event.objects.get()
    assert event.actor is None
    assert event.actor_name == "系统"


# --- pages -------------------------------------------------------------------------


def test_settings_page_lists_every_setting_grouped_with_defaults(admin, client_for):
    change_setting(actor=admin, key=KEY, raw_value="30")
    response = client_for(admin).get("/settings/")
    assert response.status_code == 200
    html = response.content.decode()
    for definition in registry.REGISTRY.values():
        assert f'data-key="{definition.key}"' in html
        assert definition.label in html
    for group in registry.grouped():
        assert f'data-group="{group}"' in html
    groups = dict(response.context["groups"])
    row = next(r for r in groups["账号与密码 Accounts"] if r["def"].key == KEY)
    assert (row["value"], row["default"], row["changed"]) == ("30", "90", True)
    other = next(r for r in groups["账号与密码 Accounts"]
                 if r["def"].key == "accounts.password_min_length")
    assert (other["value"], other["changed"]) == ("8", False)
    assert response.context["changed_count"] == 1


def test_settings_page_queries_are_bounded(admin, client_for, django_assert_max_num_queries):
    for key, value in [(KEY, "30"), ("accounts.login_max_failures", "7"),
                       ("ops.disk_min_free_mb", "2048")]:
        change_setting(actor=admin, key=key, raw_value=value)
    client = client_for(admin)
    with django_assert_max_num_queries(8):
        assert client.get("/settings/").status_code == 200


def test_setting_edit_page_saves_and_shows_history(admin, client_for):
    client = client_for(admin)
    response = client.get(f"/settings/{KEY}/")
    assert response.status_code == 200
    assert 'value="90"' in response.content.decode()

    response = client.post(f"/settings/{KEY}/", {"value": "30"}, follow=True)
    assert response.redirect_chain == [(f"/settings/{KEY}/", 302)]
    html = response.content.decode()
    assert "「密码有效期」已保存。" in html
    assert registry.setting(KEY) == 30
    assert 'data-testid="history"' in html
    assert "修改设置「密码有效期」：90 天 → 30 天" in html


def test_setting_edit_bad_input_shows_chinese_error_and_changes_nothing(admin, client_for):
    response = client_for(admin).post(f"/settings/{KEY}/", {"value": "九十"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "「密码有效期」的值无效：九十" in html
    assert "Invalid value for" in html
    assert 'value="九十"' in html  # what was typed stays in the field
    assert not SettingValue.objects.exists()
    assert not Event.objects.exists()


def test_setting_edit_reset_button(admin, client_for):
    change_setting(actor=admin, key=KEY, raw_value="30")
    client = client_for(admin)
    assert "恢复默认值" in client.get(f"/settings/{KEY}/").content.decode()
    response = client.post(f"/settings/{KEY}/", {"reset": "1"}, follow=True)
    assert "「密码有效期」已恢复默认值。" in response.content.decode()
    assert registry.setting(KEY) == 90


def test_setting_edit_unknown_key_is_404(admin, client_for):
    assert client_for(admin).get("/settings/no.such.key/").status_code == 404


def test_settings_pages_refuse_people_without_the_capability(manager, client_for):
    client = client_for(manager)
    assert client.get("/settings/").status_code == 403
    assert client.post(f"/settings/{KEY}/", {"value": "30"}).status_code == 403
    assert not SettingValue.objects.exists()
