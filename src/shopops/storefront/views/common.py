from django.contrib import messages
from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme

from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.registry import setting

from ..channel import shop_channel


def channel():
    return shop_channel()


def page_of(request, rows, size=None):
    return Paginator(rows, size or setting("storefront.page_size")).get_page(
        request.GET.get("page"))


def error(request, exc):
    messages.error(request, user_message(exc))


def attempt(request, act, success):
    """Run one action (`act()`); show its UserError, else the success message (a string, or
    a function of the result). Returns the result, or None when it was refused."""
    try:
        result = act()
    except UserError as exc:
        error(request, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default
