from .approvals import ApprovalChain, Proposal, ProposalAction
from .deadlines import Deadline
from .events import Event
from .notifications import Notification
from .numbering import Sequence
from .runtime import Heartbeat, PeriodicJob
from .settings import SettingValue

__all__ = [
    "ApprovalChain",
    "Deadline",
    "Event",
    "Heartbeat",
    "Notification",
    "PeriodicJob",
    "Proposal",
    "ProposalAction",
    "Sequence",
    "SettingValue",
]
