from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "shopops.service"
    label = "service"
    verbose_name = "客户服务"

    def ready(self):
        # chat: labels_chat
        from . import capabilities, labels_chat, navdefs, settings_defs  # noqa: F401
