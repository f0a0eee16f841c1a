"""The approval engine (APR-1, APR-2): propose → approve (one or more steps) → execute.

Every function is one transaction and records an event. Moves use conditional UPDATEs
on (state, step_index) so two approvers clicking at once cannot both advance a step.
"""

from django.db import transaction
from django.utils import timezone

from shopops.accounts.queries import users_with_roles

from .. import events
from ..approvals import KINDS, chain_for, kind_label
from ..errors import ConflictError, NotFoundError, PermissionDeniedError, UserError
from ..models import Proposal, ProposalAction
from ..notify import notify

S = Proposal.State


def _kind(code):
    kind = KINDS.get(code)
    if kind is None:
        raise NotFoundError("unknown_kind", "未知的申请类型：{kind}", "Unknown proposal kind: {kind}",
                            kind=code)
    return kind


def _log(proposal, verb, actor, comment="", step_index=None):
    ProposalAction.objects.create(proposal=proposal, verb=verb, actor=actor, comment=comment,
                                  step_index=step_index)


def _move(proposal, *, from_state, from_step=None, **changes):
    """Conditional update: only if the proposal is still where we saw it."""
    match = {"pk": proposal.pk, "state": from_state}
    if from_step is not None:
        match["step_index"] = from_step
    if Proposal.objects.filter(**match).update(**changes) != 1:
        raise ConflictError("proposal_changed", "该申请已被他人处理，请刷新后查看。",
                            "This proposal was handled by someone else; reload to see it.")
    for key, value in changes.items():
        setattr(proposal, key, value)


def _step_people(proposal):
    step = proposal.current_step
    return users_with_roles(step["roles"]) if step else []


def _notify_step(proposal):
    people = [p for p in _step_people(proposal) if p.pk != proposal.proposer_id]
    step = proposal.current_step
    notify(people, title=f"待您审批：{proposal.title}",
           body=f"{kind_label(proposal.kind)} · {step.get('label', '')} · 申请人 {proposal.proposer}",
           link=proposal.get_absolute_url(), category="approval")


def can_propose(user, kind: str) -> bool:
    roles = chain_for(kind).get("proposer_roles") or []
    return not roles or user.has_role(*roles)


def propose(*, actor, kind: str, title: str, payload: dict, reason: str = "", subject=None,
            submit: bool = True) -> Proposal:
    """Create a proposal and (by default) submit it to the first step of its chain."""
    spec = _kind(kind)
    chain = chain_for(kind)
    if chain.get("proposer_roles") and not actor.has_role(*chain["proposer_roles"]):
        raise PermissionDeniedError("not_a_proposer", "您的岗位不能提出「{kind}」申请。",
                                    "Your role may not propose '{kind}'.", kind=spec.label)
    if not title.strip():
        raise UserError("title_required", "请填写申请标题。", "A title is required.")
    if spec.validate:
        spec.validate(payload=payload, actor=actor)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            kind=kind, title=title.strip()[:200], proposer=actor, payload=payload, reason=reason,
            chain=chain,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
        )
        events.record(actor=actor, verb="proposal.created", obj=proposal,
                      summary=f"提出{spec.label}申请：{proposal.title}",
                      data={"kind": kind, "payload": payload})
        if submit:
            _submit(proposal, actor)
    return proposal


def _submit(proposal, actor):
    _move(proposal, from_state=S.DRAFT, state=S.PENDING, step_index=0,
          submitted_at=timezone.now())
    _log(proposal, ProposalAction.Verb.SUBMIT, actor, step_index=0)
    events.record(actor=actor, verb="proposal.submitted", obj=proposal,
                  summary=f"提交审批：{proposal.title}")
    _notify_step(proposal)


@transaction.atomic
def submit_proposal(*, actor, proposal: Proposal) -> Proposal:
    if actor.pk != proposal.proposer_id:
        raise PermissionDeniedError("not_proposer", "只有申请人可以提交。",
                                    "Only the proposer may submit.")
    _submit(proposal, actor)
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
    if not actor.has_role(*step["roles"]):
        raise PermissionDeniedError("not_an_approver", "您不是「{step}」这一步的审批人。",
                                    "You are not an approver of step '{step}'.",
                                    step=step.get("label", ""))


@transaction.atomic
def approve_proposal(*, actor, proposal: Proposal, comment: str = "") -> Proposal:
    _check_decider(proposal, actor)
    if proposal.actions.filter(verb=ProposalAction.Verb.APPROVE, actor=actor).exists():
        raise PermissionDeniedError("approved_twice", "同一人不能审批同一申请的两个步骤。",
                                    "One person cannot approve two steps of the same proposal.")
    step_index = proposal.step_index
    steps = proposal.chain.get("steps", [])
    _log(proposal, ProposalAction.Verb.APPROVE, actor, comment, step_index)
    if step_index + 1 < len(steps):
        _move(proposal, from_state=S.PENDING, from_step=step_index, step_index=step_index + 1)
        events.record(actor=actor, verb="proposal.step_approved", obj=proposal,
                      summary=f"批准（{steps[step_index].get('label', '')}）：{proposal.title}",
                      data={"step": step_index, "comment": comment})
        _notify_step(proposal)
        return proposal
    _move(proposal, from_state=S.PENDING, from_step=step_index, state=S.APPROVED,
          decided_at=timezone.now())
    events.record(actor=actor, verb="proposal.approved", obj=proposal,
                  summary=f"审批通过：{proposal.title}", data={"step": step_index, "comment": comment})
    executors = proposal.chain.get("executor_roles") or []
    if not executors:
        _execute(proposal, actor)
    else:
        notify([p for p in users_with_roles(executors)], title=f"待执行：{proposal.title}",
               body=f"{kind_label(proposal.kind)} 已批准，请执行。",
               link=proposal.get_absolute_url(), category="approval")
        notify([proposal.proposer], title=f"申请已批准：{proposal.title}",
               body="等待执行。", link=proposal.get_absolute_url(), category="approval")
    return proposal


@transaction.atomic
def reject_proposal(*, actor, proposal: Proposal, comment: str) -> Proposal:
    _check_decider(proposal, actor)
    if not comment.strip():
        raise UserError("reason_required", "驳回时请填写理由。", "Give a reason when rejecting.")
    step_index = proposal.step_index
    _move(proposal, from_state=S.PENDING, from_step=step_index, state=S.REJECTED,
          decided_at=timezone.now())
    _log(proposal, ProposalAction.Verb.REJECT, actor, comment, step_index)
    events.record(actor=actor, verb="proposal.rejected", obj=proposal,
                  summary=f"驳回：{proposal.title}", data={"step": step_index, "comment": comment})
    notify([proposal.proposer], title=f"申请被驳回：{proposal.title}", body=comment,
           link=proposal.get_absolute_url(), category="approval")
    return proposal


@transaction.atomic
def withdraw_proposal(*, actor, proposal: Proposal, comment: str = "") -> Proposal:
    if actor.pk != proposal.proposer_id:
        raise PermissionDeniedError("not_proposer", "只有申请人可以撤回。",
                                    "Only the proposer may withdraw.")
    if proposal.state not in (S.DRAFT, S.PENDING):
        raise ConflictError("cannot_withdraw", "该申请当前状态为「{state}」，不能撤回。",
                            "A '{state}' proposal cannot be withdrawn.",
                            state=proposal.get_state_display())
    _move(proposal, from_state=proposal.state, state=S.WITHDRAWN, decided_at=timezone.now())
    _log(proposal, ProposalAction.Verb.WITHDRAW, actor, comment)
    events.record(actor=actor, verb="proposal.withdrawn", obj=proposal,
                  summary=f"撤回：{proposal.title}", data={"comment": comment})
    return proposal


@transaction.atomic
def comment_on_proposal(*, actor, proposal: Proposal, comment: str) -> ProposalAction:
    if not comment.strip():
        raise UserError("comment_empty", "评论不能为空。", "A comment cannot be empty.")
    involved = actor.pk == proposal.proposer_id or any(
        actor.has_role(*s["roles"]) for s in proposal.chain.get("steps", [])
    ) or actor.has_role(*(proposal.chain.get("executor_roles") or [])) or actor.has_role("manager")
    if not involved:
        raise PermissionDeniedError("not_involved", "只有申请人、审批人和执行人可以评论。",
                                    "Only the proposer, approvers and executors may comment.")
    _log(proposal, ProposalAction.Verb.COMMENT, actor, comment.strip())
    events.record(actor=actor, verb="proposal.commented", obj=proposal,
                  summary=f"评论：{proposal.title}", data={"comment": comment.strip()})
    return proposal.actions.last()


def _execute(proposal, actor):
    spec = _kind(proposal.kind)
    result = spec.execute(proposal=proposal, actor=actor) or {}
    _move(proposal, from_state=S.APPROVED, state=S.EXECUTED, executed_at=timezone.now(),
          executed_by=actor, result=result)
    _log(proposal, ProposalAction.Verb.EXECUTE, actor)
    events.record(actor=actor, verb="proposal.executed", obj=proposal,
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
    if roles and not actor.has_role(*roles):
        raise PermissionDeniedError("not_an_executor", "您的岗位不能执行该申请。",
                                    "Your role may not execute this proposal.")
    _execute(proposal, actor)
    return proposal


def waiting_for(user):
    """Pending proposals whose current step the user can decide (not their own)."""
    codes = user.role_codes()
    pending = Proposal.objects.filter(state__in=[S.PENDING, S.APPROVED]).exclude(
        proposer=user).select_related("proposer")
    out = []
    for proposal in pending:
        if proposal.state == S.PENDING:
            step = proposal.current_step
            if step and codes & set(step["roles"]):
                out.append(proposal)
        elif codes & set(proposal.chain.get("executor_roles") or []):
            out.append(proposal)
    return out
