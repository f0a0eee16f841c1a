"""/api/v1/proposals — the approval engine over HTTP (APR-1, APR-2).

Errors are the actions' UserErrors, answered as 4xx JSON {"code", "message", "message_en"}
by the handler in shopops.api.
"""

from datetime import datetime

from ninja import Router, Schema

from . import queries_approvals as queries
from .access import LOGIN
from .actions import approvals as actions
from .api_access import api_access
from .approvals import kind_label
from .errors import NotFoundError, PermissionDeniedError
from .models import Proposal

router = Router()
MAX_LIMIT = 200


class PersonOut(Schema):
    id: int
    username: str
    name: str


class StepOut(Schema):
    label: str
    roles: list[str]
    status: str


class ActionOut(Schema):
    verb: str
    verb_label: str
    actor: PersonOut
    step_index: int | None
    comment: str
    at: datetime


class ProposalOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    state: str
    state_label: str
    proposer: PersonOut
    reason: str
    current_step: str | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    executed_at: datetime | None


class ProposalDetailOut(ProposalOut):
    payload: dict
    describe: str
    steps: list[StepOut]
    executor_roles: list[str]
    result: dict
    actions: list[ActionOut]
    allowed: list[str]


class CommentIn(Schema):
    comment: str = ""


def _person(user) -> dict:
    return {"id": user.pk, "username": user.username, "name": str(user)}


def _out(proposal) -> dict:
    step = proposal.current_step
    return {
        "id": proposal.pk, "kind": proposal.kind, "kind_label": kind_label(proposal.kind),
        "title": proposal.title, "state": proposal.state,
        "state_label": proposal.get_state_display(), "proposer": _person(proposal.proposer),
        "reason": proposal.reason, "current_step": step.get("label", "") if step else None,
        "created_at": proposal.created_at, "submitted_at": proposal.submitted_at,
        "decided_at": proposal.decided_at, "executed_at": proposal.executed_at,
    }


def _detail(request, proposal) -> dict:
    return {
        **_out(proposal),
        "payload": queries.public_payload(proposal.kind, proposal.payload),
        "describe": queries.describe(proposal),
        "steps": [{"label": c["label"], "roles": c["roles"], "status": c["status"]}
                  for c in queries.step_chips(proposal)[:-1]],
        "executor_roles": list(proposal.chain.get("executor_roles") or []),
        "result": proposal.result or {},
        "actions": [
            {"verb": a.verb, "verb_label": a.get_verb_display(), "actor": _person(a.actor),
             "step_index": a.step_index, "comment": a.comment, "at": a.at}
            for a in proposal.actions.select_related("actor")
        ],
        "allowed": queries.allowed_verbs(request.user, proposal),
    }


def _visible(request, proposal_id) -> Proposal:
    proposal = Proposal.objects.select_related("proposer").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFoundError("proposal_not_found", "申请 #{id} 不存在。",
                            "Proposal #{id} does not exist.", id=proposal_id)
    if not queries.can_view(request.user, proposal):
        raise PermissionDeniedError("not_involved", "您无权查看该申请。",
                                    "You may not view this proposal.")
    return proposal


def _window(rows, limit, offset):
    limit = max(1, min(limit, MAX_LIMIT))
    return [_out(p) for p in rows[max(offset, 0):max(offset, 0) + limit]]


@router.get("/", response=list[ProposalOut], summary="我的申请 / my proposals")
@api_access(LOGIN)
def list_mine(request, state: str = "", limit: int = 50, offset: int = 0):
    return _window(queries.my_proposals(request.user, state=state), limit, offset)


@router.get("/waiting", response=list[ProposalOut], summary="待我审批 / waiting for me")
@api_access(LOGIN)
def list_waiting(request, limit: int = 50, offset: int = 0):
    return _window(queries.waiting_queryset(request.user), limit, offset)


@router.get("/{int:proposal_id}", response=ProposalDetailOut, summary="申请详情 / one proposal")
@api_access(LOGIN)
def get_proposal(request, proposal_id: int):
    return _detail(request, _visible(request, proposal_id))


@router.post("/{int:proposal_id}/approve", response=ProposalDetailOut, summary="批准 / approve")
@api_access(LOGIN)
def approve(request, proposal_id: int, body: CommentIn = None):
    proposal = _visible(request, proposal_id)
    actions.approve_proposal(actor=request.user, proposal=proposal, comment=_comment(body))
    return _detail(request, proposal)


@router.post("/{int:proposal_id}/reject", response=ProposalDetailOut,
             summary="驳回（须填理由） / reject (reason required)")
@api_access(LOGIN)
def reject(request, proposal_id: int, body: CommentIn = None):
    proposal = _visible(request, proposal_id)
    actions.reject_proposal(actor=request.user, proposal=proposal, comment=_comment(body))
    return _detail(request, proposal)


@router.post("/{int:proposal_id}/withdraw", response=ProposalDetailOut, summary="撤回 / withdraw")
@api_access(LOGIN)
def withdraw(request, proposal_id: int, body: CommentIn = None):
    proposal = _visible(request, proposal_id)
    actions.withdraw_proposal(actor=request.user, proposal=proposal, comment=_comment(body))
    return _detail(request, proposal)


@router.post("/{int:proposal_id}/comment", response=ProposalDetailOut, summary="评论 / comment")
@api_access(LOGIN)
def comment(request, proposal_id: int, body: CommentIn = None):
    proposal = _visible(request, proposal_id)
    actions.comment_on_proposal(actor=request.user, proposal=proposal, comment=_comment(body))
    return _detail(request, proposal)


@router.post("/{int:proposal_id}/execute", response=ProposalDetailOut, summary="执行 / execute")
@api_access(LOGIN)
def execute(request, proposal_id: int, body: CommentIn = None):
    proposal = _visible(request, proposal_id)
    actions.execute_proposal(actor=request.user, proposal=proposal)
    return _detail(request, proposal)


@router.post("/{int:proposal_id}/submit", response=ProposalDetailOut,
             summary="提交草稿 / submit a draft")
@api_access(LOGIN)
def submit(request, proposal_id: int, body: CommentIn = None):
    proposal = _visible(request, proposal_id)
    actions.submit_proposal(actor=request.user, proposal=proposal)
    return _detail(request, proposal)


def _comment(body) -> str:
    return body.comment if body is not None else ""
