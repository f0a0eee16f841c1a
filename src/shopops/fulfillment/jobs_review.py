"""Periodic jobs of this step (registered at import, from FulfillmentConfig.ready)."""
