"""Customer service (SPEC section 7): customers (CRM), conversations and chat, quality
inspection, follow-up visits, bad-customer reports and product reviews."""

from .conversations import (  # noqa: F401
    Conversation,
    ConversationImport,
    HandoverItem,
    Message,
    QuickReply,
    Script,
    ShiftHandover,
)
from .customers import (  # noqa: F401
    BadCustomerReport,
    Customer,
    CustomerAddress,
    CustomerTag,
    FollowUp,
    PiiReveal,
    Segment,
)
from .quality import QualityCheck  # noqa: F401
from .reviews import Review  # noqa: F401
