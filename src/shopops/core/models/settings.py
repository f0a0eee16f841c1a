from django.db import models
from django.utils import timezone


class SettingValue(models.Model):
    """An administrator's value for a registered setting; absent → the seed default."""

    key = models.CharField("设置项", max_length=100, unique=True)
    value = models.JSONField("值")
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "设置值"
        verbose_name_plural = "设置值"

    def __str__(self):
        return f"{self.key}={self.value!r}"
