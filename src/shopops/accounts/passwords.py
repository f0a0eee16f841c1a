"""Password rules (ROLE-3). Every number is a setting read at validation time, so an
administrator's change applies to the next password typed, without a restart.

The validators plug into Django's AUTH_PASSWORD_VALIDATORS (settings.py); the messages are
Chinese first with the English in brackets, as every user-caused error is.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from shopops.core.registry import setting

CLASS_LABELS = {"upper": "大写字母", "lower": "小写字母", "digit": "数字", "symbol": "符号"}


def char_classes(password: str) -> set[str]:
    """Which of upper, lower, digit, symbol the password uses. CJK characters count as
    none of them (they are neither cased nor symbols), so they add length, not variety."""
    found = set()
    for ch in password:
        if ch.isupper():
            found.add("upper")
        elif ch.islower():
            found.add("lower")
        elif ch.isdigit():
            found.add("digit")
        elif not ch.isalnum() and not ch.isspace():
            found.add("symbol")
    return found


class MinimumLengthValidator:
    def validate(self, password, user=None):
        minimum = setting("accounts.password_min_length")
        if len(password) < minimum:
            raise ValidationError(
                "密码至少需要 %(min)d 位 (The password must be at least %(min)d characters.)",
                code="password_too_short", params={"min": minimum},
            )

    def get_help_text(self):
        return f"至少 {setting('accounts.password_min_length')} 位"


class NotStartingWithDigitValidator:
    def validate(self, password, user=None):
        if password[:1].isdigit():
            raise ValidationError(
                "密码不能以数字开头 (The password must not start with a digit.)",
                code="password_starts_with_digit",
            )

    def get_help_text(self):
        return "不能以数字开头"


class ComplexityValidator:
    def validate(self, password, user=None):
        needed = setting("accounts.password_min_classes")
        if len(char_classes(password)) < needed:
            raise ValidationError(
                "密码过于简单：大写字母、小写字母、数字、符号中至少要包含 %(n)d 类 "
                "(The password must mix at least %(n)d of: upper case, lower case, digits, "
                "symbols.)",
                code="password_too_simple", params={"n": needed},
            )

    def get_help_text(self):
        n = setting("accounts.password_min_classes")
        return f"大写字母、小写字母、数字、符号中至少包含 {n} 类"


class NotUsernameValidator:
    """A password is personal: it must not be (or contain, or reverse) the account name."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if not username:
            return
        lowered = password.lower()
        if username == lowered or username[::-1] == lowered or (
            len(username) >= 3 and username in lowered
        ):
            raise ValidationError(
                "密码不能包含用户名 (The password must not contain the user name.)",
                code="password_contains_username",
            )

    def get_help_text(self):
        return "不能包含用户名"


def password_expired(user) -> bool:
    """True when the person must change their password before doing anything else."""
    if user.must_change_password or user.password_changed_at is None:
        return True
    max_age = setting("accounts.password_max_age_days")
    if not max_age:  # 0 = passwords do not expire
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=max_age)


_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, l, O, o: temporary passwords are read aloud
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_LETTERS = _UPPER + _LOWER
_DIGITS = "23456789"
_SYMBOLS = "@#%*+=?!"  # none that HTML escapes: the password is copied off a page


def temporary_password(user=None) -> str:
    """A random password that passes every rule, for a new account or a reset. The person
    must change it at first login (must_change_password)."""
    from django.contrib.auth.password_validation import validate_password

    length = max(12, setting("accounts.password_min_length"))
    while True:
        body = [secrets.choice(_UPPER), secrets.choice(_LOWER), secrets.choice(_DIGITS),
                secrets.choice(_SYMBOLS)]
        body += [secrets.choice(_LETTERS + _DIGITS + _SYMBOLS) for _ in range(length - 5)]
        secrets.SystemRandom().shuffle(body)
        candidate = secrets.choice(_LETTERS) + "".join(body)
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


def help_texts() -> list[str]:
    from django.contrib.auth.password_validation import password_validators_help_texts

    return password_validators_help_texts()
