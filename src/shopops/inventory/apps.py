from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "shopops.inventory"
    label = "inventory"
    verbose_name = "仓储"

    def ready(self):
        from . import capabilities, kinds, navdefs, settings_defs  # noqa: F401

        _register_jobs()


def _register_jobs():
    # LEAD-TODO: drop the guards once ledger.register_jobs and jobs.register exist.
    from importlib import import_module

    for module, name in (("shopops.inventory.ledger", "register_jobs"),
                         ("shopops.inventory.jobs", "register")):
        try:
            register = getattr(import_module(module), name)
        except (ImportError, AttributeError):
            continue
        register()
