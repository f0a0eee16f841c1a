from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "shopops.inventory"
    label = "inventory"
    verbose_name = "仓储"

    def ready(self):
        from . import capabilities, kinds, navdefs, settings_defs  # noqa: F401
