"""HR-6: penalties are proposed with evidence and count only once the manager confirms;
nobody decides a penalty on themselves or one they proposed."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.models import Event
from shopops.staff.actions.penalties import (
    confirm_penalty,
    propose_penalty,
    reject_penalty,
    update_offence,
)
from shopops.staff.actions.sheet import sheet_rows
from shopops.staff.models import Offence, Penalty

DAY = date(2026, 10, 12)


@pytest.fixture
def late():
    return Offence.objects.get(code="late_early")


def row_of(person, month=DAY):
    return next(r for r in sheet_rows(month) if r["person"] == person.pk)


def test_hr6_propose_uses_the_offence_amount_and_needs_evidence(people, late):
    with pytest.raises(UserError) as err:
        propose_penalty(actor=people.cs_boss, person=people.cs, offence=late,
                        occurred_on=DAY, evidence="  ")
    assert err.value.message == "请填写证据或情况说明。"
    assert not Penalty.objects.exists()

    penalty = propose_penalty(actor=people.cs_boss, person=people.cs, offence=late,
                              occurred_on=DAY, evidence="10月12日 8:42 打卡，迟到 12 分钟")

    assert (penalty.amount_fen, penalty.state, penalty.proposed_by) == (
        1000, "proposed", people.cs_boss)
    event = Event.objects.get(verb="penalty.proposed")
    assert event.summary == "提出处罚：刘洋 迟到/早退 10.00 元（2026-10-12）"


def test_hr6_confirmed_penalty_counts_on_the_sheet_rejected_does_not(people, late):
    counted = propose_penalty(actor=people.cs_boss, person=people.cs, offence=late,
                              occurred_on=DAY, evidence="迟到 12 分钟", amount_fen=2000)
    dropped = propose_penalty(actor=people.cs_boss, person=people.cs, offence=late,
                              occurred_on=DAY, evidence="打卡机故障")
    assert row_of(people.cs)["penalty_fen"] == 0  # proposed: not yet

    confirm_penalty(actor=people.boss, penalty=counted)
    reject_penalty(actor=people.boss, penalty=dropped, note="打卡机故障，已核实")

    counted.refresh_from_db()
    dropped.refresh_from_db()
    assert (counted.state, counted.decided_by) == ("confirmed", people.boss)
    assert (dropped.state, dropped.decision_note) == ("rejected", "打卡机故障，已核实")
    assert row_of(people.cs)["penalty_fen"] == 2000
    assert row_of(people.cs)["net_fen"] == -2000


def test_hr6_nobody_confirms_their_own_or_one_they_proposed(people, late, make_user):
    on_boss = propose_penalty(actor=people.wh_boss, person=people.boss, offence=late,
                              occurred_on=DAY, evidence="晨会迟到")
    by_boss = propose_penalty(actor=people.boss, person=people.cs, offence=late,
                              occurred_on=DAY, evidence="迟到")

    with pytest.raises(UserError) as err:
        confirm_penalty(actor=people.boss, penalty=on_boss)
    assert err.value.message == "不能确认或驳回对自己的处罚。"
    with pytest.raises(UserError) as err:
        confirm_penalty(actor=people.boss, penalty=by_boss)
    assert err.value.message == "提出处罚的人不能自己确认或驳回，请由另一位经理处理。"
    with pytest.raises(UserError):
        confirm_penalty(actor=people.wh_boss, penalty=by_boss)  # no staff.confirm_penalty
    assert set(Penalty.objects.values_list("state", flat=True)) == {"proposed"}

    confirm_penalty(actor=people.gm, penalty=on_boss)
    assert Penalty.objects.get(pk=on_boss.pk).state == "confirmed"


def test_hr6_a_penalty_is_decided_only_once(people, late):
    penalty = propose_penalty(actor=people.cs_boss, person=people.cs, offence=late,
                              occurred_on=DAY, evidence="迟到")
    confirm_penalty(actor=people.boss, penalty=penalty)
    stale = Penalty.objects.get(pk=penalty.pk)
    stale.state = "proposed"  # a second manager's page still shows it open

    with pytest.raises(UserError) as err:
        reject_penalty(actor=people.gm, penalty=stale, note="重复")
    assert err.value.message == "该处罚已处理（已确认），不能重复处理。"
    assert Penalty.objects.get(pk=penalty.pk).state == "confirmed"
    assert Event.objects.filter(verb__in=["penalty.confirmed", "penalty.rejected"]).count() == 1


def test_hr6_pages_propose_and_confirm(people, late, client_for):
    boss_page = client_for(people.cs_boss)
    response = boss_page.post(reverse("staff:penalty_propose"), {
        "person": people.cs.pk, "offence": late.pk, "occurred_on": "2026-10-12",
        "amount": "", "evidence": "迟到 12 分钟"}, follow=True)
    assert "已提出处罚：刘洋 迟到/早退，待经理确认。" in response.content.decode()
    penalty = Penalty.objects.get()
    assert 'data-testid="confirm-' not in response.content.decode()  # a supervisor

    manager = client_for(people.boss)
    page = manager.get(reverse("staff:penalty_list"))
    assert f'data-testid="confirm-{penalty.pk}"' in page.content.decode()
    response = manager.post(reverse("staff:penalty_decide", args=[penalty.pk]),
                            {"decision": "confirm"}, follow=True)
    assert "已确认处罚，将计入当月奖罚评分表。" in response.content.decode()
    assert Penalty.objects.get().state == "confirmed"
    assert client_for(people.cs).post(
        reverse("staff:penalty_decide", args=[penalty.pk]), {"decision": "reject"}
    ).status_code == 403


def test_hr6_offence_amount_is_edited_by_the_manager(people, late, client_for):
    response = client_for(people.boss).post(reverse("staff:offence_update", args=[late.pk]),
                                            {"amount": "20", "active": "on"}, follow=True)
    assert "已修改「迟到/早退」。" in response.content.decode()
    assert Offence.objects.get(pk=late.pk).amount_fen == 2000
    assert client_for(people.cs_boss).post(reverse("staff:offence_update", args=[late.pk]),
                                           {"amount": "1"}).status_code == 403
    with pytest.raises(UserError):
        update_offence(actor=people.boss, offence=late, amount_fen=0)


def test_hr6_penalty_list_queries_are_bounded(people, late, make_user, client_for,
                                              django_assert_max_num_queries):
    for n in range(40):
        Penalty.objects.create(person=make_user(roles=["packer"]), offence=late,
                               amount_fen=1000, occurred_on=timezone.localdate(),
                               evidence=f"证据 {n}", proposed_by=people.cs_boss)
    client = client_for(people.boss)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("staff:penalty_list"))
    assert page.content.decode().count('data-testid="penalty-') - 2 == 40  # form, table
