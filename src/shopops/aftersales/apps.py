from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "shopops.aftersales"
    label = "aftersales"
    verbose_name = "售后"

    def ready(self):
        from . import capabilities  # noqa: F401
