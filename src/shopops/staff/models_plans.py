"""Monthly targets (HR-7) and resignations with their handover (HR-8). Changed only by
staff/actions/plans.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

__all__ = ["MonthlyTarget", "Resignation"]


class MonthlyTarget(models.Model):
    """A person's (or, with person empty, the department's) target for one month; progress
    is always computed from the orders and parcels, never typed in."""

    class Metric(models.TextChoices):
        SALES_FEN = "sales_fen", _("销售额")
        ORDERS = "orders", _("订单数")
        SHIPPED = "shipped", _("发货单数")
        REVIEWED = "reviewed", _("审单数")

    person = models.ForeignKey(USER, verbose_name="员工", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")  # the first day of the month
    metric = models.CharField("指标", max_length=20, choices=Metric.choices)
    target = models.BigIntegerField("目标值")  # fen for sales, a count otherwise
    note = models.CharField("备注", max_length=200, blank=True)
    set_by = models.ForeignKey(USER, verbose_name="设置人", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "月度目标"
        verbose_name_plural = "月度目标"
        ordering = ["-month", "person_id", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["person", "month", "metric"],
                                    condition=Q(person__isnull=False),
                                    name="one_target_per_person_metric"),
            models.UniqueConstraint(fields=["month", "metric"], condition=Q(person__isnull=True),
                                    name="one_department_target_per_metric"),
            models.CheckConstraint(condition=Q(target__gte=0), name="target_not_negative"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.person_id or '部门'} {self.metric}"


class Resignation(models.Model):
    """辞职 (HR-8): a month's notice, then every handover item done within a week of the
    last day."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已接受")
        HANDED_OVER = "handed_over", _("已交接")
        LEFT = "left", _("已离职")

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="+")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    last_day = models.DateField("最后工作日")
    reason = models.TextField("原因", blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices,
                             default=State.SUBMITTED, db_index=True)
    # [{"item": str, "done": bool, "by": user pk|None, "by_name": str, "at": iso str|None}]
    handover = models.JSONField("交接清单", default=list, blank=True)
    accepted_by = models.ForeignKey(USER, verbose_name="接受人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField("接受时间", null=True, blank=True)
    handed_over_at = models.DateTimeField("交接完成时间", null=True, blank=True)
    left_at = models.DateTimeField("离职时间", null=True, blank=True)

    class Meta:
        verbose_name = "辞职"
        verbose_name_plural = "辞职"
        ordering = ["-submitted_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["person"], condition=~Q(state="left"), name="one_open_resignation")]

    def __str__(self):
        return f"辞职 {self.person} {self.last_day}"

    @property
    def handover_complete(self) -> bool:
        return bool(self.handover) and all(entry.get("done") for entry in self.handover)
