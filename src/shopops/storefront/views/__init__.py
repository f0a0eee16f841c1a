"""The shop's pages (/shop/…): catalogue, search, cart, account, checkout, the customer's
orders and payments; and the staff page of shop payments. Thin: each POST calls one
action and shows its UserError in Chinese."""
