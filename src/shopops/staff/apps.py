from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "shopops.staff"
    label = "staff"
    verbose_name = "人事考勤"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import capabilities, jobs, kinds, labels, navdefs, settings_defs  # noqa: F401
        from .seed import ensure_seed

        post_migrate.connect(ensure_seed, sender=self, dispatch_uid="shopops.staff.seed")
