from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shopops.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        # Import the modules that register settings, capabilities and proposal kinds.
        from . import capabilities, navdefs, settings_defs  # noqa: F401
