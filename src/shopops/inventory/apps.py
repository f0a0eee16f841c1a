from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "shopops.inventory"
    label = "inventory"
    verbose_name = "仓储"

    def ready(self):
        from . import capabilities, jobs, kinds, ledger, navdefs, settings_defs  # noqa: F401

        ledger.register_jobs()  # release expired reservations
        jobs.register()  # stocktake-overdue reminder
