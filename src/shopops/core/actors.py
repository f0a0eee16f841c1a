"""Who acts when it is not a staff member: a customer of the shop.

Actions take an explicit `actor`. Staff are `accounts.User`; the system is `None`; a
customer acting in the shop (placing an order, opening an after-sales request, writing in
the chat) is a `CustomerActor`. It is never a request's `user` and never signs in to staff
pages: storefront code builds it from the signed-in shop account.

It looks enough like a user for the shared machinery: `core.events.record` stores no actor
row (pk is None) and names it "顾客 …"; the ledger stores no actor; `user_can` grants it
exactly CUSTOMER_CAPABILITIES, so an order action that checks `orders.create` lets a
customer place an order but nothing a customer may not do. Actions that a customer may
only do to their own things (their orders, their requests) check that themselves.
"""

from dataclasses import dataclass

# What a customer may do through the shared order actions (checkout, cancelling their own
# unpaid order). Everything else a customer does goes through storefront/aftersales/service
# actions that check ownership.
CUSTOMER_CAPABILITIES = frozenset({"orders.create", "orders.cancel"})


@dataclass(frozen=True, eq=False)
class CustomerActor:
    customer_id: int
    name: str = ""
    number: str = ""

    pk = None
    is_authenticated = True
    is_active = True
    is_customer = True

    @property
    def display_name(self) -> str:
        """What the event log stores as the actor's name: masked (ROLE-6) — the history of
        an order or a request is read by many staff; the number says who it was."""
        from shopops.service.privacy import mask_name

        name = mask_name(self.name)
        who = f"{name}（{self.number}）" if name and self.number else (name or self.number)
        return f"顾客 {who}" if who else f"顾客 #{self.customer_id}"

    def get_username(self) -> str:
        return self.display_name

    def capability_codes(self) -> frozenset:
        return CUSTOMER_CAPABILITIES

    def role_codes(self) -> frozenset:
        return frozenset()

    def has_role(self, *codes) -> bool:
        return False

    def __str__(self):
        return self.display_name


def customer_actor(customer) -> CustomerActor:
    return CustomerActor(customer_id=customer.pk, name=customer.name, number=customer.number)


def is_customer(actor) -> bool:
    return bool(getattr(actor, "is_customer", False))
