from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "shopops.orders"
    label = "orders"
    verbose_name = "订单管理"

    def ready(self):
        from . import capabilities, daily_check, labels, navdefs, settings_defs  # noqa: F401

        daily_check.register()
