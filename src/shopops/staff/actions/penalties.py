"""Penalties (HR-6): proposed with evidence, counted only once the manager confirms them.
Nobody decides a penalty on themselves or one they proposed (two-person rule)."""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.errors import IllegalTransition, UserError
from shopops.core.events import record
from shopops.core.states import transition

from ..models import Offence, Penalty

P = Penalty.State
ALLOWED = {P.PROPOSED: {P.CONFIRMED, P.REJECTED}}


def _name(user):
    return getattr(user, "display_name", "") or user.get_username()


@transaction.atomic
def propose_penalty(*, actor, person, offence, occurred_on, evidence, amount_fen=None,
                    source="") -> Penalty:
    """Record a penalty for `person`; the amount defaults to the offence's (处罚条例)."""
    if actor is not None:
        require(actor, "staff.propose_penalty")
    evidence = (evidence or "").strip()
    if not evidence:
        raise UserError("penalty_evidence", "请填写证据或情况说明。",
                        "Evidence is required for a penalty.")
    if person is None:
        raise UserError("penalty_person", "请选择员工。", "Choose the person.")
    if occurred_on is None or occurred_on > timezone.localdate():
        raise UserError("penalty_date", "请填写发生日期（不能晚于今天）。",
                        "Give the date it happened (not in the future).")
    amount = offence.amount_fen if amount_fen is None else int(amount_fen)
    if amount <= 0:
        raise UserError("penalty_amount", "罚款金额必须大于 0。", "The amount must be above 0.")
    penalty = Penalty.objects.create(
        person=person, offence=offence, amount_fen=amount, occurred_on=occurred_on,
        evidence=evidence, proposed_by=actor if actor is not None else None, source=source)
    record(actor=actor, verb="penalty.proposed", obj=penalty,
           summary=f"提出处罚：{_name(person)} {offence.name} {amount / 100:.2f} 元"
                   f"（{occurred_on:%Y-%m-%d}）",
           data={"person": person.pk, "offence": offence.code, "amount_fen": amount,
                 "occurred_on": occurred_on, "evidence": evidence[:300]})
    return penalty


def _decide(actor, penalty, target, note, verb, word):
    require(actor, "staff.confirm_penalty")
    if actor.pk == penalty.person_id:
        raise UserError("penalty_own", "不能确认或驳回对自己的处罚。",
                        "Nobody decides a penalty on themselves.")
    if actor.pk == penalty.proposed_by_id:
        raise UserError("penalty_proposer", "提出处罚的人不能自己确认或驳回，请由另一位经理处理。",
                        "The person who proposed a penalty may not decide it.")
    if penalty.state != P.PROPOSED:
        raise UserError("penalty_decided", "该处罚已处理（{state}），不能重复处理。",
                        "This penalty was already decided ({state}).",
                        state=penalty.get_state_display())
    try:
        transition(penalty, target, ALLOWED, decided_by=actor, decided_at=timezone.now(),
                   decision_note=(note or "")[:300])
    except IllegalTransition as exc:  # lost the race to another decider
        penalty.refresh_from_db()
        raise UserError("penalty_decided", "该处罚已处理（{state}），不能重复处理。",
                        "This penalty was already decided ({state}).",
                        state=penalty.get_state_display()) from exc
    record(actor=actor, verb=verb, obj=penalty, changes={"state": [P.PROPOSED, target]},
           summary=f"{word}处罚：{penalty.person} {penalty.amount_fen / 100:.2f} 元",
           data={"note": note or "", "amount_fen": penalty.amount_fen})
    return penalty


@transaction.atomic
def confirm_penalty(*, actor, penalty, note="") -> Penalty:
    """The manager confirms: from now on the amount counts on the monthly sheet."""
    return _decide(actor, penalty, P.CONFIRMED, note, "penalty.confirmed", "确认")


@transaction.atomic
def reject_penalty(*, actor, penalty, note) -> Penalty:
    if not (note or "").strip():
        raise UserError("penalty_reject_note", "驳回处罚请写明原因。",
                        "Say why the penalty is rejected.")
    return _decide(actor, penalty, P.REJECTED, note.strip(), "penalty.rejected", "驳回")


@transaction.atomic
def update_offence(*, actor, offence, amount_fen, active=True) -> Offence:
    """Change a line of the 处罚条例 (its default amount; penalties already proposed keep
    theirs)."""
    require(actor, "staff.manage_calendar")
    amount = int(amount_fen)
    if amount <= 0:
        raise UserError("penalty_amount", "罚款金额必须大于 0。", "The amount must be above 0.")
    before = {"amount_fen": offence.amount_fen, "active": offence.active}
    Offence.objects.filter(pk=offence.pk).update(amount_fen=amount, active=bool(active))
    offence.amount_fen, offence.active = amount, bool(active)
    record(actor=actor, verb="offence.updated", obj=offence,
           summary=f"修改处罚条例「{offence.name}」：{amount / 100:.2f} 元",
           changes={k: [v, getattr(offence, k)] for k, v in before.items()
                    if v != getattr(offence, k)})
    return offence
