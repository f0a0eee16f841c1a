from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "shopops.fulfillment"
    label = "fulfillment"
    verbose_name = "仓库发货"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import capabilities, jobs, labels, navdefs, settings_defs  # noqa: F401
        from .seed import ensure_seed

        post_migrate.connect(ensure_seed, sender=self, dispatch_uid="shopops.fulfillment.seed")
