"""HR-KPI: the monthly reward/penalty sheet (奖罚评分表) — drafted by the system, reviewed
by the supervisor, approved by the manager, exported as xlsx for payroll."""

from datetime import date, datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shopops.core.actions.approvals import approve_proposal, reject_proposal
from shopops.core.errors import UserError
from shopops.core.models import Notification
from shopops.staff.actions.pay import set_base_pay
from shopops.staff.actions.sheet import draft_sheet, review_sheet, submit_sheet
from shopops.staff.jobs_scores import run_scores
from shopops.staff.models import Absence, Attendance, MonthlySheet, Offence, Penalty, ScoreEntry

OCT = date(2026, 10, 1)


@pytest.fixture
def month_data(people):
    """赵敏 −5 and a 100-yuan reward; 冯涛 a confirmed 10-yuan fine, one absence (¥150)
    and a late day; a proposed fine that must not count."""
    people.reviewer.employee_no = "W001"
    people.reviewer.save()
    ScoreEntry.objects.bulk_create([
        ScoreEntry(person=people.reviewer, month=OCT, rule="FUL-1.same_day", points=-5,
                   note="x"),
        ScoreEntry(person=people.reviewer, month=OCT, rule="FUL-1.reward", reward_fen=10000,
                   note="y")])
    late = Offence.objects.get(code="late_early")
    Penalty.objects.create(person=people.packer, offence=late, amount_fen=1000,
                           occurred_on=date(2026, 10, 3), evidence="迟到", state="confirmed")
    Penalty.objects.create(person=people.packer, offence=late, amount_fen=5000,
                           occurred_on=date(2026, 10, 4), evidence="待定")
    Absence.objects.create(person=people.packer, day=date(2026, 10, 5), deduction_fen=15000)
    Attendance.objects.create(person=people.packer, day=date(2026, 10, 6), late_minutes=7)
    return people


def row(sheet, person):
    return next(r for r in sheet.rows if r["person"] == person.pk)


def test_hrkpi_sheet_draft_sums_points_rewards_fines_and_absences(month_data):
    p = month_data
    sheet = draft_sheet(actor=None, month=date(2026, 10, 20))

    assert sheet.month == OCT and sheet.state == "draft"
    r = row(sheet, p.reviewer)
    assert (r["employee_no"], r["name"], r["posts"], r["points"], r["reward_fen"],
            r["net_fen"]) == ("W001", "赵敏", "审单员", -5, 10000, 10000)
    r = row(sheet, p.packer)
    assert (r["penalty_fen"], r["absence_fen"], r["absence_days"], r["late_count"],
            r["net_fen"]) == (1000, 15000, 1, 1, -16000)
    assert len(sheet.rows) == 13  # everyone holding a post


def test_hrkpi_sheet_review_approve_and_export(month_data, client_for):
    p = month_data
    set_base_pay(actor=p.boss, person=p.reviewer, base_fen=400000, effective_from=OCT)
    sheet = draft_sheet(actor=None, month=OCT)
    with pytest.raises(UserError):
        submit_sheet(actor=p.wh_boss, sheet=sheet)  # not reviewed yet

    review_sheet(actor=p.wh_boss, sheet=sheet)
    with pytest.raises(UserError) as err:
        draft_sheet(actor=None, month=OCT)
    assert err.value.message == "2026-10 的奖罚评分表已审核，不能重新生成。"
    proposal = submit_sheet(actor=p.wh_boss, sheet=sheet)
    response = client_for(p.wh_boss).get(reverse("staff:sheet_export", args=["2026-10"]),
                                          follow=True)
    assert "奖罚评分表经经理批准后才能导出。" in response.content.decode()

    approve_proposal(actor=p.boss, proposal=proposal)
    sheet.refresh_from_db()
    assert sheet.state == "approved"

    response = client_for(p.finance).get(reverse("staff:sheet_export", args=["2026-10"]))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0] == ["工号", "姓名", "岗位", "扣分", "奖励(元)", "罚款(元)", "旷工扣款(元)",
                         "合计(元)", "基本工资(元)", "应发工资(元)"]
    # 赵敏 has a base pay of ¥4,000.00: 应发 = base + assessment; the others have none yet.
    assert ["W001", "赵敏", "审单员", -5, 100, 0, 0, 100, 4000, 4100] in values
    assert [None, "冯涛", "打包员", 0, 0, 10, 150, -160, 0, -160] in values  # no 工号: empty cell
    assert values[-1] == ["合计", None, None, -5, 100, 10, 150, -60, 4000, 3940]
    assert ws["H2"].number_format == "0.00"
    assert MonthlySheet.objects.get().exported_at is not None


def test_hrkpi_rejected_sheet_goes_back_to_draft(month_data):
    sheet = draft_sheet(actor=None, month=OCT)
    review_sheet(actor=month_data.wh_boss, sheet=sheet)
    proposal = submit_sheet(actor=month_data.wh_boss, sheet=sheet)

    reject_proposal(actor=month_data.boss, proposal=proposal, comment="冯涛的旷工待核实")

    assert MonthlySheet.objects.get().state == "draft"
    assert draft_sheet(actor=None, month=OCT).state == "draft"


def test_hrkpi_the_day_before_payday_drafts_last_month_and_tells_supervisors(month_data):
    tz = timezone.get_default_timezone()
    run_scores(now=timezone.make_aware(datetime(2026, 11, 9, 1, 30), tz))

    sheet = MonthlySheet.objects.get()
    assert (sheet.month, sheet.state) == (OCT, "draft")
    note = Notification.objects.get(recipient=month_data.wh_boss)
    assert note.title == "2026年10月 奖罚评分表已生成，请审核"
    assert note.link == reverse("staff:sheet_detail", args=["2026-10"])

    run_scores(now=timezone.make_aware(datetime(2026, 11, 10, 1, 30), tz))
    assert MonthlySheet.objects.count() == 1


def test_hrkpi_sheet_page_shows_rows_and_buttons(month_data, client_for,
                                                 django_assert_max_num_queries):
    draft_sheet(actor=None, month=OCT)
    client = client_for(month_data.wh_boss)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("staff:sheet_detail", args=["2026-10"]))
    html = page.content.decode()
    assert 'data-testid="sheet-review"' in html and 'data-testid="sheet-export"' not in html
    assert "-¥160.00" in html
    response = client.post(reverse("staff:sheet_action", args=["2026-10"]), {"op": "review"},
                           follow=True)
    assert "已审核，可提交经理审批。" in response.content.decode()
    assert 'data-testid="sheet-submit"' in response.content.decode()
    assert client.get(reverse("staff:sheet_detail", args=["bad"])).status_code == 404
