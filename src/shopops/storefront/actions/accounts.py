"""Customer accounts of the shop: registration (a customer record 客户档案 with its shop
account), signing in with throttling, and the address book (收货地址)."""

import math
import re
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shopops.core.errors import ConflictError, NotFoundError, UserError
from shopops.core.events import diff, record
from shopops.core.numbering import next_number
from shopops.core.registry import setting
from shopops.service.models import Customer, CustomerAddress

from ..models import ShopAccount

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A hash to compare against when the account does not exist, so a wrong number takes as
# long as a wrong password and nobody learns which numbers have accounts.
_DUMMY_HASH = make_password("no-such-account")


def normalize_mobile(value) -> str:
    digits = re.sub(r"[\s\-]", "", str(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def check_mobile(value) -> str:
    mobile = normalize_mobile(value)
    if not MOBILE.match(mobile):
        raise UserError("bad_mobile", "请输入正确的 11 位手机号码。",
                        "Enter a valid 11-digit mobile number.")
    return mobile


def check_password_rule(password: str, mobile: str = ""):
    """At least storefront.password_min_length characters, letters and digits both, and
    not the mobile number itself."""
    minimum = setting("storefront.password_min_length")
    if len(password or "") < minimum:
        raise UserError("password_short", "密码至少 {n} 位。", "Use at least {n} characters.",
                        n=minimum)
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise UserError("password_weak", "密码须同时包含字母和数字。",
                        "Use both letters and digits.")
    if mobile and mobile in password:
        raise UserError("password_mobile", "密码不能包含手机号。",
                        "The password must not contain the mobile number.")


@transaction.atomic
def register_customer(*, mobile, name, password, channel=None) -> ShopAccount:
    """A new shop customer: the customer record (编号 KH…) and the account to sign in with."""
    mobile = check_mobile(mobile)
    name = (name or "").strip()
    if not name:
        raise UserError("name_required", "请填写您的姓名或称呼。", "Please give your name.")
    if len(name) > 60:
        raise UserError("name_long", "姓名最多 60 个字。", "The name is too long.")
    check_password_rule(password, mobile)
    taken = ConflictError("mobile_taken", "手机号 {mobile} 已注册，请直接登录。",
                          "{mobile} already has an account: please sign in.", mobile=mobile)
    if ShopAccount.objects.filter(login=mobile).exists():
        raise taken
    now = timezone.now()
    # A buyer customer service already knows (a platform order, a phone call) keeps one
    # record: the account joins the customer of that mobile number (CS-4).
    customer = (Customer.objects.select_for_update(of=("self",))
                .filter(phone=mobile, shop_account__isnull=True).order_by("pk").first())
    known = customer is not None
    if customer is None:
        customer = Customer.objects.create(number=next_number("KH"), name=name, phone=mobile,
                                           source=channel, created_at=now, updated_at=now)
    try:
        with transaction.atomic():
            account = ShopAccount.objects.create(customer=customer, login=mobile,
                                                 password=make_password(password),
                                                 created_at=now)
    except IntegrityError:  # the same number registered a moment ago
        raise taken from None
    record(actor=None, verb="customer.registered", obj=customer,
           summary=f"商城新顾客注册：{customer}",
           data={"customer": customer.pk, "channel": channel.pk if channel else None,
                 "known_customer": known})
    return account


def authenticate(*, mobile, password) -> ShopAccount:
    """The account for this mobile and password, or a UserError. Failures count; after
    storefront.login_max_failures in a row the account is locked for
    storefront.login_lock_minutes (the count and the lock are conditional UPDATEs, so
    parallel guesses cannot slip past the limit)."""
    wrong = UserError("login_failed", "手机号或密码不正确。", "Wrong mobile number or password.")
    mobile = normalize_mobile(mobile)
    account = (ShopAccount.objects.select_related("customer")
               .filter(login=mobile, active=True).first()) if mobile else None
    if account is None:
        check_password(password or "", _DUMMY_HASH)
        raise wrong
    now = timezone.now()
    if account.locked_until and account.locked_until > now:
        raise _locked(account.locked_until, now)
    if check_password(password or "", account.password):
        return account
    _count_failure(account, now)
    account.refresh_from_db(fields=["failed_logins", "locked_until"])
    if account.locked_until and account.locked_until > now:
        raise _locked(account.locked_until, now)
    left = setting("storefront.login_max_failures") - account.failed_logins
    if 0 < left <= 2:
        raise UserError("login_failed_warn", "手机号或密码不正确，再错 {left} 次账号将暂时锁定。",
                        "Wrong mobile number or password; {left} more and the account locks.",
                        left=left)
    raise wrong


@transaction.atomic
def _count_failure(account, now):
    limit = setting("storefront.login_max_failures")
    # A lock that has run out starts a fresh count.
    ShopAccount.objects.filter(pk=account.pk, locked_until__lte=now).update(
        failed_logins=0, locked_until=None)
    ShopAccount.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
    until = now + timedelta(minutes=setting("storefront.login_lock_minutes"))
    if ShopAccount.objects.filter(pk=account.pk, failed_logins__gte=limit,
                                  locked_until__isnull=True).update(locked_until=until):
        record(actor=None, verb="shop_account.locked", obj=account.customer,
               summary=f"商城账号 {account.customer} 连续 {limit} 次密码错误，"
                       f"锁定至 {timezone.localtime(until):%H:%M}",
               data={"account": account.pk, "locked_until": until})


def _locked(until, now):
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return UserError("login_locked", "登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试。",
                     "Too many failed sign-ins: try again in {minutes} minutes.",
                     minutes=minutes)


# -- address book ----------------------------------------------------------------------------

ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "detail")
REQUIRED = {"recipient": "收货人", "phone": "联系电话", "province": "省", "city": "市",
            "detail": "详细地址"}


def clean_address(values: dict) -> dict:
    clean = {f: str(values.get(f) or "").strip() for f in ADDRESS_FIELDS}
    missing = [label for f, label in REQUIRED.items() if not clean[f]]
    if missing:
        raise UserError("address_incomplete", "请填写：{fields}。", "Please fill in: {fields}.",
                        fields="、".join(missing))
    phone = normalize_mobile(clean["phone"])
    if not (MOBILE.match(phone) or re.match(r"^0\d{2,3}-?\d{7,8}$", clean["phone"])):
        raise UserError("address_phone", "联系电话格式不正确（手机号 11 位，或区号-座机号）。",
                        "Enter a mobile number or a landline with area code.")
    if MOBILE.match(phone):
        clean["phone"] = phone
    for f in ADDRESS_FIELDS:
        limit = CustomerAddress._meta.get_field(f).max_length
        if len(clean[f]) > limit:
            raise UserError("address_long", "{field} 太长了。", "{field} is too long.",
                            field=CustomerAddress._meta.get_field(f).verbose_name)
    return clean


def _own_address(customer, address_id) -> CustomerAddress:
    address = CustomerAddress.objects.filter(customer=customer, pk=address_id).first()
    if address is None:
        raise NotFoundError("address_missing", "找不到这个收货地址。", "No such address.")
    return address


@transaction.atomic
def add_address(*, actor, customer, values, make_default=False) -> CustomerAddress:
    clean = clean_address(values)
    first = not CustomerAddress.objects.filter(customer=customer).exists()
    address = CustomerAddress.objects.create(customer=customer, **clean)
    if make_default or first:
        _make_default(customer, address)
    record(actor=actor, verb="customer.address_added", obj=customer,
           summary=f"{customer} 添加收货地址",
           data={"address": address.pk, "default": address.is_default})
    return address


@transaction.atomic
def update_address(*, actor, customer, address_id, values, make_default=False):
    address = _own_address(customer, address_id)
    clean = clean_address(values)
    before = {f: getattr(address, f) for f in ADDRESS_FIELDS}
    CustomerAddress.objects.filter(pk=address.pk).update(**clean)
    for key, value in clean.items():
        setattr(address, key, value)
    if make_default:
        _make_default(customer, address)
    changes = diff(before, clean)
    record(actor=actor, verb="customer.address_updated", obj=customer,
           summary=f"{customer} 修改收货地址", changes=changes,
           data={"address": address.pk})
    return address


@transaction.atomic
def set_default_address(*, actor, customer, address_id) -> CustomerAddress:
    address = _own_address(customer, address_id)
    _make_default(customer, address)
    record(actor=actor, verb="customer.address_default", obj=customer,
           summary=f"{customer} 设置默认收货地址", data={"address": address.pk})
    return address


@transaction.atomic
def delete_address(*, actor, customer, address_id):
    address = _own_address(customer, address_id)
    was_default = address.is_default
    address.delete()
    if was_default:  # the newest remaining address becomes the default
        nxt = CustomerAddress.objects.filter(customer=customer).order_by("-created_at", "-pk").first()
        if nxt is not None:
            _make_default(customer, nxt)
    record(actor=actor, verb="customer.address_deleted", obj=customer,
           summary=f"{customer} 删除收货地址", data={"address": address_id})


def _make_default(customer, address):
    CustomerAddress.objects.filter(customer=customer, is_default=True).exclude(
        pk=address.pk).update(is_default=False)
    CustomerAddress.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True
