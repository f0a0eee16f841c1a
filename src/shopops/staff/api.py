"""Staff API under /api/v1/staff/ (the attendance device, integrations)."""

from importlib import import_module

from ninja import Router

router = Router(tags=["staff"])

for _name in ("api_attendance",):
    router.add_router("/", import_module(f"shopops.staff.{_name}").router)
