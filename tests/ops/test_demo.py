"""The demo a newcomer sees after `make demo`."""

import pytest
from django.test import Client

from shopops.accounts.models import User
from shopops.accounts.roles import BUILTIN_ROLES
from shopops.core.models import Proposal
from shopops.ops.demo import DEMO_PASSWORD, load_demo


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return load_demo()


def test_role1_demo_has_one_account_per_post_and_each_can_log_in(demo):
    assert {username for username, _, _ in demo} == {code for code, _, _ in BUILTIN_ROLES}
    for username, password, who in demo:
        assert password == DEMO_PASSWORD
        client = Client()
        assert client.login(username=username, password=password), username
        assert client.get("/").status_code == 200, who


def test_apr1_demo_shows_proposals_in_every_interesting_state(demo):
    states = set(Proposal.objects.values_list("state", flat=True))
    assert {"pending", "rejected", "executed"} <= states
    manager = User.objects.get(username="manager")
    client = Client()
    client.force_login(manager)
    assert "赵强 代理打单员" in client.get("/proposals/waiting/").content.decode()


def test_ops1_demo_is_loaded_once(demo):
    users = User.objects.count()
    proposals = Proposal.objects.count()
    load_demo()
    assert (User.objects.count(), Proposal.objects.count()) == (users, proposals)
