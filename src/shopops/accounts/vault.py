"""Encryption of the credential vault (ROLE-5).

The key comes from SHOPOPS_VAULT_KEY (environment) or, when that is empty, from the key
file SHOPOPS_VAULT_KEY_FILE, created with mode 0600 on first use. It is never stored in
the database: a stolen database dump (or a backup) alone reveals no secret.

Losing the key file makes every stored secret unreadable — back it up separately from
the database backups.
"""

import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shopops.core.errors import UserError


def _read_or_create_key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once cannot both write a (different) key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    os.chmod(path, 0o600)  # the umask may have narrowed it further, never widened
    return key


@lru_cache(maxsize=4)
def _fernet(env_key: str, key_file: str) -> Fernet:
    key = env_key.encode() if env_key else _read_or_create_key_file(Path(key_file))
    try:
        return Fernet(key)
    except ValueError:
        raise ImproperlyConfigured(
            "保管库密钥无效：须为 Fernet 密钥（32 字节 urlsafe base64），可用 "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'` "
            "生成。 / SHOPOPS_VAULT_KEY (or the key file) is not a valid Fernet key."
        ) from None


def fernet() -> Fernet:
    # Read the settings each time so tests (and a reconfigured process) get the right key.
    return _fernet(getattr(settings, "SHOPOPS_VAULT_KEY", "") or "",
                   str(settings.SHOPOPS_VAULT_KEY_FILE))


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise UserError(
            "vault_cannot_decrypt",
            "无法解密：密文已损坏或保管库密钥已更换，请联系系统管理员。",
            "Cannot decrypt: the ciphertext is damaged or the vault key has changed.",
        ) from None
