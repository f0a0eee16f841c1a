"""/api/v1/aftersales — after-sales for integrations."""

from ninja import Router

router = Router(tags=["售后 aftersales"])
