"""Changing the settings registry: the only writer of SettingValue. Every change is an
event (ROLE-4) whose changes say the value before and after."""

from django.db import transaction
from django.utils import timezone

from .. import events, registry
from ..access import require
from ..errors import NotFoundError
from ..models import SettingValue

OBJECT_TYPE = "core.setting"


def _definition(key: str):
    definition = registry.REGISTRY.get(key)
    if definition is None:
        raise NotFoundError("unknown_setting", "没有这个设置项：{key}", "No such setting: {key}",
                            key=key)
    return definition


def _check(actor):
    # actor=None is the system itself (CLI, demo data); people need the capability.
    if actor is not None:
        require(actor, "core.manage_settings")


def display(definition, value) -> str:
    """A value as the settings page shows it."""
    if definition.type == "bool":
        return "是" if value else "否"
    if definition.type == "list":
        return "、".join(map(str, value)) or "（空）"
    if definition.type == "time":
        return value.strftime("%H:%M")
    return str(value)


def _record(actor, definition, verb, before, after, summary):
    events.record(
        actor=actor, verb=verb, object_type=OBJECT_TYPE, object_id=definition.key,
        object_repr=definition.label, summary=summary,
        changes={definition.key: [definition.to_json(before), definition.to_json(after)]},
    )
    registry.clear_cache()
    # Clearing now is not enough: a reader between now and commit could cache the old value.
    transaction.on_commit(registry.clear_cache)


@transaction.atomic
def change_setting(*, actor, key: str, raw_value) -> bool:
    """Set `key` from what an administrator typed. Returns False when nothing changed.
    Bad input raises a UserError and changes nothing."""
    _check(actor)
    definition = _definition(key)
    value = definition.parse(raw_value)
    current = SettingValue.objects.select_for_update().filter(key=key).first()
    before = definition.from_json(current.value) if current else definition.default
    if current is not None and before == value:
        return False
    if current is None and value == definition.default:
        return False
    SettingValue.objects.update_or_create(
        key=key, defaults={"value": definition.to_json(value), "updated_at": timezone.now()})
    unit = f" {definition.unit}" if definition.unit else ""
    _record(actor, definition, "setting.changed", before, value,
            f"修改设置「{definition.label}」：{display(definition, before)}{unit} → "
            f"{display(definition, value)}{unit}")
    return True


@transaction.atomic
def reset_setting(*, actor, key: str) -> bool:
    """Back to the seed default. Returns False when the setting already had its default."""
    _check(actor)
    definition = _definition(key)
    current = SettingValue.objects.select_for_update().filter(key=key).first()
    if current is None:
        return False
    before = definition.from_json(current.value)
    SettingValue.objects.filter(pk=current.pk).delete()
    unit = f" {definition.unit}" if definition.unit else ""
    _record(actor, definition, "setting.reset", before, definition.default,
            f"设置「{definition.label}」恢复默认：{display(definition, before)}{unit} → "
            f"{display(definition, definition.default)}{unit}")
    return True
