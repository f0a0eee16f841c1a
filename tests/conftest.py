"""Fixtures shared by every domain's tests.

    make_user(roles=["manager"], level="write", username=None) -> a staff member
    staff (dict of role code → a user holding that role), client_for(user) -> logged-in client
"""

import itertools

import pytest
from django.test import Client
from django.utils import timezone, translation

from shopops.core import registry

PASSWORD = "Shop@2026ops"
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is what production uses; tests create many accounts and only need a hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    # A test that renders an English page leaves English active in its thread; the next
    # test on the same worker must start in the default language, as a request would.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_settings_cache():
    registry.clear_cache()
    yield
    registry.clear_cache()


@pytest.fixture
def make_user(db):
    from shopops.accounts.models import Role, RoleAssignment, User

    def make(roles=(), level="write", username=None, **fields):
        n = next(_counter)
        user = User.objects.create_user(
            username=username or f"user{n}",
            password=PASSWORD,
            display_name=fields.pop("display_name", f"员工{n}"),
            access_level=level,
            password_changed_at=timezone.now(),
            **fields,
        )
        for code in roles:
            RoleAssignment.objects.create(user=user, role=Role.objects.get(code=code))
        return user

    return make


@pytest.fixture
def staff(make_user):
    """One person per built-in role (the system administrator at the db level)."""
    from shopops.accounts.roles import BUILTIN_ROLES

    return {
        code: make_user(roles=[code], username=code, level="db" if code == "sysadmin" else "write")
        for code, _, _ in BUILTIN_ROLES
    }


@pytest.fixture
def client_for(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
