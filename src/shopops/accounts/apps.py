from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "shopops.accounts"
    label = "accounts"
    verbose_name = "账号与岗位"

    def ready(self):
        from . import kinds  # noqa: F401  (registers role/level/credential proposal kinds)

        # Built-in roles and default approval chains exist after every migrate (and after
        # the flush between transactional tests).
        post_migrate.connect(_after_migrate, sender=self)

        from shopops.core.event_labels import register_object_url, register_verbs

        from .views.staff import VERBS

        register_verbs(VERBS)
        register_object_url("accounts.credential", "accounts:vault_detail")


def _after_migrate(sender, **kwargs):
    from shopops.core.approvals import ensure_default_chains

    from .roles import ensure_builtin_roles

    ensure_builtin_roles()
    ensure_default_chains()
