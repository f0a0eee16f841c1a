from shopops.core.access import require

from ..models import Order


def require_cap(actor, code):
    """People need the capability; the system (actor None: scheduler, integrations) acts freely."""
    if actor is not None:
        require(actor, code)


def locked(order) -> Order:
    """The order's current row, locked for this transaction (no lost updates between actions)."""
    return Order.objects.select_for_update().get(pk=order.pk)
