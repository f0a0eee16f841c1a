from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "shopops.ops"
    label = "ops"
    verbose_name = "运维"
