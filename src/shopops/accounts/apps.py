from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "shopops.accounts"
    label = "accounts"
    verbose_name = "账号与岗位"

    def ready(self):
        from . import kinds  # noqa: F401  (registers role/level/credential proposal kinds)
        from .roles import ensure_builtin_roles

        post_migrate.connect(_after_migrate, sender=self)
        self._ensure = ensure_builtin_roles


def _after_migrate(sender, **kwargs):
    from .roles import ensure_builtin_roles
    from shopops.core.approvals import ensure_default_chains

    ensure_builtin_roles()
    ensure_default_chains()
