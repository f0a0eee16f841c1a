"""The warehouse line's API under /api/v1/fulfillment/ (scan station, integrations): one
router per step, each in its own module (api_review, api_print, api_station, api_tracking)."""

from importlib import import_module

from ninja import Router

router = Router(tags=["fulfillment"])

for _name in ("api_review", "api_print", "api_station", "api_tracking"):
    router.add_router("/", import_module(f"shopops.fulfillment.{_name}").router)
