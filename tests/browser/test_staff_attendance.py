"""HR-3 / HR-6 in a real browser: a CS agent clocks in late on the real page, the manager
sees the late mark and the proposed penalty on the attendance sheet, confirms it on the
penalty page, and the sheet then shows it confirmed (−¥10.00)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.staff.models import Attendance, Penalty, RosterEntry, Shift
from tests.browser.conftest import login
from tests.conftest import PASSWORD


def test_hr3_late_clock_in_seen_by_the_manager_and_confirmed(new_page, make_user, shot):
    now = timezone.localtime()
    if now.hour == 0 and now.minute < 15:
        pytest.skip("the shift must start on the same day as the click")
    start = (now.replace(second=0, microsecond=0) - timedelta(minutes=7))
    end = start + timedelta(hours=2)
    shift = Shift.objects.get(code="cs_early")
    Shift.objects.filter(pk=shift.pk).update(start=start.time(), end=end.time())
    agent = make_user(roles=["presale_cs"], username="liuyang", display_name="刘洋")
    make_user(roles=["manager"], username="wangjg", display_name="王建国")
    RosterEntry.objects.create(person=agent, day=now.date(), shift=shift)

    page = new_page()
    login(page, "liuyang", PASSWORD)
    page.goto("/staff/my-attendance/")
    assert "客服早班" in page.inner_text("[data-testid=clock-card]")
    page.click("[data-testid=clock-in]")
    page.wait_for_load_state("networkidle")
    row = Attendance.objects.get(person=agent)
    assert row.late_minutes in (7, 8)
    late = f"迟到 {row.late_minutes} 分钟"
    assert late in page.inner_text("[data-testid=late-mark]")
    assert late in page.content()  # the message and the month's records
    assert page.is_disabled("[data-testid=clock-in]")
    shot(page, "clocked-in-late")

    boss = new_page()
    login(boss, "wangjg", PASSWORD)
    # The roster shows the late arrival in the agent's cell for today.
    boss.goto(f"/staff/roster/?month={now:%Y-%m}&post=presale_cs")
    cell = boss.locator(f"[data-testid=roster-cell][data-person='{agent.pk}']"
                        f"[data-day='{now:%Y-%m-%d}'] [data-testid=roster-late]")
    assert cell.inner_text() == f"迟{row.late_minutes}"
    assert cell.get_attribute("title") == f"迟到 {row.late_minutes} 分钟"
    shot(boss, "roster-late")
    boss.goto(f"/staff/attendance-sheet/?month={now:%Y-%m}&post=presale_cs")
    sheet_row = boss.locator("[data-testid=sheet-row-liuyang]")
    assert f"迟到 1 次 / {row.late_minutes} 分钟" in sheet_row.inner_text()
    assert "待确认 1 笔 ¥10.00" in sheet_row.locator("[data-testid=penalties]").inner_text()
    shot(boss, "sheet-proposed")

    penalty = Penalty.objects.get(person=agent)
    boss.goto("/staff/penalty-list/")
    assert late in boss.inner_text(f"[data-testid=penalty-{penalty.pk}]")
    boss.click(f"[data-testid=confirm-{penalty.pk}]")
    boss.wait_for_load_state("networkidle")
    assert "已确认处罚" in boss.content()
    penalty.refresh_from_db()
    assert penalty.state == Penalty.State.CONFIRMED

    boss.goto(f"/staff/attendance-sheet/?month={now:%Y-%m}&post=presale_cs")
    cell = boss.locator("[data-testid=sheet-row-liuyang] [data-testid=penalties]").inner_text()
    assert cell == "已确认 1 笔 −¥10.00"
    shot(boss, "sheet-confirmed")
    boss.click("[data-testid=sheet-row-liuyang] a")
    assert late in boss.inner_text("[data-testid=person-records]")
    shot(boss, "person")
    page.goto("/staff/leave-list/")
    page.click("[data-testid=leave-submit]")  # the browser asks for the date and reason
    assert "/staff/leave-list/" in page.url
    shot(page, "leave")
