from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "shopops.service"
    label = "service"
    verbose_name = "客户服务"

    def ready(self):
        # chat: labels_chat; crm / quality: jobs_quality, labels_crm
        from . import (  # noqa: F401
            capabilities,
            jobs_quality,
            labels_chat,
            labels_crm,
            navdefs,
            settings_defs,
        )
