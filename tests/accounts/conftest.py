"""Fixtures of the accounts tests.

    set_setting(key, value)   an administrator's value for a registered setting
    vault_key_file            a fresh vault key file path (outside the database)
    run_chain(proposal, ...)  approve step by step, then execute
"""

import pytest

from shopops.core import registry


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is deliberately slow; these tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def set_setting(db):
    from shopops.core.models import SettingValue

    def put(key, value):
        SettingValue.objects.update_or_create(key=key, defaults={"value": value})
        registry.clear_cache()

    return put


@pytest.fixture
def vault_key_file(settings, tmp_path):
    path = tmp_path / "keys" / "vault.key"
    settings.SHOPOPS_VAULT_KEY = ""
    settings.SHOPOPS_VAULT_KEY_FILE = path
    return path


@pytest.fixture
def run_chain():
    from shopops.core.actions.approvals import approve_proposal, execute_proposal

    def run(proposal, approvers, executor=None):
        for person in approvers:
            approve_proposal(actor=person, proposal=proposal)
        if executor is not None:
            execute_proposal(actor=executor, proposal=proposal)
        proposal.refresh_from_db()
        return proposal

    return run


def fresh(user):
    """The user as the database has it now (capabilities are cached per instance)."""
    return type(user).objects.get(pk=user.pk)
