from django.conf import settings
from django.db import models
from django.utils import timezone


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("事件日志只能追加 / the event log is append-only")

    def delete(self):
        raise TypeError("事件日志只能追加 / the event log is append-only")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class Event(models.Model):
    """One business change: who, when, which object, what changed (ROLE-4).

    Append-only. The audit trail, object histories, deadlines and scorecards read it.
    """

    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so the record still says who it was if the account goes away.
    actor_name = models.CharField("操作人姓名", max_length=100, default="系统")
    verb = models.CharField("动作", max_length=64)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    changes = models.JSONField("变更（前/后）", default=dict, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "事件"
        verbose_name_plural = "事件日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="event_object_idx"),
            models.Index(fields=["actor", "at"], name="event_actor_idx"),
            models.Index(fields=["verb", "at"], name="event_verb_idx"),
            models.Index(fields=["at"], name="event_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("事件日志只能追加 / the event log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("事件日志只能追加 / the event log is append-only")
