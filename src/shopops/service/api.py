"""/api/v1/service — customer service for integrations."""

from ninja import Router

router = Router(tags=["客服 service"])
