"""Demo of the staff pages (HR-1…HR-6, HR-KPI), through the real actions as the person of
each post: this month's roster for everybody (customer service on the early/late shifts
with rotating rest days, the rest on office hours; 值班 and 值日 rotas), this week's
clock-ins with two late arrivals (their penalties proposed, one confirmed by the manager),
an out-of-office pass, leave requests (one approved, one waiting for the manager), a
penalty proposed by the warehouse supervisor, the month's warehouse scores computed from
the line's events, and last month's reward/penalty sheet drafted. Called by ops.demo after
the warehouse line's demo (people: username → User)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from shopops.core.actions.approvals import approve_proposal

from .actions import absence, attendance, leave, pay, penalties, roster, scores, sheet
from .models import Offence, Penalty, Shift

CS = ["presale_cs", "aftersale_cs", "cs_supervisor"]


def _local(day, hour, minute):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))  # local time


def load(people):
    shifts = {s.code: s for s in Shift.objects.all()}
    if "office" not in shifts or "cs_early" not in shifts:
        return
    p = people
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    boss = p["manager"]
    office = [u for code, u in p.items() if code not in CS]
    roster.fill_roster(actor=boss, people=office, first=first, last=last,
                       shift=shifts["office"])
    roster.rota_rest(actor=p["cs_supervisor"], people=[p[c] for c in CS], first=first,
                     last=last, shift=shifts["cs_early"])
    roster.rotate_duty(actor=boss, kind="duty", people=[p["warehouse_supervisor"],
                       p["cs_supervisor"], p["manager"]], first=first, last=last)
    roster.rotate_duty(actor=boss, kind="cleaning", people=[p["printer"], p["picker"],
                       p["packer"], p["verifier"], p["reviewer"]], first=first, last=last)
    _base_pay(p, first)
    days = _clock_ins(p, today)
    _leave(p, today)
    _penalty(p, today)
    _meetings(p, days)
    _targets(p, first)
    _resignation(p)
    scores.compute_month(actor=None, month=first)
    previous = (first - timedelta(days=1)).replace(day=1)
    scores.compute_month(actor=None, month=previous)
    sheet.draft_sheet(actor=None, month=previous)


# 基本工资 (yuan per month) by post, from three months back; the picker got a raise this month.
BASE_PAY = {"general_manager": 20000, "manager": 12000, "sysadmin": 9000, "editor": 6000,
            "planner": 7000, "designer": 6500, "product_manager": 8000, "cs_supervisor": 7000,
            "presale_cs": 4800, "aftersale_cs": 4800, "warehouse_supervisor": 6500,
            "reviewer": 4500, "printer": 4200, "picker": 4000, "verifier": 4200,
            "packer": 4000, "returns_receiver": 4200, "promotion": 6000, "analyst": 8000,
            "finance": 6500}


def _base_pay(p, first):
    start = first - timedelta(days=80)
    for code, yuan in BASE_PAY.items():
        if code in p:
            boss = p["general_manager"] if code == "manager" else p["manager"]
            pay.set_base_pay(actor=boss, person=p[code], base_fen=yuan * 100,
                             effective_from=start, note="入职定薪")
    pay.set_base_pay(actor=p["manager"], person=p["picker"], base_fen=420000,
                     effective_from=first, note="转正调薪")


def _clock_ins(p, today):
    """The last three working days: everybody clocks in and out, two arrive late."""
    from .actions.attendance import shift_for, shift_window
    from .calendar import is_working_day

    days, day = [], today - timedelta(days=1)
    while len(days) < 3:
        if is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    late = {("picker", days[1]): 7, ("presale_cs", days[0]): 12}
    for day in reversed(days):
        for code, person in p.items():
            shift, _ = shift_for(person, day)
            if shift is None:  # a rest day on the roster
                continue
            start, end = shift_window(shift, day)
            minutes = late.get((code, day), -4 - len(code) % 6)
            attendance.clock_in(actor=person, at=start + timedelta(minutes=minutes))
            attendance.clock_out(actor=person, at=end + timedelta(minutes=2 + len(code) % 9))
    absence.detect_absences(day=days[0])
    late = Penalty.objects.filter(state="proposed", person=p["picker"]).first()
    if late is not None:
        penalties.confirm_penalty(actor=p["manager"], penalty=late,
                                  note="打卡记录属实，按处罚条例执行")
    attendance.open_out_pass(actor=p["packer"], person=p["packer"],
                             reason="去快递网点送加急件", start=_local(today, 10, 0))
    return days


def _leave(p, today):
    monday = today + timedelta(days=7 - today.weekday())
    approved = leave.request_leave(actor=p["verifier"], kind="personal", start=monday,
                                   end=monday, reason="孩子学校开家长会")
    approve_proposal(actor=p["manager"], proposal=approved.proposal, comment="同意，注意交接")
    leave.request_leave(actor=p["presale_cs"], kind="personal",
                        start=_local(monday + timedelta(days=2), 14, 0),
                        end=_local(monday + timedelta(days=2), 16, 0),
                        reason="去银行办理业务")


def _penalty(p, today):
    offence = Offence.objects.filter(code="eating_at_desk").first()
    if offence is not None:
        penalties.propose_penalty(actor=p["warehouse_supervisor"], person=p["packer"],
                                  offence=offence, occurred_on=today - timedelta(days=1),
                                  evidence="12:40 在打包台吃午饭，已口头提醒一次")


def _meetings(p, days):
    """The morning meetings of those days (one person missed the last one), a training
    with its results."""
    from .actions import meetings

    held = meetings.schedule_morning_meetings(actor=p["manager"], first=days[-1],
                                              last=days[0])
    for meeting in held:
        present = [a.person for a in meeting.attendees.select_related("person")]
        if meeting is held[-1]:
            present = [u for u in present if u.pk != p["designer"].pk]
        meetings.take_attendance(actor=p["manager"], meeting=meeting, present=present)
    if held:
        meetings.record_minutes(actor=p["manager"], meeting=held[-1],
                                minutes="1. 双十二备货节奏；2. 审单 16:00 前清零；3. 客服晚班交接。")
    training = meetings.schedule_meeting(
        actor=p["manager"], kind="training", title="新版验货台与拦截流程培训",
        starts_at=_local(days[1], 15, 0), place="三楼会议室", host=p["warehouse_supervisor"],
        posts=["verifier", "packer", "picker", "reviewer"])
    people_in = [a.person for a in training.attendees.select_related("person")]
    meetings.take_attendance(actor=p["manager"], meeting=training, present=people_in)
    meetings.record_training_results(actor=p["manager"], meeting=training, results=[
        {"person": person, "score": 95 - 8 * n, "note": ""} for n, person in enumerate(people_in)])


def _targets(p, first):
    from .actions import plans

    plans.set_target(actor=p["manager"], person=None, month=first, metric="sales_fen",
                     target=120_000_00, note="部门 11 月销售目标")
    plans.set_target(actor=p["manager"], person=p["presale_cs"], month=first,
                     metric="orders", target=600, note="售前客服成交单数")
    plans.set_target(actor=p["manager"], person=p["reviewer"], month=first,
                     metric="reviewed", target=3000)
    plans.set_target(actor=p["manager"], person=p["packer"], month=first, metric="shipped",
                     target=2800)


def _resignation(p):
    """The designer resigns with a month's notice; the manager accepts; the handover of the
    design files has started."""
    from .actions import plans

    resignation = plans.submit_resignation(actor=p["designer"], reason="家里搬迁到成都")
    resignation = plans.accept_resignation(actor=p["manager"], resignation=resignation)
    plans.tick_handover_item(actor=p["designer"], resignation=resignation, index=0)
