"""Order actions: intake.create_order, lifecycle (mark_paid, confirm, cancel, hold, unhold,
mark_out_of_stock), amend.amend_order. Import them from here."""

from .amend import amend_order
from .intake import create_order
from .intercept import request_refund
from .lifecycle import cancel, confirm, hold, mark_out_of_stock, mark_paid, unhold

__all__ = ["amend_order", "cancel", "confirm", "create_order", "hold", "mark_out_of_stock",
           "mark_paid", "request_refund", "unhold"]
