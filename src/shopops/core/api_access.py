"""`@api_access(requirement)` for Ninja operations: the same declarations as pages."""

from functools import wraps

from .access import CAPABILITIES, LOGIN, PUBLIC, user_can
from .errors import PermissionDeniedError


def api_access(requirement: str):
    if requirement not in (PUBLIC, LOGIN):
        assert requirement in CAPABILITIES, f"unknown capability {requirement}"

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if requirement not in (PUBLIC, LOGIN) and not user_can(request.user, requirement):
                cap = CAPABILITIES[requirement]
                raise PermissionDeniedError("permission_denied", "没有权限：{label}",
                                            "Permission denied: {label}", label=cap.label)
            return func(request, *args, **kwargs)

        wrapper.shopops_access = requirement
        return wrapper

    return decorate
