"""HR-KPI "salary = base + assessment pay": base pay set by the manager from a month on,
kept as history; 旷工 costs base ÷ full-attendance days; the monthly sheet adds it up."""

from datetime import date

import pytest

from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.staff.actions.absence import detect_absences
from shopops.staff.actions.pay import base_pay_on, set_base_pay
from shopops.staff.actions.sheet import draft_sheet
from shopops.staff.models import Absence, BasePay, RosterEntry


def test_hrkpi_base_pay_applies_from_its_month_and_keeps_history(people):
    set_base_pay(actor=people.boss, person=people.picker, base_fen=380000,
                 effective_from=date(2026, 9, 15), note="入职")
    set_base_pay(actor=people.boss, person=people.picker, base_fen=420000,
                 effective_from=date(2026, 11, 1), note="转正调薪")
    assert base_pay_on(people.picker.pk, date(2026, 8, 1)) is None
    assert base_pay_on(people.picker.pk, date(2026, 9, 1)) == 380000  # from September on
    assert base_pay_on(people.picker.pk, date(2026, 10, 31)) == 380000
    assert base_pay_on(people.picker.pk, date(2026, 12, 1)) == 420000
    assert BasePay.objects.filter(person=people.picker).count() == 2
    event = Event.objects.filter(verb="staff.base_pay_set").latest("pk")
    assert event.actor == people.boss and event.changes == {"base_fen": [380000, 420000]}
    assert "自 2026年11月 起基本工资 4200.00 元" in event.summary


def test_hrkpi_base_pay_is_the_managers_and_must_be_positive(people):
    for somebody in (people.wh_boss, people.finance, people.picker):
        with pytest.raises(PermissionDeniedError):
            set_base_pay(actor=somebody, person=people.picker, base_fen=100,
                         effective_from=date(2026, 10, 1))
    with pytest.raises(UserError) as exc:
        set_base_pay(actor=people.boss, person=people.picker, base_fen=0,
                     effective_from=date(2026, 10, 1))
    assert exc.value.code == "bad_base_pay"
    with pytest.raises(UserError) as exc:
        set_base_pay(actor=people.boss, person=people.boss, base_fen=1200000,
                     effective_from=date(2026, 10, 1))
    assert exc.value.message == "不能设置自己的基本工资，请由上级设置。"
    set_base_pay(actor=people.gm, person=people.boss, base_fen=1200000,
                 effective_from=date(2026, 10, 1))  # the general manager sets the manager's
    assert list(BasePay.objects.values_list("person__username", flat=True)) == ["wangjg"]


def test_hr4_absence_costs_base_pay_over_full_attendance_days(people, shifts, settings):
    day = date(2026, 10, 13)  # a Tuesday
    set_base_pay(actor=people.boss, person=people.picker, base_fen=390000,
                 effective_from=date(2026, 10, 1))
    for person in (people.picker, people.packer):
        RosterEntry.objects.create(person=person, day=day, shift=shifts["office"])
    assert detect_absences(day=day) == 2
    deductions = dict(Absence.objects.values_list("person__username", "deduction_fen"))
    assert deductions == {"zhouqiang": 15000,  # ¥3,900 ÷ 26 days
                          "fengtao": 15000}  # no base pay: the flat setting (¥150)
    set_base_pay(actor=people.boss, person=people.packer, base_fen=400000,
                 effective_from=date(2026, 10, 1))
    RosterEntry.objects.create(person=people.packer, day=date(2026, 10, 14),
                               shift=shifts["office"])
    detect_absences(day=date(2026, 10, 14))
    assert Absence.objects.get(person=people.packer, day=date(2026, 10, 14)).deduction_fen \
        == 15385  # ¥4,000 ÷ 26 = ¥153.846… → ¥153.85


def test_hrkpi_sheet_pay_is_base_plus_assessment(people):
    set_base_pay(actor=people.boss, person=people.packer, base_fen=400000,
                 effective_from=date(2026, 10, 1))
    Absence.objects.create(person=people.packer, day=date(2026, 10, 5), deduction_fen=15385)
    sheet = draft_sheet(actor=None, month=date(2026, 10, 1))
    row = next(r for r in sheet.rows if r["person"] == people.packer.pk)
    assert (row["base_fen"], row["net_fen"], row["pay_fen"]) == (400000, -15385, 384615)


def test_hrkpi_pay_page_lists_and_sets(people, client_for, django_assert_max_num_queries):
    set_base_pay(actor=people.boss, person=people.picker, base_fen=380000,
                 effective_from=date(2026, 9, 1))
    finance = client_for(people.finance)
    with django_assert_max_num_queries(12):
        html = finance.get("/staff/pay/").content.decode()
    assert "¥3,800.00" in html and "周强" in html and "/set/" not in html  # finance only reads
    assert client_for(people.picker).get("/staff/pay/").status_code == 403
    boss = client_for(people.boss)
    response = boss.post(f"/staff/pay/{people.packer.pk}/set/",
                         {"effective_from": "2026-10", "base": "4,000", "note": "入职"},
                         follow=True)
    assert "已设置 冯涛 的基本工资。" in response.content.decode()
    assert BasePay.objects.get(person=people.packer).base_fen == 400000
    response = boss.post(f"/staff/pay/{people.packer.pk}/set/",
                         {"effective_from": "2026-10", "base": "四千"}, follow=True)
    assert "金额格式不正确：四千" in response.content.decode()
    assert BasePay.objects.get(person=people.packer).base_fen == 400000
