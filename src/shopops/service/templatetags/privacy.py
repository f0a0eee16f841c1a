"""{% load privacy %}: buyers' personal data masked unless revealed (service.privacy)."""

from django import template
from django.template.loader import render_to_string

from shopops.core.access import user_can

from .. import privacy

register = template.Library()


def _show(context, value, obj, mask):
    if privacy.is_revealed(context.get("request"), obj):
        return value or ""
    return mask(value)


@register.simple_tag(takes_context=True)
def pii_name(context, value, obj):
    return _show(context, value, obj, privacy.mask_name)


@register.simple_tag(takes_context=True)
def pii_phone(context, value, obj):
    return _show(context, value, obj, privacy.mask_phone)


@register.simple_tag(takes_context=True)
def pii_address(context, value, obj):
    return _show(context, value, obj, privacy.mask_address)


@register.simple_tag(takes_context=True)
def pii_detail(context, value, obj):
    return _show(context, value, obj, privacy.mask_detail)


@register.simple_tag(takes_context=True)
def pii_email(context, value, obj):
    return _show(context, value, obj, privacy.mask_email)


@register.simple_tag(takes_context=True)
def reveal_button(context, obj):
    """A "显示完整信息" button for those who may reveal; "已显示" while revealed."""
    request = context.get("request")
    if obj is None or request is None or not user_can(request.user, "service.reveal_pii"):
        return ""
    return render_to_string("service/_reveal_button.html", {
        "obj": obj, "revealed": privacy.is_revealed(request, obj),
        "object_type": obj._meta.label_lower, "next": request.get_full_path()},
        request=request)
