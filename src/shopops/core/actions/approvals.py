"""The approval engine (APR-1, APR-2): propose → approve (one or more steps) → execute.

Every function is one transaction and records an event (ROLE-4). Moves use conditional
UPDATEs on (state, step_index) so two approvers clicking at once cannot both advance a
step, and two executors cannot both execute.
"""

from django.db import transaction
from django.utils import timezone

from shopops.accounts.queries import users_with_roles

from .. import events
from ..approvals import KINDS, chain_for, kind_label
from ..errors import ConflictError, NotFoundError, PermissionDeniedError, UserError
from ..models import Proposal, ProposalAction
from ..notify import notify
from ..queries_approvals import can_view, public_payload, waiting_for  # noqa: F401 (re-export)
from .deadlines import cancel_deadlines_for, meet_deadline

S = Proposal.State


def _kind(code):
    kind = KINDS.get(code)
    if kind is None:
        raise NotFoundError("unknown_kind", "未知的申请类型：{kind}", "Unknown proposal kind: {kind}",
                            kind=code)
    return kind


def _log(proposal, verb, actor, comment="", step_index=None):
    return ProposalAction.objects.create(proposal=proposal, verb=verb, actor=actor,
                                         comment=comment, step_index=step_index)


def _move(proposal, *, from_state, from_step=None, **changes):
    """Conditional update: only if the proposal is still where we saw it."""
    match = {"pk": proposal.pk, "state": from_state}
    if from_step is not None:
        match["step_index"] = from_step
    if Proposal.objects.filter(**match).update(**changes) != 1:
        raise ConflictError("proposal_changed", "该申请已被他人处理，请刷新后查看。",
                            "This proposal was handled by someone else; reload to see it.")
    tracked = [key for key in ("state", "step_index") if key in changes]
    before = {key: getattr(proposal, key) for key in tracked}
    for key, value in changes.items():
        setattr(proposal, key, value)
    # The audit trail's before/after (ROLE-4) of what a reader cares about.
    return events.diff(before, {key: changes[key] for key in tracked})


def _approver_ids(proposal) -> set[int]:
    return set(proposal.actions.filter(verb=ProposalAction.Verb.APPROVE)
               .values_list("actor_id", flat=True))


def _notify_step(proposal):
    """Tell the people who may decide the current step (never the proposer, nor someone
    who already approved an earlier step: they may not approve this one)."""
    step = proposal.current_step
    if not step:
        return
    skip = _approver_ids(proposal) | {proposal.proposer_id}
    people = [p for p in users_with_roles(step["roles"]) if p.pk not in skip]
    notify(people, title=f"待您审批：{proposal.title}",
           body=f"{kind_label(proposal.kind)} · {step.get('label', '')} · 申请人 {proposal.proposer}",
           link=proposal.get_absolute_url(), category="approval")


def can_propose(user, kind: str) -> bool:
    roles = chain_for(kind).get("proposer_roles") or []
    return not roles or user.has_role(*roles)


def _check_proposer(actor, spec, chain):
    if chain.get("proposer_roles") and not actor.has_role(*chain["proposer_roles"]):
        raise PermissionDeniedError("not_a_proposer", "您的岗位不能提出「{kind}」申请。",
                                    "Your role may not propose '{kind}'.", kind=spec.label)
    if not chain.get("steps"):
        raise UserError("chain_without_steps", "「{kind}」的审批流程没有审批步骤，请联系系统管理员。",
                        "The approval chain of '{kind}' has no steps; ask the administrator.",
                        kind=spec.label)


def propose(*, actor, kind: str, title: str, payload: dict, reason: str = "", subject=None,
            submit: bool = True) -> Proposal:
    """Create a proposal and (by default) submit it to the first step of its chain."""
    spec = _kind(kind)
    chain = chain_for(kind)
    _check_proposer(actor, spec, chain)
    title = (title or "").strip()
    if not title:
        raise UserError("title_required", "请填写申请标题。", "A title is required.")
    if spec.validate:
        spec.validate(payload=payload, actor=actor)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            kind=kind, title=title[:200], proposer=actor, payload=payload,
            reason=(reason or "").strip(), chain=chain,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
        )
        events.record(actor=actor, verb="proposal.created", obj=proposal,
                      summary=f"提出{spec.label}申请：{proposal.title}",
                      changes={"state": [None, S.DRAFT]},
                      data={"kind": kind, "payload": public_payload(kind, payload),
                            "reason": proposal.reason})
        if submit:
            _submit(proposal, actor, chain)
    return proposal


def _submit(proposal, actor, chain):
    changes = _move(proposal, from_state=S.DRAFT, state=S.PENDING, step_index=0, chain=chain,
                    submitted_at=timezone.now())
    _log(proposal, ProposalAction.Verb.SUBMIT, actor, step_index=0)
    events.record(actor=actor, verb="proposal.submitted", obj=proposal, changes=changes,
                  summary=f"提交审批：{proposal.title}",
                  data={"steps": [s.get("label", "") for s in chain.get("steps", [])]})
    _notify_step(proposal)


@transaction.atomic
def submit_proposal(*, actor, proposal: Proposal) -> Proposal:
    """Submit a draft. The chain in force now is the one it follows (the snapshot)."""
    if actor.pk != proposal.proposer_id:
        raise PermissionDeniedError("not_proposer", "只有申请人可以提交。",
                                    "Only the proposer may submit.")
    if proposal.state != S.DRAFT:
        raise ConflictError("not_draft", "该申请当前状态为「{state}」，不能再提交。",
                            "A '{state}' proposal cannot be submitted.",
                            state=proposal.get_state_display())
    spec = _kind(proposal.kind)
    chain = chain_for(proposal.kind)
    _check_proposer(actor, spec, chain)
    if spec.validate:
        spec.validate(payload=proposal.payload, actor=actor)
    _submit(proposal, actor, chain)
    return proposal


def _check_decider(proposal, actor):
    if proposal.state != S.PENDING:
        raise ConflictError("not_pending", "该申请当前状态为「{state}」，不能审批。",
                            "This proposal is '{state}' and cannot be decided.",
                            state=proposal.get_state_display())
    if actor.pk == proposal.proposer_id:
        raise PermissionDeniedError("self_approval", "不能审批自己提出的申请。",
                                    "Nobody approves their own proposal.")
    step = proposal.current_step
    if step is None:
        raise ConflictError("no_current_step", "该申请没有待审批的步骤。",
                            "This proposal has no step waiting for a decision.")
    if not actor.has_role(*step.get("roles", [])):
        raise PermissionDeniedError("not_an_approver", "您不是「{step}」这一步的审批人。",
                                    "You are not an approver of step '{step}'.",
                                    step=step.get("label", ""))


@transaction.atomic
def approve_proposal(*, actor, proposal: Proposal, comment: str = "") -> Proposal:
    """Approve the current step; the last step approves the proposal, which then waits
    for its executors or (no executor roles) executes at once in this same transaction,
    so a failing execution leaves the proposal pending and changes nothing."""
    _check_decider(proposal, actor)
    if actor.pk in _approver_ids(proposal):
        raise PermissionDeniedError("approved_twice", "同一人不能审批同一申请的两个步骤。",
                                    "One person cannot approve two steps of the same proposal.")
    comment = (comment or "").strip()
    step_index = proposal.step_index
    steps = proposal.chain.get("steps", [])
    label = steps[step_index].get("label", "")
    if step_index + 1 < len(steps):
        changes = _move(proposal, from_state=S.PENDING, from_step=step_index,
                        step_index=step_index + 1)
        _log(proposal, ProposalAction.Verb.APPROVE, actor, comment, step_index)
        events.record(actor=actor, verb="proposal.step_approved", obj=proposal, changes=changes,
                      summary=f"批准（{label}）：{proposal.title}",
                      data={"step": step_index, "step_label": label, "comment": comment})
        _notify_step(proposal)
        return proposal
    changes = _move(proposal, from_state=S.PENDING, from_step=step_index, state=S.APPROVED,
                    decided_at=timezone.now())
    _log(proposal, ProposalAction.Verb.APPROVE, actor, comment, step_index)
    events.record(actor=actor, verb="proposal.approved", obj=proposal, changes=changes,
                  summary=f"审批通过（{label}）：{proposal.title}",
                  data={"step": step_index, "step_label": label, "comment": comment})
    meet_deadline(actor=actor, subject=proposal)  # the decision was due; it is made
    executors = proposal.chain.get("executor_roles") or []
    if not executors:
        _execute(proposal, actor)
        return proposal
    notify(users_with_roles(executors), title=f"待执行：{proposal.title}",
           body=f"{kind_label(proposal.kind)} 已批准，请执行。",
           link=proposal.get_absolute_url(), category="approval")
    notify([proposal.proposer], title=f"申请已批准：{proposal.title}",
           body="等待执行。", link=proposal.get_absolute_url(), category="approval")
    return proposal


@transaction.atomic
def reject_proposal(*, actor, proposal: Proposal, comment: str) -> Proposal:
    _check_decider(proposal, actor)
    comment = (comment or "").strip()
    if not comment:
        raise UserError("reason_required", "驳回时请填写理由。", "Give a reason when rejecting.")
    step_index = proposal.step_index
    label = proposal.current_step.get("label", "")
    changes = _move(proposal, from_state=S.PENDING, from_step=step_index, state=S.REJECTED,
                    decided_at=timezone.now())
    _log(proposal, ProposalAction.Verb.REJECT, actor, comment, step_index)
    events.record(actor=actor, verb="proposal.rejected", obj=proposal, changes=changes,
                  summary=f"驳回（{label}）：{proposal.title}",
                  data={"step": step_index, "step_label": label, "comment": comment})
    notify([proposal.proposer], title=f"申请被驳回：{proposal.title}",
           body=f"{actor} 驳回：{comment}", link=proposal.get_absolute_url(), category="approval")
    _closed_without_execution(proposal, actor)
    return proposal


def _closed_without_execution(proposal, actor):
    """Let the owning domain undo its own waiting state (a stocktake goes back to counting;
    deadlines on the proposal end) — register_kind(..., on_reject=callable(proposal=, actor=))."""
    cancel_deadlines_for(actor=actor, subject=proposal, reason=proposal.get_state_display())
    hook = _kind(proposal.kind).extra.get("on_reject")
    if hook is not None:
        hook(proposal=proposal, actor=actor)


@transaction.atomic
def withdraw_proposal(*, actor, proposal: Proposal, comment: str = "") -> Proposal:
    if actor.pk != proposal.proposer_id:
        raise PermissionDeniedError("not_proposer", "只有申请人可以撤回。",
                                    "Only the proposer may withdraw.")
    if proposal.state not in (S.DRAFT, S.PENDING):
        raise ConflictError("cannot_withdraw", "该申请当前状态为「{state}」，不能撤回。",
                            "A '{state}' proposal cannot be withdrawn.",
                            state=proposal.get_state_display())
    comment = (comment or "").strip()
    step = proposal.current_step
    changes = _move(proposal, from_state=proposal.state, from_step=proposal.step_index,
                    state=S.WITHDRAWN, decided_at=timezone.now())
    _log(proposal, ProposalAction.Verb.WITHDRAW, actor, comment)
    events.record(actor=actor, verb="proposal.withdrawn", obj=proposal, changes=changes,
                  summary=f"撤回：{proposal.title}", data={"comment": comment})
    if step:  # the approvers it was waiting for need not look at it any more
        notify([p for p in users_with_roles(step["roles"]) if p.pk != actor.pk],
               title=f"申请已撤回：{proposal.title}", body=comment,
               link=proposal.get_absolute_url(), category="approval")
    _closed_without_execution(proposal, actor)
    return proposal


@transaction.atomic
def comment_on_proposal(*, actor, proposal: Proposal, comment: str) -> ProposalAction:
    comment = (comment or "").strip()
    if not comment:
        raise UserError("comment_empty", "评论不能为空。", "A comment cannot be empty.")
    if not can_view(actor, proposal):
        raise PermissionDeniedError("not_involved", "只有申请人、审批人和执行人可以评论。",
                                    "Only the proposer, approvers and executors may comment.")
    action = _log(proposal, ProposalAction.Verb.COMMENT, actor, comment)
    events.record(actor=actor, verb="proposal.commented", obj=proposal,
                  summary=f"评论：{proposal.title}", data={"comment": comment})
    if actor.pk != proposal.proposer_id:
        notify([proposal.proposer], title=f"新评论：{proposal.title}", body=f"{actor}：{comment}",
               link=proposal.get_absolute_url(), category="approval")
    return action


def _execute(proposal, actor):
    """Claim the proposal first (APPROVED → EXECUTED), then run the domain's service: a
    second executor racing this one fails on the claim before touching anything."""
    spec = _kind(proposal.kind)
    changes = _move(proposal, from_state=S.APPROVED, state=S.EXECUTED,
                    executed_at=timezone.now(), executed_by=actor)
    result = events.plain(spec.execute(proposal=proposal, actor=actor) or {})
    Proposal.objects.filter(pk=proposal.pk).update(result=result)
    proposal.result = result
    _log(proposal, ProposalAction.Verb.EXECUTE, actor)
    events.record(actor=actor, verb="proposal.executed", obj=proposal, changes=changes,
                  summary=f"已执行：{proposal.title}", data={"result": result})
    notify([proposal.proposer], title=f"申请已执行：{proposal.title}",
           link=proposal.get_absolute_url(), category="approval")


@transaction.atomic
def execute_proposal(*, actor, proposal: Proposal) -> Proposal:
    """The executor carries out an approved proposal through its domain's service."""
    if proposal.state != S.APPROVED:
        raise ConflictError("not_approved", "只有已批准的申请可以执行（当前：{state}）。",
                            "Only an approved proposal can be executed (now: {state}).",
                            state=proposal.get_state_display())
    roles = proposal.chain.get("executor_roles") or []
    # No executor roles means it executed itself on approval; nobody executes it by hand.
    if not roles or not actor.has_role(*roles):
        raise PermissionDeniedError("not_an_executor", "您的岗位不能执行该申请。",
                                    "Your role may not execute this proposal.")
    _execute(proposal, actor)
    return proposal
