"""The registry of proposal kinds (APR-1) and their default chains (APR-2).

A domain registers each kind it owns:

    register_kind(
        "price_change", "价格调整",
        chain={"proposer_roles": ["product_manager"],
               "steps": [{"label": "部门经理审批", "roles": ["manager"]}],
               "executor_roles": ["editor"]},
        execute=catalog.actions.apply_price_change,   # (proposal=, actor=) -> dict
        validate=catalog.actions.check_price_payload,  # (payload=, actor=) -> None or raise
        describe=lambda payload: "…",                  # one line for lists
    )

The chain above is only the seed: ApprovalChain rows hold what an administrator set.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProposalKind:
    code: str
    label: str
    chain: dict
    execute: Callable
    validate: Callable | None = None
    describe: Callable | None = None
    extra: dict = field(default_factory=dict)


KINDS: dict[str, ProposalKind] = {}


def register_kind(code, label, *, chain, execute, validate=None, describe=None, **extra):
    KINDS[code] = ProposalKind(code, label, chain, execute, validate, describe, extra)
    return KINDS[code]


def kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return kind.label if kind else code


def ensure_default_chains():
    """Create the configured chain of every registered kind that has none yet."""
    from .models import ApprovalChain

    have = set(ApprovalChain.objects.values_list("kind", flat=True))
    ApprovalChain.objects.bulk_create(
        [
            ApprovalChain(kind=k.code, proposer_roles=k.chain.get("proposer_roles", []),
                          steps=k.chain["steps"], executor_roles=k.chain.get("executor_roles", []))
            for k in KINDS.values()
            if k.code not in have
        ],
        ignore_conflicts=True,
    )


def chain_for(kind: str) -> dict:
    from .models import ApprovalChain

    row = ApprovalChain.objects.filter(kind=kind).first()
    if row is not None:
        return row.as_dict()
    return dict(KINDS[kind].chain)
