from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shopops.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        # Import the modules that register settings, capabilities and proposal kinds.
        from django.db.models.signals import post_migrate

        from . import capabilities, navdefs, settings_defs  # noqa: F401
        from .numbering import create_sequences, high_volume

        # Numbered once per order or parcel: counted by PostgreSQL sequences at peak.
        for prefix in ("DD", "BG", "YD"):
            high_volume(prefix)
        post_migrate.connect(create_sequences, sender=self,
                             dispatch_uid="shopops.core.create_sequences")
