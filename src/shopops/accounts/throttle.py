"""Login throttling (ROLE-3).

Every attempt is a LoginAttempt row. When `accounts.login_max_failures` failures for a
user name fall within `accounts.login_lockout_minutes` (and after its last successful
login), the account is locked for that many minutes from the failure that reached the
limit — even the right password is refused. Attempts refused *because* of the lock are
not recorded as failures, so a lock lasts exactly the configured time and cannot be
extended by the person retrying; a successful login ends the streak.

Lock-outs are recorded as events (account.locked) for the audit trail.
"""

from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth import login as django_login
from django.db import transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.errors import UserError
from shopops.core.registry import setting

from .models import LoginAttempt, User


def _window() -> timedelta:
    return timedelta(minutes=setting("accounts.login_lockout_minutes"))


def locked_until(username: str, now=None):
    """When the lock on `username` ends, or None when it is not locked."""
    now = now or timezone.now()
    window = _window()
    limit = setting("accounts.login_max_failures")
    # Uses login_user_at_idx. Only the last two windows matter: a lock started earlier
    # than that has ended, and nothing is recorded while locked.
    recent = list(
        LoginAttempt.objects.filter(username=username, at__gte=now - 2 * window, at__lte=now)
        .order_by("at", "id")
        .values_list("at", "success")
    )
    streak, until = [], None
    for at, success in recent:
        if success:
            streak = []
            continue
        streak.append(at)
        if len(streak) >= limit and streak[-1] - streak[-limit] <= window:
            until = streak[-1] + window
            streak = []  # the lock swallows the streak; a later one is counted afresh
    return until if until and until > now else None


def lock_error() -> UserError:
    return UserError(
        "login_locked",
        "登录失败次数过多，账号已临时锁定，请 {minutes} 分钟后再试",
        "Too many failed logins: the account is locked; try again in {minutes} minutes.",
        minutes=setting("accounts.login_lockout_minutes"),
    )


def bad_credentials() -> UserError:
    return UserError("login_failed", "用户名或密码错误", "Wrong user name or password.")


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def attempt_login(request, *, username: str, password: str) -> User:
    """Check a login: raise a UserError (locked or wrong password) or log the person in."""
    username = (username or "").strip()
    if not username or not password:
        raise bad_credentials()
    if locked_until(username):
        raise lock_error()
    user = authenticate(request, username=username, password=password)
    ip = _client_ip(request)
    if user is None:
        with transaction.atomic():
            LoginAttempt.objects.create(username=username, ip=ip, success=False)
            now_locked = locked_until(username) is not None
            if now_locked:
                account = User.objects.filter(username=username).first()
                events.record(
                    actor=None, verb="account.locked", obj=account,
                    object_type="" if account else "accounts.user",
                    object_repr="" if account else username,
                    summary=f"登录失败次数过多，账号 {username} 已临时锁定",
                    data={"username": username, "ip": ip,
                          "minutes": setting("accounts.login_lockout_minutes")},
                )
        raise lock_error() if now_locked else bad_credentials()
    LoginAttempt.objects.create(username=username, ip=ip, success=True)
    django_login(request, user)
    return user
