from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shopops.core.access import CAPABILITIES, LEVELS


class AccessLevel(models.TextChoices):
    """ROLE-2 数据库用户权限级别."""

    READ = "read", _("一般用户")
    WRITE = "write", _("后台管理用户")
    DB = "db", _("数据库管理用户")
class Role(models.Model):
    """A post (岗位) of the department. Grants capabilities; a person may hold several."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("岗位", max_length=60)
    name_en = models.CharField("英文名", max_length=80, blank=True)
    description = models.TextField("职责", blank=True)
    capabilities = models.JSONField("权限", default=list, blank=True)
    # The built-in defaults already applied, so an administrator's removal of one sticks
    # while capabilities introduced by a later release still reach the role.
    defaults_applied = models.JSONField(default=list, blank=True, editable=False)
    is_builtin = models.BooleanField("内置", default=False)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A staff account."""

    display_name = models.CharField("姓名", max_length=60, blank=True)
    employee_no = models.CharField("工号", max_length=20, blank=True)
    phone = models.CharField("手机", max_length=20, blank=True)
    access_level = models.CharField(
        "数据权限级别", max_length=10, choices=AccessLevel.choices, default=AccessLevel.WRITE
    )
    supervisor = models.ForeignKey(
        "self", verbose_name="直属主管", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="reports",
    )
    roles = models.ManyToManyField(Role, through="RoleAssignment", related_name="holders",
                                   verbose_name="岗位")
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须改密码", default=False)

    class Meta:
        verbose_name = "员工"
        verbose_name_plural = "员工"
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    def get_full_name(self):
        return self.display_name or self.username

    def _active_roles(self):
        """The roles held today, read once per instance (every permission check uses it)."""
        cached = getattr(self, "_active_roles_cache", None)
        if cached is None:
            now = timezone.now()
            cached = [a.role for a in self.role_assignments.select_related("role")
                      if a.is_active_at(now)] if self.pk and self.is_active else []
            self._active_roles_cache = cached
        return cached

    def capability_codes(self) -> frozenset:
        """What this person may do now: their roles' capabilities within their level."""
        cached = getattr(self, "_capability_cache", None)
        if cached is None:
            level = LEVELS.get(self.access_level, 0)
            mine = {code for role in self._active_roles() for code in role.capabilities}
            cached = frozenset(code for code in mine if code in CAPABILITIES
                               and LEVELS[CAPABILITIES[code].level] <= level)
            self._capability_cache = cached
        return cached

    def role_codes(self) -> frozenset:
        return frozenset(role.code for role in self._active_roles())

    def has_role(self, *codes) -> bool:
        return bool(self.role_codes() & set(codes))


class RoleAssignment(models.Model):
    """A person holding a post; `acting` marks covering a vacant post (代理岗位)."""

    user = models.ForeignKey(User, verbose_name="员工", on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.ForeignKey(Role, verbose_name="岗位", on_delete=models.PROTECT,
                             related_name="assignments")
    acting = models.BooleanField("代理岗位", default=False)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.role}{'（代理）' if self.acting else ''}"

    def is_active_at(self, moment) -> bool:
        day = timezone.localdate(moment)
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


class LoginAttempt(models.Model):
    """Every login attempt, for throttling (ROLE-3) and the audit trail."""

    username = models.CharField("账号", max_length=150)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    success = models.BooleanField("成功", default=False)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        indexes = [models.Index(fields=["username", "at"], name="login_user_at_idx")]

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M} {'✓' if self.success else '✗'}"


class Credential(models.Model):
    """An official account (网站后台、支付、域名、商标、企业邮箱…) kept in the vault (ROLE-5).

    The secret is encrypted with a key that never lives in the database."""

    name = models.CharField("名称", max_length=100, unique=True)
    category = models.CharField("类别", max_length=40)
    login = models.CharField("登录账号", max_length=150, blank=True)
    url = models.CharField("网址", max_length=300, blank=True)
    secret_encrypted = models.TextField("密文")
    reader_roles = models.JSONField("可查看岗位", default=list)
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "官方账户"
        verbose_name_plural = "官方账户"
        ordering = ["category", "name"]

    def __str__(self):
        return self.name
