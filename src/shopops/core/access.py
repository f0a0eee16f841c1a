"""One central way for every page and API endpoint to declare what it needs.

    @access("core.view_events")   # a capability (what roles grant)
    @access(LOGIN)                 # any signed-in staff member
    @access(PUBLIC)                # anyone, signed in or not

A capability has a data-access level (ROLE-2): read (一般用户), write (后台管理用户) or
db (数据库管理用户). A person has a capability when one of their roles grants it *and*
their own access level reaches the capability's level.

AccessMiddleware enforces the declaration before any ShopOps view runs and refuses
(403) a ShopOps view that declares nothing — a new page cannot forget.
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import JsonResponse

PUBLIC = "@public"
LOGIN = "@login"
LEVELS = {"read": 1, "write": 2, "db": 3}
LEVEL_LABELS = {"read": "一般用户", "write": "后台管理用户", "db": "数据库管理用户"}


@dataclass(frozen=True)
class Capability:
    code: str
    label: str
    level: str = "write"
    group: str = ""


CAPABILITIES: dict[str, Capability] = {}


def capability(code: str, label: str, *, level: str = "write", group: str = "") -> Capability:
    assert level in LEVELS, level
    cap = Capability(code, label, level, group)
    CAPABILITIES[code] = cap
    return cap


def access(requirement: str):
    """Declare what a view needs. Works for function views and `View.as_view()`."""
    if requirement not in (PUBLIC, LOGIN):
        assert requirement in CAPABILITIES, f"unknown capability {requirement}"

    def decorate(view):
        view.shopops_access = requirement
        return view

    return decorate


def user_can(user, code: str) -> bool:
    if not user or not user.is_authenticated:
        return False
    return code in user.capability_codes()


def require(user, code: str):
    """For actions: raise if `user` lacks `code`."""
    from .errors import PermissionDeniedError

    if not user_can(user, code):
        cap = CAPABILITIES.get(code)
        raise PermissionDeniedError(
            "permission_denied",
            "没有权限：{label}",
            "Permission denied: {label}",
            label=cap.label if cap else code,
        )


def forbidden(request, message="您没有访问此页面的权限。", message_en="You may not open this page."):
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "permission_denied", "message": message, "message_en": message_en},
            status=403,
        )
    return render(request, "403.html", {"message": message, "message_en": message_en}, status=403)


def is_shopops_view(view_func) -> bool:
    module = getattr(view_func, "__module__", "") or ""
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None:
        module = view_class.__module__
    return module.startswith("shopops.")


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_shopops_view(view_func):
            return None  # static files, Ninja (the API checks its own declarations)
        requirement = getattr(view_func, "shopops_access", None)
        if requirement is None:
            return forbidden(request, "该页面没有声明访问权限，已拒绝。",
                             "This page declares no access rule and is refused.")
        if requirement == PUBLIC:
            return None
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if requirement == LOGIN or user_can(request.user, requirement):
            return None
        return forbidden(request)


def requires_capability(code: str):
    """Decorator for helper functions used by several views."""

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not user_can(request.user, code):
                return forbidden(request)
            return func(request, *args, **kwargs)

        return wrapper

    return decorate
