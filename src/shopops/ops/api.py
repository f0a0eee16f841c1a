"""Operations API (OPS-2): the health checks, for monitoring tools with an account."""

from ninja import Router, Schema

from shopops.core.api_access import api_access

from . import health

router = Router(tags=["运维 ops"])


class CheckOut(Schema):
    name: str
    label: str
    ok: bool
    detail: str


class HealthOut(Schema):
    status: str  # ok | fail
    checks: list[CheckOut]


@router.get("/health", response=HealthOut, summary="系统健康检查 / health checks")
@api_access("ops.view_health")
def get_health(request):
    checks = health.check_and_alert()
    return {"status": "ok" if health.all_ok(checks) else "fail", "checks": checks}
