"""Staff (HR-1…HR-6, HR-KPI): shifts, rosters and the working calendar, attendance and
out-of-office passes, leave, absences (旷工), penalties, and the points each person earns or
loses by the department's rules, read from the event log. Changed only by staff/actions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Shift(models.Model):
    """班次 (HR-1): a working time; `end` before `start` means it ends after midnight."""

    code = models.SlugField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=30)
    start = models.TimeField("上班时间")
    end = models.TimeField("下班时间")
    break_minutes = models.PositiveIntegerField("用餐休息（分钟）", default=60)
    # Role codes this shift is meant for (the roster page offers it to them first).
    posts = models.JSONField("适用岗位", default=list, blank=True)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "班次"
        verbose_name_plural = "班次"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.name} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


class CalendarOverride(models.Model):
    """An administrator's correction to the holiday calendar (HR-2): the State Council's
    yearly announcement when the `holidays` package does not know it yet."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班")

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="设置人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()} {self.name}"


class RosterEntry(models.Model):
    """One person's day on the roster (HR-2): a shift, or a rest day (shift empty)."""

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="roster_entries")
    day = models.DateField("日期")
    shift = models.ForeignKey(Shift, verbose_name="班次", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.CharField("备注", max_length=100, blank=True)
    updated_by = models.ForeignKey(USER, verbose_name="排班人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("排班时间", default=timezone.now)

    class Meta:
        verbose_name = "排班"
        verbose_name_plural = "排班"
        ordering = ["day", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "day"],
                                               name="one_roster_entry_per_day")]
        indexes = [models.Index(fields=["day"], name="roster_day_idx")]

    def __str__(self):
        return f"{self.person_id} {self.day} {self.shift_id or '休'}"


class DutyAssignment(models.Model):
    """值班 / 值日 (HR-2): who is on duty or on cleaning duty that day."""

    class Kind(models.TextChoices):
        DUTY = "duty", _("值班")
        CLEANING = "cleaning", _("值日")

    day = models.DateField("日期")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="+")

    class Meta:
        verbose_name = "值班值日"
        verbose_name_plural = "值班值日"
        ordering = ["day", "kind"]
        constraints = [models.UniqueConstraint(fields=["day", "kind", "person"],
                                               name="duty_once")]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()} {self.person_id}"


class Attendance(models.Model):
    """打卡 (HR-3): a person's clock-in and clock-out for one working day, with lateness
    and early leaving measured against the shift on the roster at that time."""

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="attendances")
    day = models.DateField("日期")
    shift = models.ForeignKey(Shift, verbose_name="班次", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    clock_in = models.DateTimeField("上班打卡", null=True, blank=True)
    clock_out = models.DateTimeField("下班打卡", null=True, blank=True)
    late_minutes = models.PositiveIntegerField("迟到（分钟）", default=0)
    early_minutes = models.PositiveIntegerField("早退（分钟）", default=0)
    source = models.CharField("来源", max_length=20, default="page")  # page | device | manual

    class Meta:
        verbose_name = "考勤"
        verbose_name_plural = "考勤"
        ordering = ["-day", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "day"],
                                               name="one_attendance_per_day")]

    def __str__(self):
        return f"{self.person_id} {self.day}"


class OutPass(models.Model):
    """出门证 (HR-4): leaving the office during working hours, counted by the hour."""

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="+")
    start = models.DateTimeField("外出时间")
    end = models.DateTimeField("返回时间", null=True, blank=True)
    reason = models.CharField("事由", max_length=200)
    approved_by = models.ForeignKey(USER, verbose_name="批准人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "出门证"
        verbose_name_plural = "出门证"
        ordering = ["-start"]

    def __str__(self):
        return f"{self.person_id} {self.start:%m-%d %H:%M}"


class LeaveRequest(models.Model):
    """请假 (HR-4): by day or hour, applied for ahead with a reason and approved by the
    manager through the approval engine (kind staff_leave); an emergency request may be
    filed after the absence."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("事假")
        SICK = "sick", _("病假")
        ANNUAL = "annual", _("年假")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        PENDING = "pending", _("审批中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤回")

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="leave_requests")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    hours = models.DecimalField("时长（小时）", max_digits=6, decimal_places=1, default=0)
    reason = models.CharField("事由", max_length=300)
    emergency = models.BooleanField("紧急（事后补假）", default=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING,
                             db_index=True)
    proposal = models.ForeignKey("core.Proposal", verbose_name="审批", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    class Meta:
        verbose_name = "请假"
        verbose_name_plural = "请假"
        ordering = ["-start"]

    def __str__(self):
        return f"{self.person_id} {self.get_kind_display()} {self.start:%m-%d}"


class Absence(models.Model):
    """旷工 (HR-4): a rostered working day with no clock-in and no approved leave. The
    day's pay is deducted; 3 days in a row or 5 in a month flags the person."""

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="absences")
    day = models.DateField("日期")
    deduction_fen = models.BigIntegerField("扣款（分）", default=0)
    excused = models.BooleanField("已销假", default=False)  # emergency leave approved later
    detected_at = models.DateTimeField("认定时间", default=timezone.now)

    class Meta:
        verbose_name = "旷工"
        verbose_name_plural = "旷工"
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="absence_once")]

    def __str__(self):
        return f"{self.person_id} {self.day}"


class Offence(models.Model):
    """One line of the 处罚条例 (HR-6) with its default amount; an administrator edits it."""

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("违规事项", max_length=100)
    amount_fen = models.BigIntegerField("罚款（分）")
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "处罚条例"
        verbose_name_plural = "处罚条例"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Penalty(models.Model):
    """A penalty proposed with evidence and confirmed by the manager before it counts."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已驳回")

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="penalties")
    offence = models.ForeignKey(Offence, verbose_name="违规事项", on_delete=models.PROTECT,
                                related_name="+")
    amount_fen = models.BigIntegerField("罚款（分）")
    occurred_on = models.DateField("发生日期")
    evidence = models.TextField("证据/说明")
    state = models.CharField("状态", max_length=10, choices=State.choices,
                             default=State.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(USER, verbose_name="提出人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField("提出时间", default=timezone.now)
    decided_by = models.ForeignKey(USER, verbose_name="确认人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_note = models.CharField("确认意见", max_length=300, blank=True)
    # Where it came from when the system proposed it (a late clock-in …).
    source = models.CharField("来源", max_length=100, blank=True)

    class Meta:
        verbose_name = "处罚"
        verbose_name_plural = "处罚"
        ordering = ["-occurred_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "offence", "source"],
                                               condition=~Q(source=""),
                                               name="penalty_once_per_source")]

    def __str__(self):
        return f"{self.person_id} {self.offence_id} {self.occurred_on}"


class ScoreEntry(models.Model):
    """A point (扣分) or a reward (奖励) by a scoring rule (HR-KPI), computed from the
    events of the month: each traceable to the order or event behind it. Recomputing a
    month replaces that month's entries of the rule."""

    person = models.ForeignKey(USER, verbose_name="员工", on_delete=models.CASCADE,
                               related_name="score_entries")
    month = models.DateField("月份")  # the first day of the month
    rule = models.CharField("规则", max_length=30)  # e.g. FUL-1.same_day
    points = models.IntegerField("分数", default=0)  # negative: deducted
    reward_fen = models.BigIntegerField("奖励（分）", default=0)
    order = models.ForeignKey("orders.Order", verbose_name="订单", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    event = models.ForeignKey("core.Event", verbose_name="事件", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("说明", max_length=300)
    computed_at = models.DateTimeField("计算时间", default=timezone.now)

    class Meta:
        verbose_name = "考核记分"
        verbose_name_plural = "考核记分"
        ordering = ["month", "person_id", "rule", "pk"]
        indexes = [models.Index(fields=["month", "person"], name="score_month_person_idx")]

    def __str__(self):
        return f"{self.person_id} {self.month:%Y-%m} {self.rule} {self.points}"


class MonthlySheet(models.Model):
    """奖罚评分表 (HR-KPI): drafted by the system, reviewed by the supervisor, approved,
    exported for payroll. `rows` holds one row per person at the time of drafting."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEWED = "reviewed", _("主管已审核")
        APPROVED = "approved", _("已批准")

    month = models.DateField("月份", unique=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    rows = models.JSONField("明细", default=list)
    drafted_at = models.DateTimeField("生成时间", default=timezone.now)
    reviewed_by = models.ForeignKey(USER, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    proposal = models.ForeignKey("core.Proposal", verbose_name="审批", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    exported_at = models.DateTimeField("导出时间", null=True, blank=True)

    class Meta:
        verbose_name = "奖罚评分表"
        verbose_name_plural = "奖罚评分表"
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


from .models_meetings import *  # noqa: F401,F403,E402
from .models_pay import *  # noqa: F401,F403,E402
from .models_plans import *  # noqa: F401,F403,E402
