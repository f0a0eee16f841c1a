"""The business acts on staff accounts, roles, levels and the credential vault.

Role and access-level changes and credential changes go through approvals (APR-*): the
views propose them; the check_/apply_/describe_ functions below are what kinds.py
registers for validation, execution and the one-line summary. apply_ re-runs the checks,
because the world may have moved between proposal and execution.
"""

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.access import LEVEL_LABELS, LEVELS, require
from shopops.core.errors import ConflictError, NotFoundError, PermissionDeniedError, UserError

from . import vault
from .models import Credential, Role, RoleAssignment, User
from .passwords import temporary_password
from .roles import BUILTIN_ROLES

CREDENTIAL_CATEGORIES = ["网站后台", "支付", "域名", "商标", "企业邮箱", "其他"]
_BUILTIN_NAMES = {code: name for code, name, _ in BUILTIN_ROLES}


# ---- passwords ---------------------------------------------------------------------------

def _check_rules(password: str, user):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UserError("password_rules", "；".join(exc.messages)) from None


@transaction.atomic
def change_password(*, actor: User, old_password: str, new_password: str) -> User:
    """A person changes their own password (ROLE-3). The event never holds a password."""
    if not actor.check_password(old_password):
        raise UserError("wrong_password", "当前密码不正确", "The current password is wrong.")
    if actor.check_password(new_password):
        raise UserError("password_reused", "新密码不能与当前密码相同",
                        "The new password must differ from the current one.")
    _check_rules(new_password, actor)
    actor.set_password(new_password)
    actor.password_changed_at = timezone.now()
    actor.must_change_password = False
    actor.save(update_fields=["password", "password_changed_at", "must_change_password"])
    events.record(actor=actor, verb="account.password_changed", obj=actor, summary="修改了密码")
    return actor


@transaction.atomic
def reset_password(*, actor: User, user: User) -> str:
    """An administrator gives someone a temporary password, shown once; they must change it."""
    require(actor, "accounts.manage_staff")
    if actor.pk == user.pk:
        raise UserError("reset_own_password", "不能重置自己的密码，请使用「修改密码」",
                        "Use 'change password' for your own account.")
    password = temporary_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    events.record(actor=actor, verb="account.password_reset", obj=user,
                  summary=f"重置了 {user} 的密码（临时密码，须在登录后修改）")
    return password


# ---- accounts ----------------------------------------------------------------------------

def _roles_by_code(codes) -> dict[str, Role]:
    codes = list(dict.fromkeys(codes))
    found = {r.code: r for r in Role.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise UserError("unknown_role", "未知的岗位：{codes}", "Unknown role: {codes}",
                        codes="、".join(unknown))
    return found


@transaction.atomic
def create_staff(*, actor: User, username: str, display_name: str, employee_no: str = "",
                 phone: str = "", supervisor: User | None = None, roles=(),
                 access_level: str = "write") -> tuple[User, str]:
    """Open an account with its first roles; returns (user, temporary password).

    The starting level may be 一般用户 or 后台管理用户: making someone a 数据库管理用户 is a
    special-user change that needs the general manager (ROLE-2), so it is proposed later."""
    require(actor, "accounts.manage_staff")
    username = username.strip()
    if not username or not display_name.strip():
        raise UserError("staff_fields_required", "请填写账号和姓名",
                        "User name and name are required.")
    if access_level not in ("read", "write"):
        raise UserError("level_needs_approval",
                        "新账号只能是一般用户或后台管理用户；数据库管理用户须另行申请（总经理审批）",
                        "A new account is read or write level; the db level needs approval.")
    if User.objects.filter(username=username).exists():
        raise ConflictError("username_taken", "账号 {username} 已存在",
                            "User name {username} is taken.", username=username)
    found = _roles_by_code(roles)
    user = User(username=username, display_name=display_name.strip(),
                employee_no=employee_no.strip(), phone=phone.strip(), supervisor=supervisor,
                access_level=access_level, must_change_password=True)
    password = temporary_password(user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # created by someone else between the check and now
        raise ConflictError("username_taken", "账号 {username} 已存在",
                            "User name {username} is taken.", username=username) from None
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=found[c]) for c in found])
    events.record(
        actor=actor, verb="account.created", obj=user,
        summary=f"开设账号 {username}（{user.display_name}）",
        changes=events.diff({}, {"roles": sorted(found), "access_level": access_level,
                                 "supervisor": str(supervisor) if supervisor else None}),
    )
    return user, password


# ---- role changes (ROLE-1, ROLE-2) --------------------------------------------------------

@transaction.atomic
def bootstrap_admin(*, username: str, display_name: str, password: str) -> User:
    """Create the first system administrator of a new installation (`shopops createadmin`).

    Nobody can be an actor yet, so this is the system's act; it is refused once any active
    administrator exists — from then on accounts are opened by an administrator."""
    if User.objects.filter(is_active=True, role_assignments__role__code="sysadmin").exists():
        raise ConflictError("admin_exists", "系统管理员已存在，请由管理员在「员工账号」中开设账号。",
                            "An administrator exists; accounts are opened by them.")
    username, display_name = username.strip(), display_name.strip()
    if not username or not display_name:
        raise UserError("staff_fields_required", "请填写账号和姓名",
                        "User name and name are required.")
    if User.objects.filter(username=username).exists():
        raise ConflictError("username_taken", "账号 {username} 已存在",
                            "User name {username} is taken.", username=username)
    user = User(username=username, display_name=display_name, access_level="db",
                password_changed_at=timezone.now())
    _check_rules(password, user)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="sysadmin"))
    events.record(actor=None, verb="account.created", obj=user,
                  summary=f"系统初始化：开设系统管理员账号 {username}（{display_name}）",
                  changes=events.diff({}, {"roles": ["sysadmin"], "access_level": "db"}))
    return user


def role_name(code: str) -> str:
    if code in _BUILTIN_NAMES:
        return _BUILTIN_NAMES[code]
    role = Role.objects.filter(code=code).only("name").first()
    return role.name if role else code


def _user(payload) -> User:
    user = User.objects.filter(pk=payload.get("user_id")).first()
    if user is None:
        raise NotFoundError("user_not_found", "找不到该员工", "No such staff member.")
    return user


def _active_assignments(user) -> dict[str, RoleAssignment]:
    now = timezone.now()
    return {a.role.code: a for a in user.role_assignments.select_related("role")
            if a.is_active_at(now)}


def _role_labels(assignments) -> list[str]:
    return sorted(f"{a.role.name}{'（代理）' if a.acting else ''}" for a in assignments)


def check_role_change(*, payload, actor):
    user = _user(payload)
    adds = payload.get("add") or []
    removes = list(payload.get("remove") or [])
    if not adds and not removes:
        raise UserError("no_change", "没有任何岗位变动", "The proposal changes nothing.")
    add_codes = [a.get("role") for a in adds]
    _roles_by_code(add_codes + removes)
    both = set(add_codes) & set(removes)
    if both:
        raise UserError("add_and_remove", "同一岗位不能既增加又取消：{codes}",
                        "A role cannot be both added and removed: {codes}",
                        codes="、".join(role_name(c) for c in sorted(both)))
    held = _active_assignments(user)
    already = [c for c in add_codes if c in held]
    if already:
        raise UserError("role_already_held", "{user} 已担任：{roles}", "{user} already holds {roles}",
                        user=user, roles="、".join(role_name(c) for c in already))
    missing = [c for c in removes if c not in held]
    if missing:
        raise UserError("role_not_held", "{user} 未担任：{roles}", "{user} does not hold {roles}",
                        user=user, roles="、".join(role_name(c) for c in missing))
    for add in adds:
        if add.get("ends_on"):
            try:
                ends = date.fromisoformat(add["ends_on"])
            except (TypeError, ValueError):
                raise UserError("bad_date", "结束日期格式不正确", "Bad end date.") from None
            if ends < timezone.localdate():
                raise UserError("ends_in_past", "代理结束日期不能早于今天",
                                "The end date cannot be in the past.")


def apply_role_change(*, proposal, actor):
    payload = proposal.payload
    check_role_change(payload=payload, actor=actor)
    user = _user(payload)
    before = _role_labels(_active_assignments(user).values())
    found = _roles_by_code([a["role"] for a in payload.get("add") or []])
    for add in payload.get("add") or []:
        RoleAssignment.objects.update_or_create(
            user=user, role=found[add["role"]],
            defaults={"acting": bool(add.get("acting")), "starts_on": None,
                      "ends_on": add.get("ends_on") or None,
                      "note": f"申请 #{proposal.pk}"},
        )
    removed = list(payload.get("remove") or [])
    RoleAssignment.objects.filter(user=user, role__code__in=removed).delete()
    after = _role_labels(_active_assignments(user).values())
    events.record(actor=actor, verb="account.roles_changed", obj=user,
                  summary=f"岗位变更：{describe_role_change(payload)}",
                  changes={"roles": [before, after]}, data={"proposal": proposal.pk})
    return {"added": [a["role"] for a in payload.get("add") or []], "removed": removed,
            "roles": after}


def added_role_label(add: dict) -> str:
    """"打单员（代理，至 2026-12-07）" for one entry of a role-change payload's "add"."""
    label = role_name(add.get("role", ""))
    if add.get("acting"):
        label += f"（代理{'，至 ' + add['ends_on'] if add.get('ends_on') else ''}）"
    return label


def describe_role_change(payload):
    parts = []
    adds = [added_role_label(add) for add in payload.get("add") or []]
    if adds:
        parts.append("增加 " + "、".join(adds))
    if payload.get("remove"):
        parts.append("取消 " + "、".join(role_name(c) for c in payload["remove"]))
    who = payload.get("user_label") or f"员工 #{payload.get('user_id')}"
    return f"{who}：" + "；".join(parts)


# ---- access levels (ROLE-2) ---------------------------------------------------------------

def is_special_change(current: str, new: str) -> bool:
    """Touching the 数据库管理用户 level (granting or taking it) is a special-user change."""
    return "db" in (current, new)


def check_access_level_change(*, payload, actor, special=False):
    user = _user(payload)
    new = payload.get("to")
    if new not in LEVELS:
        raise UserError("unknown_level", "未知的权限级别：{level}", "Unknown access level: {level}",
                        level=new)
    if payload.get("from") and payload["from"] != user.access_level:
        raise ConflictError("level_moved", "{user} 的权限级别已变为「{level}」，请重新申请",
                            "{user}'s level has changed to '{level}'; propose again.",
                            user=user, level=LEVEL_LABELS[user.access_level])
    if new == user.access_level:
        raise UserError("no_change", "{user} 已经是「{level}」", "{user} already has that level.",
                        user=user, level=LEVEL_LABELS[new])
    if not special and is_special_change(user.access_level, new):
        raise UserError("special_user_change",
                        "涉及数据库管理用户（特殊用户）的变更须走「特殊用户权限变更」，由总经理审批",
                        "Changes involving the db level need the general manager's approval.")


def check_special_access_change(*, payload, actor):
    check_access_level_change(payload=payload, actor=actor, special=True)


def apply_access_level_change(*, proposal, actor):
    payload = proposal.payload
    check_access_level_change(payload=payload, actor=actor,
                              special=proposal.kind == "special_access_change")
    user = _user(payload)
    before = user.access_level
    user.access_level = payload["to"]
    user.save(update_fields=["access_level"])
    events.record(actor=actor, verb="account.level_changed", obj=user,
                  summary=f"数据权限变更：{describe_access_level_change(payload)}",
                  changes=events.diff({"access_level": before}, {"access_level": payload["to"]}),
                  data={"proposal": proposal.pk, "kind": proposal.kind})
    return {"user_id": user.pk, "from": before, "to": user.access_level}


def describe_access_level_change(payload):
    who = payload.get("user_label") or f"员工 #{payload.get('user_id')}"
    old = LEVEL_LABELS.get(payload.get("from"), payload.get("from") or "?")
    new = LEVEL_LABELS.get(payload.get("to"), payload.get("to") or "?")
    return f"{who}：{old} → {new}"


# ---- credential vault (ROLE-5) ------------------------------------------------------------

def can_read_credential(user, credential) -> bool:
    return bool(user.role_codes() & set(credential.reader_roles))


@transaction.atomic
def create_credential(*, actor, name: str, category: str, secret: str, reader_roles,
                      login: str = "", url: str = "", notes: str = "") -> Credential:
    require(actor, "accounts.manage_vault")
    name = name.strip()
    if not name or not secret:
        raise UserError("credential_fields_required", "请填写名称和密码",
                        "Name and secret are required.")
    if category not in CREDENTIAL_CATEGORIES:
        raise UserError("bad_category", "类别只能是：{choices}", "Category must be one of: {choices}",
                        choices="、".join(CREDENTIAL_CATEGORIES))
    readers = sorted(_roles_by_code(reader_roles))
    if not readers:
        raise UserError("readers_required", "请至少指定一个可查看的岗位",
                        "Name at least one role that may read it.")
    if Credential.objects.filter(name=name).exists():
        raise ConflictError("credential_exists", "官方账户「{name}」已存在",
                            "'{name}' already exists.", name=name)
    credential = Credential.objects.create(
        name=name, category=category, login=login.strip(), url=url.strip(),
        secret_encrypted=vault.encrypt(secret), reader_roles=readers, notes=notes)
    events.record(actor=actor, verb="credential.created", obj=credential,
                  summary=f"登记官方账户「{name}」",
                  data={"category": category, "reader_roles": readers})
    return credential


@transaction.atomic
def reveal_secret(*, actor, credential: Credential) -> str:
    """Read a secret. Only the named roles may; every reading is in the audit trail."""
    if not can_read_credential(actor, credential):
        raise PermissionDeniedError("not_a_reader", "您的岗位不能查看「{name}」的密码",
                                    "Your roles may not read '{name}'.", name=credential.name)
    plain = vault.decrypt(credential.secret_encrypted)
    events.record(actor=actor, verb="credential.revealed", obj=credential,
                  summary=f"查看了官方账户「{credential.name}」的密码",
                  data={"version": credential.version})
    return plain


def credential_change_payload(credential, *, login=None, url=None, secret=None) -> dict:
    """What a change proposal stores: the new secret only as ciphertext, so neither the
    proposal nor its events ever hold it in clear."""
    payload = {"credential_id": credential.pk, "credential_name": credential.name,
               "version": credential.version}
    if login is not None and login.strip() != credential.login:
        payload["login"] = login.strip()
    if url is not None and url.strip() != credential.url:
        payload["url"] = url.strip()
    if secret:
        payload["secret_encrypted"] = vault.encrypt(secret)
    return payload


_CHANGE_FIELDS = {"login": "登录账号", "url": "网址", "secret_encrypted": "密码"}


def check_credential_change(*, payload, actor):
    if "secret" in payload:
        raise UserError("plain_secret", "申请内容不能包含明文密码",
                        "A proposal must not carry the secret in clear.")
    credential = Credential.objects.filter(pk=payload.get("credential_id")).first()
    if credential is None:
        raise NotFoundError("credential_not_found", "找不到该官方账户", "No such credential.")
    if payload.get("version") != credential.version:
        raise ConflictError("credential_moved", "「{name}」已被修改过，请重新申请",
                            "'{name}' has changed since; propose again.", name=credential.name)
    changed = [f for f in _CHANGE_FIELDS if f in payload]
    if "secret_encrypted" in payload and vault.decrypt(payload["secret_encrypted"]) == \
            vault.decrypt(credential.secret_encrypted):
        changed.remove("secret_encrypted")
    if not changed:
        raise UserError("no_change", "没有任何变动", "The proposal changes nothing.")


def apply_credential_change(*, proposal, actor):
    payload = proposal.payload
    check_credential_change(payload=payload, actor=actor)
    fields = [f for f in _CHANGE_FIELDS if f in payload]
    updates = {f: payload[f] for f in fields}
    # Conditional on the version: two approved changes cannot both apply to the same one.
    moved = Credential.objects.filter(pk=payload["credential_id"], version=payload["version"]) \
        .update(**updates, version=payload["version"] + 1, updated_at=timezone.now())
    if moved != 1:
        raise ConflictError("credential_moved", "该官方账户已被修改过，请重新申请",
                            "The credential has changed since; propose again.")
    credential = Credential.objects.get(pk=payload["credential_id"])
    names = [_CHANGE_FIELDS[f] for f in fields]
    events.record(actor=actor, verb="credential.changed", obj=credential,
                  summary=f"官方账户「{credential.name}」已变更：{'、'.join(names)}",
                  data={"fields": names, "version": credential.version,
                        "proposal": proposal.pk})
    return {"credential_id": credential.pk, "fields": names, "version": credential.version}


def describe_credential_change(payload):
    names = [label for f, label in _CHANGE_FIELDS.items() if f in payload]
    return f"官方账户「{payload.get('credential_name', '?')}」变更：{'、'.join(names) or '无'}"
