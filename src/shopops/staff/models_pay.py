"""Base pay (HR-KPI "salary = base + assessment pay"). Changed only by
staff/actions/pay.py; every change is a new row, so what applied in any month stays known."""

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL

__all__ = ["BasePay"]


class BasePay(models.Model):
    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="base_pays")
    base_fen = models.PositiveBigIntegerField("基本工资（分/月）")
    # Applies to the months from this one on, until a later row.
    effective_from = models.DateField("起始月份")
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(USER, verbose_name="设置人", null=True, on_delete=models.SET_NULL,
                               related_name="+")
    set_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "基本工资"
        verbose_name_plural = "基本工资"
        ordering = ["person_id", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["person", "effective_from"],
                                               name="one_base_pay_per_month")]

    def __str__(self):
        return f"{self.person} {self.effective_from:%Y-%m}: {self.base_fen}"
