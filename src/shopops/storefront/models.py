"""The B2C shop's customer accounts. A shop account signs a customer (service.Customer)
in to the shop; it is not a staff account and never opens a staff page."""

from django.db import models
from django.utils import timezone


class ShopAccount(models.Model):
    customer = models.OneToOneField("service.Customer", verbose_name="客户",
                                    on_delete=models.PROTECT, related_name="shop_account")
    # The mobile number the customer signs in with (normalised, digits only).
    login = models.CharField("登录手机号", max_length=20, unique=True)
    password = models.CharField("密码", max_length=128)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("注册时间", default=timezone.now)
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)
    failed_logins = models.PositiveIntegerField("连续登录失败", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "商城账号"
        verbose_name_plural = "商城账号"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.login
