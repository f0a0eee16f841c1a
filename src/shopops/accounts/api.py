"""Accounts API, mounted at /api/v1/accounts (core.api)."""

from django.utils import timezone
from ninja import Router, Schema

from shopops.core.access import LEVEL_LABELS, LOGIN
from shopops.core.api_access import api_access

from .passwords import password_expired

router = Router()


class RoleOut(Schema):
    code: str
    name: str
    acting: bool
    ends_on: str | None = None


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]
    access_level: str
    access_level_label: str
    capabilities: list[str]
    password_expired: bool


@router.get("/me", response=MeOut, url_name="accounts_me",
            summary="当前登录的员工 / the signed-in staff member")
@api_access(LOGIN)
def me(request):
    user = request.user
    now = timezone.now()
    roles = [
        {"code": a.role.code, "name": a.role.name, "acting": a.acting,
         "ends_on": a.ends_on.isoformat() if a.ends_on else None}
        for a in user.role_assignments.select_related("role").order_by("role__sort_order")
        if a.is_active_at(now)
    ]
    return {
        "username": user.username, "display_name": str(user), "roles": roles,
        "access_level": user.access_level,
        "access_level_label": LEVEL_LABELS.get(user.access_level, ""),
        "capabilities": sorted(user.capability_codes()),
        "password_expired": password_expired(user),
    }
