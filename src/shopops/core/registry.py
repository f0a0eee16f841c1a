"""The settings registry: every rule number is a named setting with its seed default,
type, unit and description. Read with `setting("key")`; changed only through
`core.actions.settings.change_setting` (recorded in the event log)."""

import threading
import time as clock
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation

from .errors import UserError

TYPES = ("int", "decimal", "bool", "str", "time", "list")


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: object
    type: str
    label: str
    unit: str = ""
    description: str = ""
    group: str = "通用"
    min: object = None
    max: object = None
    choices: tuple = field(default=())

    def to_json(self, value):
        if self.type == "decimal":
            return str(value)
        if self.type == "time":
            return value.strftime("%H:%M")
        return value

    def from_json(self, raw):
        if self.type == "decimal":
            return Decimal(str(raw))
        if self.type == "time":
            hours, minutes = str(raw).split(":")
            return time(int(hours), int(minutes))
        if self.type == "list":
            return list(raw)
        return raw

    def parse(self, text):
        """Turn what an administrator typed into a value, or raise a UserError."""
        text = text.strip() if isinstance(text, str) else text
        try:
            if self.type == "int":
                value = int(text)
            elif self.type == "decimal":
                value = Decimal(str(text))
            elif self.type == "bool":
                value = str(text).lower() in ("1", "true", "yes", "on", "是")
            elif self.type == "time":
                value = self.from_json(text)
            elif self.type == "list":
                value = [s.strip() for s in str(text).replace("，", ",").split(",") if s.strip()]
            else:
                value = str(text)
        except (ValueError, InvalidOperation, TypeError):
            raise UserError(
                "setting_invalid",
                "「{label}」的值无效：{text}",
                "Invalid value for '{label}': {text}",
                label=self.label,
                text=text,
            ) from None
        if self.min is not None and value < self.min:
            raise UserError("setting_too_small", "「{label}」不能小于 {min}",
                            "'{label}' must be at least {min}", label=self.label, min=self.min)
        if self.max is not None and value > self.max:
            raise UserError("setting_too_large", "「{label}」不能大于 {max}",
                            "'{label}' must be at most {max}", label=self.label, max=self.max)
        if self.choices and value not in self.choices:
            raise UserError("setting_not_a_choice", "「{label}」只能是：{choices}",
                            "'{label}' must be one of: {choices}", label=self.label,
                            choices="、".join(map(str, self.choices)))
        return value


REGISTRY: dict[str, SettingDef] = {}
_cache: dict[str, object] | None = None
_cache_at = 0.0
# Other processes (a separate worker, a second web process) see a change within this.
CACHE_SECONDS = 10.0
_lock = threading.Lock()


def define(key, default, *, type, label, unit="", description="", group="通用", min=None,
           max=None, choices=()):
    assert type in TYPES, type
    definition = SettingDef(key, default, type, label, unit, description, group, min, max,
                            tuple(choices))
    REGISTRY[key] = definition
    return definition


def clear_cache():
    global _cache
    with _lock:
        _cache = None


def _overrides():
    global _cache, _cache_at
    cached = _cache
    if cached is None or clock.monotonic() - _cache_at > CACHE_SECONDS:
        from .models import SettingValue

        cached = {sv.key: sv.value for sv in SettingValue.objects.all()}
        with _lock:
            _cache, _cache_at = cached, clock.monotonic()
    return cached


def setting(key: str):
    definition = REGISTRY[key]
    raw = _overrides().get(key)
    if raw is None:
        return definition.default
    return definition.from_json(raw)


def grouped():
    groups: dict[str, list[SettingDef]] = {}
    for definition in sorted(REGISTRY.values(), key=lambda d: (d.group, d.key)):
        groups.setdefault(definition.group, []).append(definition)
    return groups
