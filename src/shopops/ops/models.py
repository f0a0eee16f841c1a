from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Backup(models.Model):
    """One backup file (OPS-1): full database or orders only."""

    class Kind(models.TextChoices):
        FULL = "full", _("完整备份")
        ORDERS = "orders", _("订单备份")
    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")
        DELETED = "deleted", _("已按保留策略删除")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    file_name = models.CharField("文件", max_length=300, blank=True)
    size_bytes = models.BigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("校验和", max_length=64, blank=True)
    engine = models.CharField("数据库", max_length=20, blank=True)
    trigger = models.CharField("触发方式", max_length=20, default="manual")  # manual|schedule|cli
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "备份"
        verbose_name_plural = "备份"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"
