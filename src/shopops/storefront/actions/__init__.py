"""The shop's actions: accounts and addresses, carts, checkout, the customer's moves on
their own orders, payments. Views call these; they never write models."""
