from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last sign of life of a worker or scheduler process (OPS-2)."""

    name = models.CharField("进程", max_length=120, unique=True)
    role = models.CharField("类型", max_length=20)  # worker | scheduler
    last_seen = models.DateTimeField("最后心跳", default=timezone.now)
    info = models.JSONField("信息", default=dict, blank=True)

    class Meta:
        verbose_name = "心跳"
        verbose_name_plural = "心跳"

    def __str__(self):
        return self.name


class PeriodicJob(models.Model):
    """A scheduled job (weekly backup, deadline sweep…). Claimed by advancing next_run_at
    with a conditional UPDATE, so two schedulers never run the same occurrence."""

    name = models.CharField("任务", max_length=100, unique=True)
    next_run_at = models.DateTimeField("下次运行")
    last_run_at = models.DateTimeField("上次运行", null=True, blank=True)
    last_status = models.CharField("上次结果", max_length=20, blank=True)
    last_error = models.TextField("上次错误", blank=True)

    class Meta:
        verbose_name = "定时任务"
        verbose_name_plural = "定时任务"

    def __str__(self):
        return self.name
