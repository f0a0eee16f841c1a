from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "shopops.storefront"
    label = "storefront"
    verbose_name = "官网商城"

    def ready(self):
        from . import jobs, labels, navdefs, payments, settings_defs  # noqa: F401

        jobs.register_jobs()
