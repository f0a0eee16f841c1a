from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Deadline(models.Model):
    """A first-class deadline (时限, APR-3): a subject, an owner, a due time and what
    happens when it passes. The scheduler fires each due deadline exactly once."""

    class State(models.TextChoices):
        PENDING = "pending", _("进行中")
        FIRED = "fired", _("已超时")
        MET = "met", _("已按时完成")
        CANCELLED = "cancelled", _("已取消")
    class Action(models.TextChoices):
        NOTIFY = "notify", _("通知负责人")
        ESCALATE = "escalate", _("上报主管")
        SERVICE = "service", _("自动执行")
    rule = models.CharField("规则", max_length=30, blank=True)  # e.g. ORD-2, FUL-1
    title = models.CharField("事项", max_length=200)
    subject_type = models.CharField("对象类型", max_length=100)
    subject_id = models.CharField("对象编号", max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
    )
    starts_at = models.DateTimeField("开始时间", default=timezone.now)
    due_at = models.DateTimeField("截止时间")
    action = models.CharField("到期动作", max_length=20, choices=Action.choices)
    # For action=service: dotted path of a function taking (deadline=…).
    service = models.CharField("服务", max_length=200, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    fired_at = models.DateTimeField("触发时间", null=True, blank=True)
    fired_by = models.CharField("触发进程", max_length=120, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        verbose_name = "时限"
        verbose_name_plural = "时限"
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="deadline_due_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            models.Index(fields=["owner", "state"], name="deadline_owner_idx"),
        ]

    def __str__(self):
        return f"{self.title} @ {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_overdue(self):
        return self.state == self.State.FIRED or (
            self.state == self.State.PENDING and self.due_at <= timezone.now()
        )
