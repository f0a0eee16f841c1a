from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "shopops.service"
    label = "service"
    verbose_name = "客户服务"

    def ready(self):
        from . import capabilities, navdefs, settings_defs  # noqa: F401

        # crm / quality
        from . import jobs_quality, labels_crm  # noqa: F401
