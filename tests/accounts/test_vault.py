"""ROLE-5: the credential vault — encrypted, readable by named roles, changes approved."""

import json
import stat

import pytest

from shopops.accounts import actions, vault
from shopops.accounts.models import Credential
from shopops.core.actions.approvals import approve_proposal, propose
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event, Proposal

SECRET = "Tm@ll-Admin-2026!"
NEW_SECRET = "Brand-New#Secret-77"


@pytest.fixture
def credential(staff, vault_key_file):
    return actions.create_credential(
        actor=staff["sysadmin"], name="天猫店铺后台", category="网站后台", login="shop_admin",
        url="https://myseller.example", secret=SECRET, reader_roles=["sysadmin", "manager"])


def everything_stored():
    """All text the database holds about credentials, proposals and events."""
    rows = [list(Credential.objects.values()), list(Proposal.objects.values()),
            list(Event.objects.values())]
    return json.dumps(rows, default=str, ensure_ascii=False)


def test_role5_secret_is_encrypted_with_a_key_outside_the_database(credential, vault_key_file):
    row = Credential.objects.get()
    assert SECRET not in row.secret_encrypted
    assert vault.decrypt(row.secret_encrypted) == SECRET
    assert SECRET not in everything_stored()
    assert vault_key_file.exists()
    assert stat.S_IMODE(vault_key_file.stat().st_mode) == 0o600
    assert vault_key_file.read_text().strip() not in everything_stored()


def test_role5_key_from_environment_setting_wins(settings, tmp_path):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    settings.SHOPOPS_VAULT_KEY = key
    settings.SHOPOPS_VAULT_KEY_FILE = tmp_path / "unused.key"
    token = vault.encrypt("abc")
    assert Fernet(key.encode()).decrypt(token.encode()) == b"abc"
    assert not (tmp_path / "unused.key").exists()


def test_role5_create_through_the_page(staff, client_for, vault_key_file):
    response = client_for(staff["sysadmin"]).post("/accounts/vault/new/", {
        "name": "企业邮箱", "category": "企业邮箱", "login": "admin@shop.example",
        "secret": SECRET, "reader_roles": ["sysadmin"], "notes": ""})
    assert response.status_code == 302
    row = Credential.objects.get(name="企业邮箱")
    assert row.reader_roles == ["sysadmin"] and SECRET not in row.secret_encrypted
    assert Event.objects.filter(verb="credential.created").count() == 1
    assert client_for(staff["manager"]).get("/accounts/vault/new/").status_code == 403


def test_role5_list_shows_only_readable_entries_never_secrets(staff, client_for, credential):
    page = client_for(staff["manager"]).get("/accounts/vault/").content.decode()
    assert "天猫店铺后台" in page and SECRET not in page
    assert "天猫店铺后台" not in client_for(staff["general_manager"]).get(
        "/accounts/vault/").content.decode()  # view_vault, but not a reader
    assert SECRET not in client_for(staff["manager"]).get(
        f"/accounts/vault/{credential.pk}/").content.decode()


def test_role5_reveal_is_logged(staff, client_for, credential):
    response = client_for(staff["manager"]).post(f"/accounts/vault/{credential.pk}/reveal/")
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = Event.objects.get(verb="credential.revealed")
    assert event.actor == staff["manager"] and event.object_id == str(credential.pk)
    assert SECRET not in everything_stored()


def test_role5_non_reader_gets_403_and_nothing_is_logged(staff, client_for, credential):
    gm = client_for(staff["general_manager"])
    assert gm.get(f"/accounts/vault/{credential.pk}/").status_code == 403
    response = gm.post(f"/accounts/vault/{credential.pk}/reveal/")
    assert response.status_code == 403 and SECRET not in response.content.decode()
    assert client_for(staff["finance"]).post(
        f"/accounts/vault/{credential.pk}/reveal/").status_code == 403
    assert not Event.objects.filter(verb="credential.revealed").exists()
    with pytest.raises(PermissionDeniedError):
        actions.reveal_secret(actor=staff["general_manager"], credential=credential)


def test_role5_change_needs_general_manager_and_payload_holds_no_plaintext(
        staff, client_for, credential):
    response = client_for(staff["sysadmin"]).post(f"/accounts/vault/{credential.pk}/change/", {
        "login": "shop_admin2", "url": credential.url, "secret": NEW_SECRET, "reason": "定期更换"})
    assert response.status_code == 302
    proposal = Proposal.objects.get(kind="credential_change")
    assert proposal.state == "pending"
    assert NEW_SECRET not in json.dumps(proposal.payload)
    assert set(proposal.payload) == {"credential_id", "credential_name", "version", "login",
                                     "secret_encrypted"}
    from shopops.core.approvals import KINDS

    line = KINDS["credential_change"].describe(proposal.payload)
    assert line == "官方账户「天猫店铺后台」变更：登录账号、密码"
    assert proposal.payload["secret_encrypted"] not in line
    credential.refresh_from_db()
    assert credential.version == 1 and credential.login == "shop_admin"  # nothing yet

    with pytest.raises(PermissionDeniedError):
        approve_proposal(actor=staff["manager"], proposal=proposal)
    approve_proposal(actor=staff["general_manager"], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == "executed"  # no executor: applies on approval
    credential.refresh_from_db()
    assert credential.version == 2 and credential.login == "shop_admin2"
    assert vault.decrypt(credential.secret_encrypted) == NEW_SECRET
    event = Event.objects.get(verb="credential.changed")
    assert event.data["fields"] == ["登录账号", "密码"] and event.changes == {}
    assert NEW_SECRET not in everything_stored() and SECRET not in everything_stored()


def test_role5_change_proposal_refuses_plaintext_and_no_op(staff, credential):
    with pytest.raises(UserError) as exc:
        propose(actor=staff["sysadmin"], kind="credential_change", title="改密码",
                payload={"credential_id": credential.pk, "version": 1, "secret": NEW_SECRET})
    assert exc.value.code == "plain_secret"
    same = actions.credential_change_payload(credential, login="shop_admin", secret=SECRET)
    with pytest.raises(UserError) as exc:
        propose(actor=staff["sysadmin"], kind="credential_change", title="改密码", payload=same)
    assert exc.value.code == "no_change"


def test_role5_second_change_on_an_old_version_is_refused(staff, credential):
    first = propose(actor=staff["sysadmin"], kind="credential_change", title="一",
                    payload=actions.credential_change_payload(credential, secret="One#pass1"))
    second = propose(actor=staff["manager"], kind="credential_change", title="二",
                     payload=actions.credential_change_payload(credential, secret="Two#pass2"))
    approve_proposal(actor=staff["general_manager"], proposal=first)
    with pytest.raises(UserError) as exc:
        approve_proposal(actor=staff["general_manager"], proposal=second)
    assert exc.value.code == "credential_moved"
    second.refresh_from_db()
    credential.refresh_from_db()
    assert second.state == "pending" and credential.version == 2
    assert vault.decrypt(credential.secret_encrypted) == "One#pass1"
