"""Meetings and trainings (HR-5): the daily morning meeting (晨会), weekly meetings and
trainings, who was expected, who came, the minutes, and training scores."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

__all__ = ["Meeting", "MeetingAttendee", "TrainingResult"]


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MORNING = "morning", _("晨会")
        WEEKLY = "weekly", _("周会")
        TRAINING = "training", _("培训")
        OTHER = "other", _("其他")

    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField("主题", max_length=100)
    starts_at = models.DateTimeField("开始时间", db_index=True)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey(USER, verbose_name="主持人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    minutes = models.TextField("会议纪要", blank=True)
    attendance_taken_at = models.DateTimeField("点名时间", null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="安排人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("安排时间", default=timezone.now)

    class Meta:
        verbose_name = "会议培训"
        verbose_name_plural = "会议培训"
        ordering = ["-starts_at", "-pk"]
        # schedule_morning_meetings may run twice over the same days.
        constraints = [models.UniqueConstraint(fields=["starts_at"],
                                               condition=Q(kind="morning"),
                                               name="one_morning_meeting_per_time")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.title}"


class MeetingAttendee(models.Model):
    class Status(models.TextChoices):
        EXPECTED = "expected", _("应到")
        PRESENT = "present", _("出席")
        ABSENT = "absent", _("缺席")
        EXCUSED = "excused", _("请假")

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE,
                                related_name="attendees")
    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="meeting_attendances")
    status = models.CharField("状态", max_length=10, choices=Status.choices,
                              default=Status.EXPECTED)
    noted_by = models.ForeignKey(USER, verbose_name="点名人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "参会人"
        verbose_name_plural = "参会人"
        ordering = ["meeting_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"],
                                               name="attendee_once")]

    def __str__(self):
        return f"{self.meeting_id} {self.person_id} {self.status}"


class TrainingResult(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="培训", on_delete=models.CASCADE,
                                related_name="results")
    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="+")
    score = models.PositiveSmallIntegerField("成绩")
    passed = models.BooleanField("合格", default=False)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "培训成绩"
        verbose_name_plural = "培训成绩"
        ordering = ["meeting_id", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="training_result_once"),
            models.CheckConstraint(condition=Q(score__lte=100), name="training_score_max_100"),
        ]

    def __str__(self):
        return f"{self.meeting_id} {self.person_id} {self.score}"
