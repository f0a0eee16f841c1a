"""Configuring who proposes, approves and executes each kind of proposal (APR-2).

A change applies to proposals submitted afterwards: each proposal keeps the snapshot of
the chain it was submitted with (Proposal.chain), so nothing in flight is re-routed.
"""

from django.db import transaction
from django.utils import timezone

from shopops.accounts.models import Role

from .. import events
from ..access import require
from ..approvals import KINDS
from ..errors import NotFoundError, UserError
from ..models import ApprovalChain


def _codes(values) -> list[str]:
    """Role codes in the order given, blanks and repeats dropped."""
    out = []
    for value in values or []:
        code = str(value).strip()
        if code and code not in out:
            out.append(code)
    return out


def clean_chain(*, proposer_roles, steps, executor_roles) -> dict:
    """Validate a chain as typed by an administrator and return it normalised."""
    proposer_roles, executor_roles = _codes(proposer_roles), _codes(executor_roles)
    clean_steps = []
    for number, step in enumerate(steps or [], start=1):
        roles = _codes(step.get("roles"))
        if not roles:
            raise UserError("step_without_roles", "第{n}步没有选择审批岗位。",
                            "Step {n} has no approver role.", n=number)
        label = str(step.get("label") or "").strip()[:60] or f"第{number}步审批"
        clean_steps.append({"label": label, "roles": roles})
    if not clean_steps:
        raise UserError("chain_without_steps", "审批流程至少需要一个审批步骤。",
                        "An approval chain needs at least one step.")
    used = set(proposer_roles) | set(executor_roles)
    for step in clean_steps:
        used.update(step["roles"])
    unknown = sorted(used - set(Role.objects.filter(code__in=used).values_list("code", flat=True)))
    if unknown:
        raise UserError("unknown_roles", "岗位不存在：{codes}", "Unknown roles: {codes}",
                        codes="、".join(unknown))
    return {"proposer_roles": proposer_roles, "steps": clean_steps,
            "executor_roles": executor_roles}


@transaction.atomic
def change_approval_chain(*, actor, kind: str, proposer_roles, steps, executor_roles) -> ApprovalChain:
    """Set the chain of one kind. Empty executor_roles: it executes itself on approval."""
    require(actor, "core.manage_approval_chains")
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFoundError("unknown_kind", "未知的申请类型：{kind}", "Unknown proposal kind: {kind}",
                            kind=kind)
    after = clean_chain(proposer_roles=proposer_roles, steps=steps, executor_roles=executor_roles)
    # The row normally exists (created after migrate); a kind registered later starts
    # from its seed chain. Locked so two administrators' edits do not interleave.
    ApprovalChain.objects.get_or_create(kind=kind, defaults={
        "proposer_roles": spec.chain.get("proposer_roles", []), "steps": spec.chain["steps"],
        "executor_roles": spec.chain.get("executor_roles", [])})
    row = ApprovalChain.objects.select_for_update().get(kind=kind)
    before = row.as_dict()
    changes = events.diff(before, after)
    if not changes:
        return row  # nothing changed, nothing to record
    row.proposer_roles = after["proposer_roles"]
    row.steps = after["steps"]
    row.executor_roles = after["executor_roles"]
    row.updated_at = timezone.now()
    row.save()
    events.record(actor=actor, verb="approval_chain.changed", obj=row,
                  summary=f"修改审批流程：{spec.label}", changes=changes,
                  data={"kind": kind, "before": before, "after": after})
    return row
