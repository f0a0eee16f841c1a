from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shopops.catalog"
    label = "catalog"
    verbose_name = "商品管理"

    def ready(self):
        from . import actions, capabilities, kinds, navdefs, settings_defs  # noqa: F401
