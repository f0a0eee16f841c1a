from django.db import models


class Sequence(models.Model):
    """A counter per document prefix and day (RK20261123-0001). Incremented with a
    conditional UPDATE so two clerks never get the same number."""

    prefix = models.CharField("前缀", max_length=10)
    day = models.DateField("日期")
    value = models.PositiveIntegerField("当前值", default=0)

    class Meta:
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="one_sequence_per_day")]

    def __str__(self):
        return f"{self.prefix}{self.day:%Y%m%d}-{self.value:04d}"
