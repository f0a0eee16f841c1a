from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "shopops.fulfillment"
    label = "fulfillment"
    verbose_name = "仓库发货"

    def ready(self):
        from . import capabilities, jobs, labels, navdefs, settings_defs  # noqa: F401
