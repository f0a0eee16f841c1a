from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "shopops.service"
    label = "service"
    verbose_name = "客户服务"

    def ready(self):
        # crm / quality
        from . import capabilities, jobs_quality, labels_crm, navdefs, settings_defs  # noqa: F401  # noqa: F401
