from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "shopops.aftersales"
    label = "aftersales"
    verbose_name = "售后"

    def ready(self):
        from shopops.core.realtime import register_topic

        from . import capabilities, jobs, labels, navdefs, settings_defs  # noqa: F401

        register_topic("aftersales", "aftersales.view")
