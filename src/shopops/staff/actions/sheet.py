"""奖罚评分表 (HR-KPI): drafted by the system from the month's score entries, confirmed
penalties and absences; reviewed by a supervisor; approved by the manager through the
approval engine (kind staff_monthly_sheet, whose execution marks it approved); exported
as xlsx for payroll."""

from io import BytesIO

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from shopops.core.access import require
from shopops.core.actions.approvals import propose
from shopops.core.errors import IllegalTransition, UserError
from shopops.core.events import record
from shopops.core.states import transition

from .. import scoring
from ..models import Absence, Attendance, MonthlySheet, Penalty, ScoreEntry
from .pay import base_pays

KIND = "staff_monthly_sheet"
S = MonthlySheet.State
ALLOWED = {S.DRAFT: {S.REVIEWED}, S.REVIEWED: {S.APPROVED, S.DRAFT}}
HEADERS = ["工号", "姓名", "岗位", "扣分", "奖励(元)", "罚款(元)", "旷工扣款(元)", "合计(元)",
           "基本工资(元)", "应发工资(元)"]
MONEY = ["reward_fen", "penalty_fen", "absence_fen", "net_fen", "base_fen", "pay_fen"]


def sheet_rows(month) -> list[dict]:
    """One row per active staff member (anyone holding a post), in a fixed number of
    queries: points, reward, confirmed penalties, absence deductions, late count, net."""
    from shopops.accounts.models import User

    month = scoring.first_of(month)
    end = scoring.next_month(month)
    people = (User.objects.filter(is_active=True, role_assignments__isnull=False).distinct()
              .prefetch_related("roles").order_by("employee_no", "pk"))

    def totals(qs, key, **aggs):
        return {r[key]: r for r in qs.values(key).annotate(**aggs)}

    scores = totals(ScoreEntry.objects.filter(month=month), "person_id",
                    points=Sum("points"), reward=Sum("reward_fen"))
    fines = totals(Penalty.objects.filter(state=Penalty.State.CONFIRMED, occurred_on__gte=month,
                                          occurred_on__lt=end), "person_id", fen=Sum("amount_fen"))
    absent = totals(Absence.objects.filter(excused=False, day__gte=month, day__lt=end),
                    "person_id", fen=Sum("deduction_fen"), days=Count("pk"))
    late = totals(Attendance.objects.filter(day__gte=month, day__lt=end),
                  "person_id", n=Count("pk", filter=Q(late_minutes__gt=0)))
    bases = base_pays([p.pk for p in people], month)
    rows = []
    for p in people:
        points = (scores.get(p.pk) or {}).get("points") or 0
        reward = (scores.get(p.pk) or {}).get("reward") or 0
        fine = (fines.get(p.pk) or {}).get("fen") or 0
        absence = (absent.get(p.pk) or {}).get("fen") or 0
        base = bases.get(p.pk, 0)
        rows.append({
            "person": p.pk, "employee_no": p.employee_no, "name": p.display_name or p.username,
            "posts": "、".join(r.name for r in p.roles.all()),
            "points": points, "reward_fen": reward, "penalty_fen": fine,
            "absence_fen": absence, "absence_days": (absent.get(p.pk) or {}).get("days") or 0,
            "late_count": (late.get(p.pk) or {}).get("n") or 0,
            # 合计 is the assessment pay (考核工资); 应发 = base + assessment (HR-KPI).
            "net_fen": reward - fine - absence,
            "base_fen": base, "pay_fen": base + reward - fine - absence,
        })
    return rows


@transaction.atomic
def draft_sheet(*, actor=None, month) -> MonthlySheet:
    """Draft (or redraft while still a draft) the sheet of `month`. A reviewed or approved
    sheet is not overwritten."""
    if actor is not None:
        require(actor, "staff.manage_scores")
    month = scoring.first_of(month)
    rows = sheet_rows(month)
    now = timezone.now()
    updated = MonthlySheet.objects.filter(month=month, state=S.DRAFT).update(
        rows=rows, drafted_at=now)
    if not updated:
        if MonthlySheet.objects.filter(month=month).exists():
            raise UserError("sheet_locked", "{month} 的奖罚评分表已审核，不能重新生成。",
                            "The sheet of {month} is already reviewed; it cannot be redrafted.",
                            month=f"{month:%Y-%m}")
        try:
            with transaction.atomic():
                MonthlySheet.objects.create(month=month, rows=rows, drafted_at=now)
        except IntegrityError as exc:  # drafted concurrently
            raise UserError("sheet_exists", "{month} 的奖罚评分表正在生成，请刷新。",
                            "The sheet of {month} is being drafted; refresh.",
                            month=f"{month:%Y-%m}") from exc
    sheet = MonthlySheet.objects.get(month=month)
    record(actor=actor, verb="sheet.drafted", obj=sheet,
           summary=f"生成 {month:%Y年%m月} 奖罚评分表：{len(rows)} 人",
           data={"rows": len(rows), "net_fen": sum(r["net_fen"] for r in rows)})
    return sheet


def _move(sheet, target, **also):
    try:
        return transition(sheet, target, ALLOWED, machine="奖罚评分表", **also)
    except IllegalTransition as exc:
        raise UserError("sheet_state", "奖罚评分表当前状态为「{state}」，不能执行此操作。",
                        "The sheet is '{state}'; this step is not possible.",
                        state=sheet.get_state_display()) from exc


@transaction.atomic
def review_sheet(*, actor, sheet) -> MonthlySheet:
    """The supervisor has checked the draft: it is frozen for approval."""
    require(actor, "staff.manage_scores")
    _move(sheet, S.REVIEWED, reviewed_by=actor, reviewed_at=timezone.now())
    record(actor=actor, verb="sheet.reviewed", obj=sheet, changes={"state": [S.DRAFT, S.REVIEWED]},
           summary=f"审核 {sheet.month:%Y年%m月} 奖罚评分表")
    return sheet


@transaction.atomic
def submit_sheet(*, actor, sheet):
    """Send a reviewed sheet to the manager's approval (one pending proposal at a time)."""
    require(actor, "staff.manage_scores")
    locked = MonthlySheet.objects.select_for_update().get(pk=sheet.pk)
    if locked.state != S.REVIEWED:
        raise UserError("sheet_not_reviewed", "请先审核奖罚评分表再提交审批。",
                        "Review the sheet before submitting it.")
    if locked.proposal_id and locked.proposal.state in ("pending", "approved", "draft"):
        raise UserError("sheet_submitted", "该奖罚评分表已在审批中。",
                        "This sheet is already waiting for approval.")
    total = sum(r["net_fen"] for r in locked.rows)
    proposal = propose(actor=actor, kind=KIND, title=f"{locked.month:%Y年%m月} 奖罚评分表",
                       payload={"sheet_id": locked.pk, "month": f"{locked.month:%Y-%m}",
                                "rows": len(locked.rows), "net_fen": total},
                       subject=locked)
    MonthlySheet.objects.filter(pk=locked.pk).update(proposal=proposal)
    sheet.proposal = proposal
    record(actor=actor, verb="sheet.submitted", obj=locked,
           summary=f"{locked.month:%Y年%m月} 奖罚评分表提交审批", data={"proposal": proposal.pk})
    return proposal


def execute_sheet(*, proposal, actor):
    sheet = MonthlySheet.objects.get(pk=proposal.payload["sheet_id"])
    _move(sheet, S.APPROVED)
    record(actor=actor, verb="sheet.approved", obj=sheet,
           changes={"state": [S.REVIEWED, S.APPROVED]},
           summary=f"{sheet.month:%Y年%m月} 奖罚评分表已批准")
    return {"sheet": sheet.pk, "state": S.APPROVED}


def reopen_sheet(*, proposal, actor):
    """Rejected by the manager: back to draft so it can be corrected and redrafted."""
    sheet = MonthlySheet.objects.filter(pk=proposal.payload.get("sheet_id")).first()
    if sheet is not None and sheet.state == S.REVIEWED:
        _move(sheet, S.DRAFT)


def with_pay(row: dict) -> dict:
    """A row drafted before base pay was part of the sheet reads as base 0."""
    return {"base_fen": 0, "pay_fen": row["net_fen"], **row}


def export_sheet(sheet) -> bytes:
    """The sheet as xlsx for payroll: Chinese headers, money in yuan with 2 decimals, a
    totals row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{sheet.month:%Y-%m}"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = [with_pay(r) for r in sheet.rows]
    for r in rows:
        ws.append([r["employee_no"], r["name"], r["posts"], r["points"],
                   *[r[k] / 100 for k in MONEY]])
    ws.append(["合计", "", "", sum(r["points"] for r in rows),
               *[sum(r[k] for r in rows) / 100 for k in MONEY]])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=4 + len(MONEY)):
        for cell in row:
            cell.number_format = "0.00"
    for col, width in zip("ABCDEFGHIJ", [10, 12, 24, 8, 12, 12, 14, 12, 14, 14], strict=True):
        ws.column_dimensions[col].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@transaction.atomic
def mark_exported(*, actor, sheet) -> MonthlySheet:
    now = timezone.now()
    MonthlySheet.objects.filter(pk=sheet.pk).update(exported_at=now)
    sheet.exported_at = now
    record(actor=actor, verb="sheet.exported", obj=sheet,
           summary=f"导出 {sheet.month:%Y年%m月} 奖罚评分表")
    return sheet


def notify_supervisors(sheet):
    from shopops.accounts.queries import users_with_roles
    from shopops.core.notify import notify

    notify(users_with_roles(["warehouse_supervisor", "cs_supervisor"]),
           title=f"{sheet.month:%Y年%m月} 奖罚评分表已生成，请审核",
           link=reverse("staff:sheet_detail", args=[f"{sheet.month:%Y-%m}"]), category="staff")
