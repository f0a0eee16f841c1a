"""Reads of the approval engine (APR-1, APR-2) shared by pages, the API and other apps.

Every list returns a QuerySet with the proposer joined, so a page of 50 rows costs the
same few queries as a page of 5.
"""


from django.db.models import Exists, OuterRef, Q

from .access import user_can
from .approvals import KINDS
from .models import ApprovalChain, Proposal, ProposalAction

S = Proposal.State
OPEN = (S.PENDING, S.APPROVED)
# A proposal whose approval is over (it may still await execution).
DECIDED = (S.APPROVED, S.REJECTED, S.EXECUTED, S.WITHDRAWN)
STATE_TAGS = {S.DRAFT: "grey", S.PENDING: "warn", S.APPROVED: "", S.REJECTED: "bad",
              S.EXECUTED: "ok", S.WITHDRAWN: "grey"}
VIEW_ALL = "core.view_all_proposals"


def chain_roles(chain: dict) -> set[str]:
    """Every role code that takes part in a chain (approvers of any step, executors)."""
    codes = set(chain.get("executor_roles") or [])
    for step in chain.get("steps", []):
        codes.update(step.get("roles", []))
    return codes


def my_proposals(user, *, state: str = ""):
    rows = Proposal.objects.filter(proposer=user).select_related("proposer")
    if state in S.values:
        rows = rows.filter(state=state)
    return rows


def _approvers(proposal_ids) -> dict[int, set[int]]:
    """proposal id → ids of the people who approved one of its steps."""
    out: dict[int, set[int]] = {}
    rows = ProposalAction.objects.filter(
        proposal_id__in=list(proposal_ids), verb=ProposalAction.Verb.APPROVE
    ).values_list("proposal_id", "actor_id")
    for proposal_id, actor_id in rows:
        out.setdefault(proposal_id, set()).add(actor_id)
    return out


def waiting_ids(user) -> list[int]:
    """Ids of pending proposals whose current step the user may approve, and approved ones
    the user may execute.

    The step a proposal waits at lives in its chain snapshot (JSON), which SQLite cannot
    filter on, so the open proposals' (small) chains are read and matched here."""
    codes = user.role_codes()
    if not codes:
        return []
    candidates = []
    for pk, state, step_index, chain, proposer_id in Proposal.objects.filter(
        state__in=OPEN
    ).values_list("pk", "state", "step_index", "chain", "proposer_id"):
        if state == S.APPROVED:
            if codes & set(chain.get("executor_roles") or []):
                candidates.append((pk, False))
            continue
        steps = chain.get("steps", [])
        if proposer_id != user.pk and step_index < len(steps) and (
            codes & set(steps[step_index].get("roles", []))
        ):
            candidates.append((pk, True))
    # One person approves at most one step of a proposal: do not offer the next one.
    approvers = _approvers(pk for pk, deciding in candidates if deciding)
    return [pk for pk, deciding in candidates
            if not deciding or user.pk not in approvers.get(pk, set())]


def waiting_queryset(user):
    """The 待我审批 queue, oldest first."""
    return (Proposal.objects.filter(pk__in=waiting_ids(user)).select_related("proposer")
            .order_by("submitted_at", "created_at", "id"))


def waiting_for(user) -> list[Proposal]:
    """Pending proposals whose current step the user can decide (not their own), and
    approved ones the user can execute."""
    return list(waiting_queryset(user))


def history(user, *, everyone: bool = False, kind: str = "", state: str = "", person=None):
    """Decided proposals the user proposed or acted on (everyone's when `everyone`)."""
    rows = Proposal.objects.filter(state__in=DECIDED)
    if not everyone:
        rows = rows.filter(_involving(user))
    if person is not None:
        rows = rows.filter(_involving(person))
    if kind:
        rows = rows.filter(kind=kind)
    if state in DECIDED:
        rows = rows.filter(state=state)
    return rows.select_related("proposer").order_by("-decided_at", "-id")


def _involving(person) -> Q:
    acted = ProposalAction.objects.filter(proposal=OuterRef("pk"), actor=person)
    return Q(proposer=person) | Q(executed_by=person) | Q(Exists(acted))


def can_view(user, proposal, codes=None) -> bool:
    """The proposer, people of the chain's roles, people who acted on it, and holders of
    core.view_all_proposals may open a proposal."""
    if not user.is_authenticated:
        return False
    if proposal.proposer_id == user.pk or user_can(user, VIEW_ALL):
        return True
    codes = user.role_codes() if codes is None else codes
    if codes & chain_roles(proposal.chain):
        return True
    return proposal.actions.filter(actor=user).exists()


def allowed_verbs(user, proposal, codes=None) -> list[str]:
    """The buttons this person may use on this proposal now (the actions re-check)."""
    codes = user.role_codes() if codes is None else codes
    mine = proposal.proposer_id == user.pk
    verbs = []
    step = proposal.current_step
    if step and not mine and codes & set(step.get("roles", [])):
        already = proposal.actions.filter(verb=ProposalAction.Verb.APPROVE, actor=user).exists()
        if not already:
            verbs.append("approve")
        verbs.append("reject")
    if proposal.state == S.APPROVED and codes & set(proposal.chain.get("executor_roles") or []):
        verbs.append("execute")
    if mine and proposal.state == S.DRAFT:
        verbs.append("submit")
    if mine and proposal.state in (S.DRAFT, S.PENDING):
        verbs.append("withdraw")
    verbs.append("comment")  # whoever may see it may discuss it
    return verbs


def step_chips(proposal) -> list[dict]:
    """The chain as chips: each step done / now / rejected / todo, then execution."""
    steps = proposal.chain.get("steps", [])
    state, at = proposal.state, proposal.step_index
    chips = []
    for i, step in enumerate(steps):
        if state in (S.APPROVED, S.EXECUTED) or i < at:
            status = "done"
        elif i == at and state == S.PENDING:
            status = "now"
        elif i == at and state == S.REJECTED:
            status = "rejected"
        else:
            status = "todo"
        chips.append({"label": step.get("label") or f"第{i + 1}步", "roles": step.get("roles", []),
                      "status": status})
    executors = proposal.chain.get("executor_roles") or []
    exec_status = {S.EXECUTED: "done", S.APPROVED: "now"}.get(state, "todo")
    chips.append({"label": "执行" if executors else "自动执行", "roles": executors,
                  "status": exec_status})
    return chips


def hidden_fields(kind: str) -> set[str]:
    """Payload keys a kind marks as secret (register_kind(..., hidden_fields=[...]))."""
    spec = KINDS.get(kind)
    return set(spec.extra.get("hidden_fields", ())) if spec else set()


def public_payload(kind: str, payload: dict) -> dict:
    hidden = hidden_fields(kind)
    return {k: ("******" if k in hidden else v) for k, v in (payload or {}).items()}


def describe(proposal) -> str:
    spec = KINDS.get(proposal.kind)
    if spec is None or spec.describe is None:
        return ""
    try:
        return str(spec.describe(proposal.payload) or "")
    except Exception:  # noqa: BLE001 — an old payload must not break the page showing it
        return ""


def payload_rows(proposal) -> list[tuple[str, str]]:
    """The payload as readable (label, value) pairs; kinds may name their fields with
    register_kind(..., field_labels={"price": "价格"})."""
    spec = KINDS.get(proposal.kind)
    labels = spec.extra.get("field_labels", {}) if spec else {}
    formatters = spec.extra.get("field_formatters", {}) if spec else {}
    rows = []
    for key, value in public_payload(proposal.kind, proposal.payload).items():
        if key in formatters:
            value = formatters[key](value)
        rows.append((labels.get(key, key), _readable(value)))
    return rows


def _readable(value) -> str:
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_readable(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_readable(v)}" for k, v in value.items())
    return str(value)


def configured_chains() -> list[dict]:
    """Every registered kind with the chain in force (an administrator's or the seed)."""
    saved = {row.kind: row for row in ApprovalChain.objects.all()}
    out = []
    for code, spec in sorted(KINDS.items(), key=lambda kv: kv[0]):
        row = saved.get(code)
        chain = row.as_dict() if row else dict(spec.chain)
        out.append({"kind": code, "label": spec.label, "chain": chain,
                    "updated_at": row.updated_at if row else None, "configured": row is not None})
    return out

