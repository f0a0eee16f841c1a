"""The settings registry page: every rule number with its seed default (one query)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from .. import registry
from ..access import access
from ..actions.settings import change_setting, display, reset_setting
from ..errors import UserError
from ..i18n import user_message
from ..models import SettingValue


def _row(definition, stored):
    raw = stored.value if stored is not None else None
    value = definition.default if raw is None else definition.from_json(raw)
    return {
        "def": definition,
        "value": display(definition, value),
        "default": display(definition, definition.default),
        "changed": value != definition.default,
        "overridden": stored is not None,
        "updated_at": stored.updated_at if stored is not None else None,
        "input": _input_text(definition, value),
    }


def _input_text(definition, value) -> str:
    """What the edit form's field starts with; parse() accepts it back unchanged."""
    if definition.type == "list":
        return ", ".join(map(str, value))
    if definition.type == "bool":
        return "true" if value else "false"
    if definition.type == "time":
        return value.strftime("%H:%M")
    return str(value)


@access("core.manage_settings")
def settings_list(request):
    stored = {sv.key: sv for sv in SettingValue.objects.all()}
    groups = [
        (group, [_row(d, stored.get(d.key)) for d in definitions])
        for group, definitions in registry.grouped().items()
    ]
    changed = sum(1 for _, rows in groups for row in rows if row["changed"])
    return render(request, "core/settings/list.html",
                  {"groups": groups, "changed_count": changed, "page_title": gettext("系统设置")})


@access("core.manage_settings")
def setting_edit(request, key):
    definition = registry.REGISTRY.get(key)
    if definition is None:
        raise Http404("没有这个设置项")
    typed = None
    if request.method == "POST":
        try:
            if "reset" in request.POST:
                done = reset_setting(actor=request.user, key=key)
                message = gettext("已恢复默认值。") if done else gettext("该设置已是默认值，无需恢复。")
            else:
                typed = request.POST.get("value", "")
                done = change_setting(actor=request.user, key=key, raw_value=typed)
                message = gettext("已保存。") if done else gettext("值没有变化，未保存。")
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            (messages.success if done else messages.info)(
                request, gettext("「{label}」{message}").format(label=definition.label, message=message))
            return redirect("core:setting_edit", key=key)
    row = _row(definition, SettingValue.objects.filter(key=key).first())
    if typed is not None:
        row["input"] = typed  # keep what was typed next to the error
    return render(request, "core/settings/edit.html",
                  {"row": row, "d": definition, "page_title": definition.label})
